#include "genrep/data/DatasetOpener.h"

#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/FileIO.h"
#include "genrep/core/Gzip.h"
#include "genrep/core/Random.h"
#include "genrep/data/CifarReader.h"
#include "genrep/data/IdxReader.h"
#include "genrep/data/ImageFolderReader.h"

namespace genrep {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kFashionMnistClasses = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                       "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

fs::path requireFolder(const DatasetSpec& spec) {
  fs::path folder = spec.path;
  if (folder.empty()) {
    if (spec.format != "fashion-mnist") {
      throw std::invalid_argument(fmt::format("{0}.path is empty; {0}.format '{1}' needs the folder that holds it", spec.keys, spec.format));
    }
    folder = kFashionMnistPath;
  }
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    const std::string hint = spec.format == "fashion-mnist" && spec.path.empty()
                                 ? "install it with: apt-get install dataset-fashion-mnist"
                                 : "check " + spec.keys + ".path";
    throw std::invalid_argument(fmt::format("{} dataset folder {} does not exist ({})", spec.format, folder.string(), hint));
  }
  return folder;
}

// "train-images-idx3-ubyte" or the same with ".gz".
fs::path findIdxFile(const fs::path& folder, const std::string& stem, const std::string& format) {
  for (const std::string& name : {stem, stem + ".gz"}) {
    std::error_code ec;
    if (fs::is_regular_file(folder / name, ec)) return folder / name;
  }
  throw std::invalid_argument(fmt::format("{} dataset: no {} or {}.gz in {} (check data.path)", format, stem, stem, folder.string()));
}

void checkLabels(const ImageArray& images, size_t classes, const std::string& source) {
  for (int64_t i = 0; i < images.count; ++i) {
    const int64_t label = images.labels[static_cast<size_t>(i)];
    if (label < 0 || static_cast<size_t>(label) >= classes) {
      throw std::invalid_argument(fmt::format("{}: label {} of image {} is outside the {} classes", source, label, i, classes));
    }
  }
}

RealDataset openIdx(const DatasetSpec& spec, const fs::path& folder) {
  RealDataset dataset;
  const auto split = [&](const std::string& prefix) {
    return readIdxPair(findIdxFile(folder, prefix + "-images-idx3-ubyte", spec.format),
                       findIdxFile(folder, prefix + "-labels-idx1-ubyte", spec.format));
  };
  dataset.train = split("train");
  dataset.test = split("t10k");
  if (dataset.train.height != dataset.test.height || dataset.train.width != dataset.test.width) {
    throw std::invalid_argument(fmt::format("{}: train images are {}x{} but test images {}x{}", folder.string(),
                                            dataset.train.width, dataset.train.height, dataset.test.width, dataset.test.height));
  }
  if (spec.format == "fashion-mnist") {
    dataset.classNames = kFashionMnistClasses;
  } else if (spec.format == "mnist") {
    for (int c = 0; c < 10; ++c) dataset.classNames.push_back(std::to_string(c));
  } else {  // idx: the classes are 0..K-1 for the largest train label K-1; say what was inferred
    int64_t maxLabel = 0;
    for (const int64_t label : dataset.train.labels) maxLabel = std::max(maxLabel, label);
    for (int64_t c = 0; c <= maxLabel; ++c) dataset.classNames.push_back(std::to_string(c));
    fmt::print(stderr, "idx dataset {}: {} classes (0..{}), inferred from the train labels\n", folder.string(), maxLabel + 1, maxLabel);
  }
  checkLabels(dataset.test, dataset.classNames.size(), folder.string() + " (t10k labels)");
  checkLabels(dataset.train, dataset.classNames.size(), folder.string() + " (train labels)");
  return dataset;
}

// Class names from a text file of one name per line, if the folder has it.
std::vector<std::string> readClassNames(const fs::path& file, size_t expected, std::vector<std::string> fallback) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return fallback;
  std::vector<std::string> names;
  std::string line;
  for (const char c : readFileText(file) + "\n") {
    if (c == '\n') {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) names.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  if (names.size() != expected) {
    throw std::invalid_argument(fmt::format("{} lists {} class names, expected {}", file.string(), names.size(), expected));
  }
  return names;
}

RealDataset openCifar(const DatasetSpec& spec, const fs::path& folder) {
  const CifarVariant variant = spec.format == "cifar10" ? CifarVariant::Cifar10 : CifarVariant::Cifar100;
  std::vector<std::string> trainFiles = {"train.bin"}, testFiles = {"test.bin"};
  if (variant == CifarVariant::Cifar10) {
    trainFiles = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"};
    testFiles = {"test_batch.bin"};
  }
  const auto readAll = [&](const std::vector<std::string>& names) {
    ImageArray images;
    for (const std::string& name : names) {
      const fs::path file = folder / name;
      std::error_code ec;
      if (!fs::is_regular_file(file, ec)) {
        throw std::invalid_argument(fmt::format("{} dataset: {} is missing (data.path should be the folder of the binary batches)",
                                                spec.format, file.string()));
      }
      images.append(readCifarBatch(readMaybeGzip(file), file.string(), variant));
    }
    return images;
  };
  RealDataset dataset;
  dataset.train = readAll(trainFiles);
  dataset.test = readAll(testFiles);
  const auto classes = static_cast<size_t>(cifarClassCount(variant));
  dataset.classNames = readClassNames(folder / (variant == CifarVariant::Cifar10 ? "batches.meta.txt" : "fine_label_names.txt"),
                                      classes, cifarDefaultClassNames(variant));
  return dataset;
}

