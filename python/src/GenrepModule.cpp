// genrep._genrep: the C++ library served to Python (python/genrep/__init__.py is the API a user
// sees), in the way NVIDIA DALI serves a C++ pipeline to PyTorch loops: tensors cross the
// boundary as torch.Tensor without copies (torch's pybind11 casters), the GIL is released while
// C++ works, and every setting is resolved by the same schema and bindings as the command line,
// so a key, its default and its range check are genrep train's (a bad one: ValueError naming it).
#include <torch/extension.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "genrep/core/Config.h"
#include "genrep/data/DatasetOpener.h"
#include "genrep/data/RealDataset.h"
#include "genrep/eval/Evaluation.h"
#include "genrep/eval/FeatureSet.h"
#include "genrep/gen/Generator.h"
#include "genrep/gen/GeneratorLoader.h"
#include "genrep/runtime/Device.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/EvalKeys.h"
#include "genrep/settings/GeneratorKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/settings/ViewKeys.h"
#include "genrep/views/ViewSource.h"
#include "genrep/views/ViewSourceOptions.h"

namespace py = pybind11;

namespace genrep {
namespace {

// The keys of `genrep train` that decide its views: what a stream's settings are resolved against.
ConfigSchema streamSchema() {
  ConfigSchema schema;
  addRunKeys(schema);
  addDeviceKey(schema);
  addDatasetKeys(schema);
  addGeneratorKeys(schema);
  addViewSourceKeys(schema);
  addEncoderTrainingKeys(schema);  // learn.batch: the anchors of a step
  return schema;
}

ConfigSchema datasetSchema() {
  ConfigSchema schema;
  addDatasetKeys(schema);
  return schema;
}

// The keys of `genrep eval`'s probes and the dataset they score on.
ConfigSchema evaluationSchema() {
  ConfigSchema schema;
  addRunKeys(schema);
  addDatasetKeys(schema);
  addEvaluationKeys(schema);
  return schema;
}

// `settings`: "key=value" as --set takes them; `source` names them in errors.
Config resolve(const ConfigSchema& schema, const std::vector<std::string>& settings, const std::string& source) {
  return Config::fromToml(schema, "", source, settings);
}

// The bytes of `images` as a uint8 tensor [N, C, H, W] that owns them (no copy).
torch::Tensor ownedImages(ImageArray&& images) {
  auto* bytes = new std::vector<uint8_t>(std::move(images.pixels));
  return torch::from_blob(
      bytes->data(), {images.count, images.channels, images.height, images.width}, [bytes](void*) { delete bytes; },
      torch::TensorOptions().dtype(torch::kUInt8));
}

py::dict split(ImageArray&& images) {
  py::dict out;
  out["labels"] = torch::tensor(images.labels, torch::kInt64);
  out["images"] = ownedImages(std::move(images));
  return out;
}

// A generator: genrep's GAN or a TorchScript folder (gen/GeneratorLoader.h).
struct PyGenerator {
  std::shared_ptr<Generator> generator;
  std::string path;
};

// The views genrep train draws, step by step: makeViewSource with the settings resolved as the
// command resolves them.
class PyViewStream {
 public:
  PyViewStream(std::shared_ptr<Generator> generator, const std::vector<std::string>& settings)
      : config_(resolve(streamSchema(), settings, "genrep.ViewStream")),
        batch_(encoderTrainingOptionsFromConfig(config_).batch) {  // genrep train's checks of learn.*
    const ViewSourceOptions options = viewSourceOptionsFromConfig(config_);
    if (options.needsDataset()) dataset_ = std::make_unique<RealDataset>(openDataset(datasetSpecFromConfig(config_)));
    const torch::Device device = selectDevice(deviceFromConfig(config_));
    source_ = makeViewSource(options, options.needsGenerator() ? std::move(generator) : nullptr, dataset_.get(), device);
  }

  // Step `step`'s batch: views [V, B, C, H, W] (a view of the source's [V*B, ...], no copy),
  // the anchors' classes [B], the latents [V, B, Z] and which rows are generated [V, B].
  py::dict batch(int64_t step) {
    ViewBatch b;
    {
      py::gil_scoped_release release;
      b = source_->batch(step, batch_);
    }
    const int64_t v = b.viewsPerAnchor, n = b.anchors;
    py::dict out;
    out["views"] = b.views.view({v, n, b.views.size(1), b.views.size(2), b.views.size(3)});
    out["classes"] = b.classes.view({v, n}).select(0, 0);
    out["latents"] = b.latents.defined() && b.latents.numel() > 0 ? b.latents.view({v, n, -1}) : torch::Tensor();
    out["synthetic"] = b.synthetic.view({v, n});
    out["step"] = step;
    return out;
  }

  std::string describe() const { return source_->describe(); }
  int64_t anchors() const { return batch_; }
  int64_t viewsPerAnchor() const { return source_->viewsPerAnchor(); }
  int64_t classes() const { return source_->classes(); }
  int64_t latentDim() const { return source_->latentDim(); }
  int64_t channels() const { return source_->channels(); }
  std::string settings() const { return config_.toToml(); }

 private:
  Config config_;
  int64_t batch_ = 0;
  std::unique_ptr<RealDataset> dataset_;
  std::unique_ptr<ViewSource> source_;
};

}  // namespace
}  // namespace genrep

PYBIND11_MODULE(_genrep, m) {
  using namespace genrep;
  m.doc() = "genrep's C++ library (use the genrep package, not this module)";
  // A file genrep cannot read is an OSError in Python, a bad setting a ValueError (pybind11's
  // own translation of std::invalid_argument); both carry genrep's one-line message.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const std::filesystem::filesystem_error& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    }
  });

  py::class_<PyGenerator>(m, "Generator")
      .def_property_readonly("path", [](const PyGenerator& g) { return g.path; })
      .def_property_readonly("latent_dim", [](const PyGenerator& g) { return g.generator->info().latentDim; })
      .def_property_readonly("num_classes", [](const PyGenerator& g) { return g.generator->info().classes; })
      .def_property_readonly("image_shape",
                             [](const PyGenerator& g) {
                               const GeneratorInfo& i = g.generator->info();
                               return py::make_tuple(i.channels, i.height, i.width);
                             })
      .def_property_readonly("description", [](const PyGenerator& g) { return g.generator->info().description; })
      .def(
          "sample",
          [](PyGenerator& g, const torch::Tensor& z, const std::optional<torch::Tensor>& classes) {
            const GeneratorInfo& info = g.generator->info();
            if (z.dim() != 2 || z.size(1) != info.latentDim || !z.is_floating_point()) {
              throw std::invalid_argument("sample: z must be a float tensor [B, " + std::to_string(info.latentDim) + "]");
            }
            const torch::Tensor y = classes ? *classes : torch::Tensor();
            if (info.classes > 0 && (!y.defined() || y.dim() != 1 || y.size(0) != z.size(0) || y.scalar_type() != torch::kInt64)) {
              throw std::invalid_argument("sample: this generator is conditional: y must be an int64 tensor [B] of classes in [0, " +
                                          std::to_string(info.classes) + ")");
            }
            py::gil_scoped_release release;
            torch::NoGradGuard noGrad;
            return normaliseGenerated(g.generator->sample(z.to(torch::kFloat32), y), info);
          },
          py::arg("z"), py::arg("y") = py::none(),
          "images [B, C, H, W] in [-1, 1] from latents z [B, latent_dim] (and classes y [B], int64, for a conditional generator)");

  m.def(
      "load_generator",
      [](const std::string& path) {
        ConfigSchema schema;
        addGeneratorKeys(schema);
        // The shipped generator where gen.path's default says, as the command line finds it.
        const std::string folder = generatorPathFromConfig(
            resolve(schema, path.empty() ? std::vector<std::string>{} : std::vector<std::string>{"gen.path=" + path}, "genrep.load_generator"));
        std::shared_ptr<Generator> g;
        {
          py::gil_scoped_release release;
          g = loadGenerator(folder);
        }
        return PyGenerator{std::move(g), folder};
      },
      py::arg("path") = "");

  py::class_<PyViewStream>(m, "ViewStreamCore")
      .def(py::init([](const PyGenerator& g, const std::vector<std::string>& settings) {
             std::vector<std::string> all = settings;
             all.insert(all.begin(), "gen.path=" + g.path);
             return std::make_unique<PyViewStream>(g.generator, all);
           }),
           py::arg("generator"), py::arg("settings"))
      .def("batch", &PyViewStream::batch, py::arg("step"))
      .def_property_readonly("description", &PyViewStream::describe)
      .def_property_readonly("anchors", &PyViewStream::anchors)
      .def_property_readonly("views_per_anchor", &PyViewStream::viewsPerAnchor)
      .def_property_readonly("num_classes", &PyViewStream::classes)
      .def_property_readonly("latent_dim", &PyViewStream::latentDim)
      .def_property_readonly("channels", &PyViewStream::channels)
      .def_property_readonly("settings", &PyViewStream::settings);

  m.def(
      "evaluate_model",
      [](const py::function& features, const std::vector<std::string>& settings, int64_t inputSize) {
        std::string record;
        {
          py::gil_scoped_release release;
          const Config config = resolve(evaluationSchema(), settings, "genrep.evaluate");
          EvaluationOptions options = evaluationOptionsFromConfig(config);
          options.limits.inputSize = inputSize;
          const RealDataset dataset = openDataset(datasetSpecFromConfig(config));
          const FeatureSet set = modelFeatures(dataset, options.limits, [&](const torch::Tensor& images) {
            py::gil_scoped_acquire acquire;  // the user's model runs in Python
            return features(images).cast<torch::Tensor>();
          });
          nlohmann::json result = evaluateFeatures(set, options);
          result["input_transform"] = inputTransform(dataset.test.height, dataset.test.width, inputSize);
          result["dataset"] = {{"format", dataset.format}, {"source", dataset.source}, {"val_fraction", dataset.valFraction},
                               {"split_seed", dataset.splitSeed}, {"classes", dataset.classNames.size()}};
          record = result.dump();
        }
        return py::module_::import("json").attr("loads")(record);
      },
      py::arg("features"), py::arg("settings"), py::arg("input_size") = 0);

  m.def(
      "open_dataset",
      [](const std::vector<std::string>& settings) {
        RealDataset d;
        {
          py::gil_scoped_release release;
          const ConfigSchema schema = datasetSchema();
          d = openDataset(datasetSpecFromConfig(resolve(schema, settings, "genrep.open_dataset")));
        }
        ImageArray fit = d.train.select(d.split.kept), val = d.train.select(d.split.held);
        py::dict out;
        out["format"] = d.format;
        out["source"] = d.source;
        out["class_names"] = d.classNames;
        out["train"] = split(std::move(fit));
        out["val"] = split(std::move(val));
        out["test"] = split(std::move(d.test));
        return out;
      },
      py::arg("settings"));

}