RealDataset openFolder(const DatasetSpec& spec, const fs::path& folder) {
  RealDataset dataset;
  std::error_code ec;
  if (fs::is_directory(folder / "train", ec) && fs::is_directory(folder / "test", ec)) {
    LabelledFolder train = readImageFolder(folder / "train", spec.channels);
    // The test split must use the train split's channels, whatever its first image is.
    LabelledFolder test = readImageFolder(folder / "test", train.images.channels);
    if (train.classNames != test.classNames) {
      throw std::invalid_argument(fmt::format("{}: train/ and test/ hold different class folders; both need the same classes",
                                              folder.string()));
    }
    if (train.images.height != test.images.height || train.images.width != test.images.width) {
      throw std::invalid_argument(fmt::format("{}: train images are {}x{} but test images {}x{}", folder.string(),
                                              train.images.width, train.images.height, test.images.width, test.images.height));
    }
    dataset.classNames = std::move(train.classNames);
    dataset.train = std::move(train.images);
    dataset.test = std::move(test.images);
    return dataset;
  }
  // One pool: carve the test split from it, stratified, with its own seed stream.
  LabelledFolder all = readImageFolder(folder, spec.channels);
  if (!(spec.testFraction > 0.0 && spec.testFraction < 1.0)) {
    throw std::invalid_argument(fmt::format("data.test_fraction is {}; {} has no train/ and test/ folders, so a share in (0, 1) "
                                            "is carved out as test",
                                            spec.testFraction, folder.string()));
  }
  const HoldOut testSplit = carveHoldOut(all.images.labels, spec.testFraction, deriveSeed(spec.splitSeed, "data.test"));
  dataset.classNames = std::move(all.classNames);
  dataset.train = all.images.select(testSplit.kept);
  dataset.test = all.images.select(testSplit.held);
  return dataset;
}

// The images of `classes` only, renumbered by their place in it; the class names follow.
void keepClasses(RealDataset& dataset, const std::vector<int64_t>& classes, const std::string& keys) {
  const auto count = static_cast<int64_t>(dataset.classNames.size());
  std::vector<int64_t> renumbered(static_cast<size_t>(count), -1);
  for (size_t i = 0; i < classes.size(); ++i) {
    const int64_t c = classes[i];
    if (c < 0 || c >= count) {
      throw std::invalid_argument(fmt::format("{}.classes: {} has classes 0..{}; there is no class {}", keys, dataset.source, count - 1, c));
    }
    if (renumbered[static_cast<size_t>(c)] >= 0) throw std::invalid_argument(fmt::format("{}.classes: class {} is named twice", keys, c));
    renumbered[static_cast<size_t>(c)] = static_cast<int64_t>(i);
  }
  for (ImageArray* part : {&dataset.train, &dataset.test}) {
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < part->count; ++i) {
      const int64_t label = part->labels[static_cast<size_t>(i)];
      if (label >= 0 && renumbered[static_cast<size_t>(label)] >= 0) kept.push_back(i);
    }
    *part = part->select(kept);
    for (int64_t& label : part->labels) label = renumbered[static_cast<size_t>(label)];
  }
  std::vector<std::string> names;
  for (const int64_t c : classes) names.push_back(dataset.classNames[static_cast<size_t>(c)]);
  dataset.classNames = names;
}

}  // namespace

RealDataset openDataset(const DatasetSpec& spec) {
  if (!(spec.valFraction >= 0.0 && spec.valFraction < 1.0)) {
    throw std::invalid_argument(fmt::format("data.val_fraction is {}; it must be in [0, 1)", spec.valFraction));
  }
  const fs::path folder = requireFolder(spec);
  RealDataset dataset;
  if (spec.format == "fashion-mnist" || spec.format == "mnist" || spec.format == "idx") {
    dataset = openIdx(spec, folder);
  } else if (spec.format == "cifar10" || spec.format == "cifar100") {
    dataset = openCifar(spec, folder);
  } else if (spec.format == "folder") {
    dataset = openFolder(spec, folder);
  } else {
    throw std::invalid_argument(fmt::format("data.format '{}' is unknown", spec.format));
  }
  dataset.format = spec.format;
  dataset.source = folder.string();
  dataset.train.checkConsistent(dataset.source + " (train)");
  dataset.test.checkConsistent(dataset.source + " (test)");
  if (!spec.classes.empty()) keepClasses(dataset, spec.classes, spec.keys);
  dataset.valFraction = spec.valFraction;
  dataset.splitSeed = spec.splitSeed;
  dataset.split = carveHoldOut(dataset.train.labels, spec.valFraction, deriveSeed(spec.splitSeed, "data.val"));
  return dataset;
}

}  // namespace genrep
