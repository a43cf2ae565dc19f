// The genrep binary as a user runs it: exit codes, one-line errors, run folders.
#include <functional>
#include <set>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "genrep/core/FileIO.h"
#include "genrep/core/RunLock.h"
#include "support/Fixtures.h"
#include "support/ReferencePython.h"

namespace genrep {
namespace {

namespace fs = std::filesystem;

std::string quote(const fs::path& path) { return "'" + path.string() + "'"; }

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

struct BadInput {
  const char* name;
  std::string args;
  const char* expected;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_ / "data";
    test::writeBytes(data_ / "train-images-idx3-ubyte.gz", test::gzipBytes(test::idxImages(120, 8, 8)));
    test::writeBytes(data_ / "train-labels-idx1-ubyte.gz", test::gzipBytes(test::idxLabels(120, 10)));
    test::writeBytes(data_ / "t10k-images-idx3-ubyte", test::idxImages(30, 8, 8));
    test::writeBytes(data_ / "t10k-labels-idx1-ubyte", test::idxLabels(30, 10));
  }

  // Runs genrep with `args`, its run folders under the test's temporary folder.
  test::CommandResult genrep(const std::string& args) {
    return test::runCommand(std::string(GENREP_BINARY) + " " + args);
  }
  std::string dataInfo(const std::string& extra) {
    return "data info --path " + quote(data_) + " --set run.root=" + quote(dir_ / "runs") + " " + extra;
  }

  // genrep exits `status` (1; 2 for usage errors) with one line, "genrep: error: ...", that
  // contains `bad.expected`.
  void expectOneLineError(const BadInput& bad, int status = 1) {
    const auto result = genrep(bad.args);
    EXPECT_EQ(result.status, status) << bad.name << ": " << result.output;
    EXPECT_NE(result.output.find(bad.expected), std::string::npos) << bad.name << ": " << result.output;
    EXPECT_EQ(result.output.rfind("genrep: error: ", 0), 0u) << bad.name << ": " << result.output;
    EXPECT_EQ(lineCount(result.output), 1u) << bad.name << ": " << result.output;
  }

  // A tiny GAN trained for two steps on the fixture data into runs/gan: its generator folder,
  // or "" (and a test failure) when training failed.
  fs::path trainTinyGan() {
    const auto trained = genrep("gan train --path " + quote(data_) + " --set run.root=" + quote(dir_ / "runs") +
                                " --run-name gan --steps 2 --set gan.latent_dim=8 --set gan.width_g=4 --set gan.width_d=4"
                                " --set gan.batch=8 --set gan.eval_every=0");
    EXPECT_EQ(trained.status, 0) << trained.output;
    return trained.status == 0 ? dir_ / "runs" / "gan" / "generator" : fs::path();
  }

  static size_t lineCount(const std::string& text) {
    size_t n = 0;
    for (const char c : text) n += c == '\n';
    return n;
  }

  test::TempDir dir_;
  fs::path data_;
};

TEST_F(Cli, HelpListsTheCommands) {
  const auto help = genrep("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.output.find("data"), std::string::npos);
  const auto dataHelp = genrep("data info --help");
  EXPECT_EQ(dataHelp.status, 0);
  EXPECT_NE(dataHelp.output.find("--config"), std::string::npos);
  EXPECT_NE(dataHelp.output.find("--set"), std::string::npos);
}

TEST_F(Cli, NoCommandPrintsHelpAndFails) {
  const auto result = genrep("");
  EXPECT_NE(result.status, 0);
  EXPECT_NE(result.output.find("data"), std::string::npos);
}

TEST_F(Cli, VersionNamesLibtorchThreadsAndBlas) {
  const auto result = genrep("--version");
  ASSERT_EQ(result.status, 0) << result.output;
  for (const char* field : {"genrep ", "libtorch 2.", "oneDNN ", "\ncuda ", "device cpu", "cpu features ", "oneDNN ISA ", "threads ", "blas ", "\nmodels ", "\ncache "}) {
    EXPECT_NE(result.output.find(field), std::string::npos) << field << " in " << result.output;
  }
}

TEST_F(Cli, DataInfoWritesTheRunFolder) {
  const auto result = genrep(dataInfo("--run-name info1 --per-class 3"));
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("train 110 + val 10"), std::string::npos) << result.output;
  const fs::path run = dir_ / "runs" / "info1";
  for (const char* file : {"config.toml", "metrics.jsonl", "info.json", "samples.png"}) {
    EXPECT_TRUE(fs::exists(run / file)) << file;
  }
  const nlohmann::json info = nlohmann::json::parse(readFileText(run / "info.json"));
  EXPECT_EQ(info["splits"]["test"], 30);
  const nlohmann::json metrics = nlohmann::json::parse(readFileText(run / "metrics.jsonl"));
  EXPECT_EQ(metrics["event"], "data_info");
  EXPECT_NE(readFileText(run / "config.toml").find("per_class = 3"), std::string::npos);
}

// A run folder another process holds (here: this test) is refused before anything in it is
// written; once released, the same command runs in it.
TEST_F(Cli, ARunFolderInUseIsRefusedAndLeftAsItWas) {
  const fs::path run = dir_ / "runs" / "busy";
  fs::create_directories(run);
  {
    const RunLock held(run);
    const auto refused = genrep(dataInfo("--run-name busy"));
    EXPECT_EQ(refused.status, 1) << refused.output;
    EXPECT_NE(refused.output.find("genrep: error: " + run.string() + " is in use by another genrep process (pid " +
                                  std::to_string(::getpid()) + ")"),
              std::string::npos)
        << refused.output;
    EXPECT_FALSE(fs::exists(run / "config.toml"));
    EXPECT_FALSE(fs::exists(run / "metrics.jsonl"));
  }
  const auto ran = genrep(dataInfo("--run-name busy"));
  EXPECT_EQ(ran.status, 0) << ran.output;
  EXPECT_TRUE(fs::exists(run / "info.json"));
}

TEST_F(Cli, CommandLineOverridesWinOverTheConfigFile) {
  test::writeText(dir_ / "c.toml", "[data]\nval_fraction = 0.5\nsplit_seed = 4\n");
  const auto result = genrep(dataInfo("--config " + quote(dir_ / "c.toml") + " --set data.val_fraction=0.25 --run-name o"));
  ASSERT_EQ(result.status, 0) << result.output;
  const std::string saved = readFileText(dir_ / "runs" / "o" / "config.toml");
  EXPECT_NE(saved.find("val_fraction = 0.25"), std::string::npos) << saved;
  EXPECT_NE(saved.find("split_seed = 4"), std::string::npos) << saved;
  EXPECT_NE(result.output.find("train 90 + val 30"), std::string::npos) << result.output;
}

TEST_F(Cli, PrintConfigShowsTheResolvedConfigAndWritesNothing) {
  const auto result = genrep(dataInfo("--print-config --threads 1"));
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("threads = 1"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "runs"));
}

// Bad input: a clear one-line error naming the problem, a non-zero exit, no run folder left.
TEST_F(Cli, BadInputsGiveOneLineErrors) {
  test::writeText(dir_ / "unknown.toml", "[data]\nval_fractoin = 0.2\n");
  test::writeText(dir_ / "wrongtype.toml", "[data]\nval_fraction = \"half\"\n");
  test::writeText(dir_ / "broken.toml", "[data\n");
  test::writeBytes(dir_ / "corrupt" / "train-images-idx3-ubyte", {1, 2, 3, 4, 5, 6, 7, 8});
  test::writeBytes(dir_ / "corrupt" / "train-labels-idx1-ubyte", test::idxLabels(3, 2));
  const std::vector<BadInput> cases = {
      {"unknown override", dataInfo("--set data.fromat=idx"), "did you mean 'data.format'"},
      {"unknown key in file", dataInfo("--config " + quote(dir_ / "unknown.toml")), "unknown key 'data.val_fractoin'"},
      {"wrong type in file", dataInfo("--config " + quote(dir_ / "wrongtype.toml")), "must be a float, got a string"},
      {"wrong type override", dataInfo("--set run.threads=many"), "must be an integer"},
      {"malformed toml", dataInfo("--config " + quote(dir_ / "broken.toml")), "broken.toml:"},
      {"unknown format", dataInfo("--format svhn"), "expected one of"},
      {"missing dataset", "data info --path " + quote(dir_ / "nowhere") + " --set run.root=" + quote(dir_ / "runs"), "nowhere"},
      {"corrupt idx", "data info --path " + quote(dir_ / "corrupt") + " --set run.root=" + quote(dir_ / "runs"), "wrong magic"},
      {"bad val fraction", dataInfo("--set data.val_fraction=1.5"), "data.val_fraction"},
      {"negative threads", dataInfo("--threads -2"), "run.threads"},
      {"threads that would stall the machine", dataInfo("--threads 100000"), "run.threads is 100000; this machine has"},
      {"bad per-class", dataInfo("--per-class 0"), "info.per_class"},
      {"override without =", dataInfo("--set data.format"), "expected key=value"},
  };
  for (const BadInput& bad : cases) expectOneLineError(bad);
}

// Command-line usage errors: one line naming what does not exist and the closest that does,
// status 2, and nothing written.
TEST_F(Cli, UsageErrorsAreOneLineWithStatusTwo) {
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  const std::vector<BadInput> cases = {
      {"misspelt command", "trian" + root, "unknown command 'genrep trian' (did you mean 'genrep train'?)"},
      {"misspelt subcommand", "gan trian" + root, "unknown command 'genrep gan trian' (did you mean 'genrep gan train'?)"},
      {"unknown command", "frobnicate", "unknown command 'genrep frobnicate'; `genrep --help` lists the commands"},
      {"misspelt flag", "data info --pth " + quote(data_) + root,
       "unknown option '--pth' for `genrep data info` (did you mean '--path'?)"},
      {"misspelt global flag", "--versoin", "unknown option '--versoin' for `genrep` (did you mean '--version'?)"},
      {"flag without its value", "data info" + root + " --path", "--path"},
      {"family without a command", "gan", "`genrep gan --help` for usage"},
      {"config file that does not exist", "data info --config " + quote(dir_ / "none.toml") + root, "none.toml"},
  };
  for (const BadInput& bad : cases) expectOneLineError(bad, 2);
  EXPECT_FALSE(fs::exists(dir_ / "runs")) << "a usage error writes nothing";
}

// Settings a training run reads are checked before its run folder is made.
TEST_F(Cli, TrainRefusesBadSettingsBeforeWritingAnything) {
  const std::string root = " --set run.root=" + quote(dir_ / "runs") + " --run-name bad";
  const std::vector<BadInput> cases = {
      {"no steps", "train --steps 0" + root, "learn.steps is 0; it must be >= 1"},
      {"warm-up past the end", "train --steps 10 --set learn.warmup=10" + root, "learn.warmup is 10; it must be below learn.steps"},
      {"crop scale", "train --set views.crop_scale_min=0" + root, "views.crop_scale_min"},
      {"encoder width", "train --set encoder.width=0" + root, "encoder.width"},
      {"neighbour pool", "train --set views.pool=0" + root, "views.pool must be >= 1"},
      {"image cache", "train --set views.cache_mb=-1" + root, "views.cache_mb must be >= 0"},
      {"reuse window", "train --set views.refresh=0.5 --set views.window=0" + root, "views.window is 0"},
      {"producer threads", "train --set views.prefetch_threads=-1" + root, "views.prefetch_threads is -1"},
      {"gaussian step", "train --set views.sigma=-1" + root, "views.sigma must be positive"},
      {"synthetic share", "train --source mix --set source.share=1.5" + root, "source.share must be in [0, 1]"},
  };
  for (const BadInput& bad : cases) expectOneLineError(bad);
  EXPECT_FALSE(fs::exists(dir_ / "runs" / "bad")) << "a refused run writes nothing";
}

TEST_F(Cli, ARefusedRunLeavesItsFolderAsItFoundIt) {
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  // Settings that commands check only once they run: a folder made for nothing is removed.
  expectOneLineError({"sheet rows", "gan sample --set sample.rows=0" + root + " --run-name sheet", "rows and columns must be >= 1"});
  expectOneLineError({"steer batch", "steer train --set steer.batch=0" + root + " --run-name walks", "batch and eval_samples >= 1"});
  expectOneLineError({"neighbour sigma", "gan eval --set quality.neighbour_sigmas=0.5,0" + root + " --run-name quality",
                      "quality.neighbour_sigmas is 0; it must be > 0"});
  EXPECT_FALSE(fs::exists(dir_ / "runs" / "sheet"));
  EXPECT_FALSE(fs::exists(dir_ / "runs" / "walks"));
  EXPECT_FALSE(fs::exists(dir_ / "runs" / "quality"));
  // A GAN run's settings are checked before its folder is touched: the config of the run it
  // would continue stays as it was.
  fs::create_directories(dir_ / "runs" / "gan");
  test::writeText(dir_ / "runs" / "gan" / "config.toml", "[gan]\nsteps = 7\n");
  expectOneLineError({"GAN batch", "gan train --set gan.batch=1" + root + " --run-name gan", "gan.batch is 1; it must be >= 2"});
  EXPECT_EQ(readFileText(dir_ / "runs" / "gan" / "config.toml"), "[gan]\nsteps = 7\n");
  // One that checks its settings only once it runs puts back the config it replaced, as long as
  // it wrote nothing else there.
  test::writeText(dir_ / "runs" / "gan" / "samples.png", "kept");
  expectOneLineError({"sheet rows again", "gan sample --set sample.rows=0" + root + " --run-name gan", "rows and columns must be >= 1"});
  EXPECT_EQ(readFileText(dir_ / "runs" / "gan" / "config.toml"), "[gan]\nsteps = 7\n");
  EXPECT_EQ(readFileText(dir_ / "runs" / "gan" / "samples.png"), "kept");
  EXPECT_FALSE(fs::exists(dir_ / "runs" / "gan" / "metrics.jsonl")) << "the empty log it made is gone";
}

TEST_F(Cli, TheShippedGeneratorIsFoundFromAnyFolder) {
  fs::create_directories(dir_ / "elsewhere");
  const auto result = test::runCommand("cd " + quote(dir_ / "elsewhere") + " && " + GENREP_BINARY + " gan sample --threads 1 --run-name s" +
                                       " --set run.root=" + quote(dir_ / "runs"));
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_TRUE(fs::exists(dir_ / "runs" / "s" / "samples.png")) << result.output;
  EXPECT_NE(result.output.find("fashion-mnist-cgan"), std::string::npos) << result.output;
}

TEST_F(Cli, GanTrainSampleAndEvalMakeAGeneratorAndMeasureIt) {
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  const fs::path generator = trainTinyGan();
  ASSERT_FALSE(generator.empty());
  for (const char* file : {"manifest.json", "generator.pt", "samples.png"}) EXPECT_TRUE(fs::exists(generator / file)) << file;
  const nlohmann::json manifest = nlohmann::json::parse(readFileText(generator / "manifest.json"));
  EXPECT_EQ(manifest["classes"], 10);
  EXPECT_EQ(manifest["training"]["steps"], 2);

  const auto sampled = genrep("gan sample --generator " + quote(generator) + root + " --run-name sample");
  ASSERT_EQ(sampled.status, 0) << sampled.output;
  EXPECT_TRUE(fs::exists(dir_ / "runs" / "sample" / "samples.png"));

  const auto evaluated = genrep("gan eval --generator " + quote(generator) + " --path " + quote(data_) + root +
                                " --run-name eval --set quality.samples=100 --set quality.tstr_samples=100"
                                " --set quality.classifier_epochs=1 --set quality.cache=" + quote(dir_ / "cache") + " --save-in-generator");
  ASSERT_EQ(evaluated.status, 0) << evaluated.output;
  EXPECT_EQ(readFileText(generator / "quality.json"), readFileText(dir_ / "runs" / "eval" / "quality.json"));
  const nlohmann::json quality = nlohmann::json::parse(readFileText(dir_ / "runs" / "eval" / "quality.json"));
  for (const char* key : {"class_consistency", "frechet_distance", "frechet_distance_floor", "tstr_accuracy", "precision", "recall",
                          "class_coverage", "rarest_class_share"}) {
    EXPECT_TRUE(quality[key].is_number()) << key;
  }
  for (const char* key : {"precision", "recall", "class_coverage"}) {
    EXPECT_GE(quality[key].get<double>(), 0) << key;
    EXPECT_LE(quality[key].get<double>(), 1) << key;
  }
  EXPECT_TRUE(quality["precision_recall_floor"]["recall"].is_number());
  ASSERT_EQ(quality["predicted_class_shares"].size(), 10u);
  ASSERT_EQ(quality["class_names"].size(), 10u) << "the shares are named";
  double shares = 0;
  for (const nlohmann::json& share : quality["predicted_class_shares"]) shares += share.get<double>();
  EXPECT_NEAR(shares, 1.0, 1e-9) << "every sample is predicted as one class";
  const nlohmann::json& change = quality["neighbour_class_change"];
  ASSERT_EQ(change["gaussian"].size(), 6u) << "the sigma study's grid by default";
  for (const nlohmann::json& row : change["gaussian"]) {
    EXPECT_GE(row["changed"].get<double>(), 0);
    EXPECT_LE(row["changed"].get<double>(), 1);
  }
  EXPECT_TRUE(change["independent"]["changed"].is_number());
  EXPECT_NE(evaluated.output.find("neighbour changes   sigma 0.1 "), std::string::npos) << evaluated.output;
  // Its page, written into a folder that is not there yet.
  const auto page = genrep("report " + quote(generator) + " --out " + quote(dir_ / "pages" / "generator.html"));
  ASSERT_EQ(page.status, 0) << page.output;
  EXPECT_NE(readFileText(dir_ / "pages" / "generator.html").find("predicted_class_shares"), std::string::npos) << "the page holds its data";

  // An unconditional GAN's quality probe during training: the Fréchet distance to the real test images.
  const auto unconditional = genrep("gan train --path " + quote(data_) + root + " --run-name ugan --steps 2 --set gan.conditional=false"
                                    " --set gan.latent_dim=8 --set gan.width_g=4 --set gan.width_d=4 --set gan.batch=8 --set gan.eval_every=1"
                                    " --set quality.samples=100 --set quality.classifier_epochs=1 --set quality.cache=" + quote(dir_ / "cache"));
  ASSERT_EQ(unconditional.status, 0) << unconditional.output;
  std::vector<int64_t> probed;
  std::istringstream lines(readFileText(dir_ / "runs" / "ugan" / "metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record.contains("frechet_distance")) probed.push_back(record["step"].get<int64_t>());
  }
  EXPECT_EQ(probed, (std::vector<int64_t>{1, 2}));

  // The demo on it: the rows that learn from the generator's classes are left out, and said so.
  const auto demo = genrep("demo --generator " + quote(dir_ / "runs" / "ugan" / "generator") + " --path " + quote(data_) + root +
                           " --run-name udemo --set encoder.stages=2 --set encoder.width=4 --set learn.head_dim=8 --batch 8 --steps 2"
                           " --set eval.few_shot_per_class=2 --set eval.few_shot_draws=2 --set eval.knn_k=5 --set eval.linear_epochs=2"
                           " --set eval.few_shot_steps=5 --set steer.steps=2 --set steer.eval_samples=8");
  ASSERT_EQ(demo.status, 0) << demo.output;
  EXPECT_NE(demo.output.find("left out: supcon-gaussian, classifier"), std::string::npos) << demo.output;
  const std::string table = readFileText(dir_ / "runs" / "udemo" / "table.md");
  EXPECT_EQ(table.find("SupCon"), std::string::npos) << table;
  EXPECT_NE(table.find("| SimCLR, generator, steering Tz + Tx |"), std::string::npos) << table;
  EXPECT_NE(table.find("| Inverter, generator |"), std::string::npos) << table;
}

TEST_F(Cli, TrainEvalAndDemoLearnEncodersAndTheDemoReusesItsWork) {
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  const fs::path generator = trainTinyGan();
  ASSERT_FALSE(generator.empty());
  const std::string tiny = " --set encoder.stages=2 --set encoder.width=4 --set learn.head_dim=8 --batch 8 --steps 3";
  const std::string probes = " --set eval.few_shot_per_class=2 --set eval.few_shot_draws=2 --set eval.knn_k=5 --set eval.linear_epochs=2"
                             " --set eval.few_shot_steps=5";

  const auto trained = genrep("train --generator " + quote(generator) + root + tiny + " --run-name enc --latent-view gaussian");
  ASSERT_EQ(trained.status, 0) << trained.output;
  const fs::path encoder = dir_ / "runs" / "enc" / "encoder";
  EXPECT_TRUE(fs::exists(encoder / "encoder.pt"));
  const nlohmann::json manifest = nlohmann::json::parse(readFileText(encoder / "encoder.json"));
  EXPECT_EQ(manifest["training"]["steps"], 3);
  EXPECT_GT(manifest["training"]["views_per_second"].get<double>(), 0);

  const auto evaluated = genrep("eval --encoder " + quote(encoder) + " --path " + quote(data_) + root + probes + " --run-name ev");
  ASSERT_EQ(evaluated.status, 0) << evaluated.output;
  const nlohmann::json result = nlohmann::json::parse(readFileText(dir_ / "runs" / "ev" / "eval.json"));
  for (const char* probe : {"linear", "knn"}) EXPECT_TRUE(result[probe]["top1"].is_number()) << probe;
  EXPECT_EQ(result["test_images"], 30);

  const std::string demo = "demo --generator " + quote(generator) + " --path " + quote(data_) + root + tiny + probes +
                           " --set steer.steps=3 --set steer.eval_samples=16";
  const auto first = genrep(demo);
  ASSERT_EQ(first.status, 0) << first.output;
  const fs::path table = dir_ / "runs" / "demo" / "table.md";
  const std::string text = readFileText(table);
  for (const char* row :
       {"Tx only", "gaussian", "SupCon", "steering", "Inverter", "Classifier", "real images", "Random encoder", "Raw pixels"}) {
    EXPECT_NE(text.find(row), std::string::npos) << row;
  }
  // A result made before some keys existed is reused while they hold their defaults.
  const fs::path olderResult = dir_ / "runs" / "demo" / "seed-0" / "simclr-tx" / "eval.json";
  nlohmann::json older = nlohmann::json::parse(readFileText(olderResult));
  nlohmann::json olderSettings = nlohmann::json::parse(older["settings_signature"].get<std::string>());
  olderSettings.erase("steer.rotate");
  olderSettings.erase("views.walks");
  older["settings_signature"] = olderSettings.dump();
  test::writeText(olderResult, older.dump());
  const auto again = genrep(demo + " --threads 1");  // where it runs does not change results
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("reused"), std::string::npos) << again.output;
  EXPECT_EQ(again.output.find("== "), std::string::npos) << "nothing is trained or evaluated again";
  EXPECT_EQ(readFileText(table), text);

  const auto changed = genrep(demo + " --set views.sigma=0.9");
  EXPECT_EQ(changed.status, 1);
  EXPECT_NE(changed.output.find("other settings"), std::string::npos) << changed.output;
  const auto otherWalks = genrep(demo + " --set steer.steps=4");
  EXPECT_EQ(otherWalks.status, 1);
  EXPECT_NE(otherWalks.output.find("walks learned with other settings"), std::string::npos) << otherWalks.output;
}

// A second probe dataset (eval.format, eval.path, eval.classes): every point of a study is
// scored on it as well, its tables and comparisons say so, and its numbers are what `genrep
// eval` gives on that dataset as the primary one.
TEST_F(Cli, ASecondProbeDatasetScoresAStudysPointsAsWell) {
  const fs::path generator = trainTinyGan();
  ASSERT_FALSE(generator.empty());
  const std::string probes = " --set eval.few_shot_per_class=2 --set eval.few_shot_draws=2 --set eval.knn_k=5 --set eval.linear_epochs=2"
                             " --set eval.few_shot_steps=5";
  const std::string study = "experiment methods --generator " + quote(generator) + " --path " + quote(data_) + " --set run.root=" +
                            quote(dir_ / "runs") + probes +
                            " --set encoder.stages=2 --set encoder.width=4 --set learn.head_dim=8 --set learn.batch=8 --set learn.steps=3"
                            " --seeds 2 --set experiment.methods=simclr-tx,pixels --set 'experiment.compare=simclr-tx vs pixels'"
                            " --set eval.format=fashion-mnist --set eval.path=" + quote(data_) + " --set eval.classes=5,6,7,8,9";
  const auto run = genrep(study + " --run-name transfer");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("transfer   "), std::string::npos) << run.output;
  const nlohmann::json r = nlohmann::json::parse(readFileText(dir_ / "runs" / "transfer" / "results.json"));
  ASSERT_EQ(r["points"].size(), 4u);
  nlohmann::json pixelsSeed0;
  for (const nlohmann::json& p : r["points"]) {
    ASSERT_TRUE(p.contains("transfer")) << p.dump();
    EXPECT_EQ(p["transfer"]["dataset"]["classes"], 5);
    if (p["method"] == "pixels" && p["seed"] == 0) pixelsSeed0 = p;
  }
  const nlohmann::json& probesOfComparison = r["comparisons"][0]["probes"];
  ASSERT_TRUE(probesOfComparison.contains("transfer_linear")) << r["comparisons"].dump();
  EXPECT_EQ(probesOfComparison["transfer_linear"]["seeds"].size(), 2u);
  const std::string table = readFileText(dir_ / "runs" / "transfer" / "table.md");
  EXPECT_NE(table.find("on the second probe dataset"), std::string::npos) << table;
  EXPECT_NE(table.find("transfer linear"), std::string::npos) << table;

  // The same dataset as the primary one of `genrep eval`: the same numbers.
  const auto direct = genrep("eval --baseline pixels --path " + quote(data_) + " --set data.classes=5,6,7,8,9 --set run.root=" +
                             quote(dir_ / "runs") + probes + " --run-name direct");
  ASSERT_EQ(direct.status, 0) << direct.output;
  const nlohmann::json d = nlohmann::json::parse(readFileText(dir_ / "runs" / "direct" / "eval.json"));
  for (const char* probe : {"linear", "knn", "few_shot"}) EXPECT_EQ(pixelsSeed0["transfer"][probe], d[probe]) << probe;

  const auto badClass = genrep(study + " --set eval.classes=5,12 --run-name bad-class");
  EXPECT_NE(badClass.status, 0);
  EXPECT_NE(badClass.output.find("eval.classes: "), std::string::npos) << badClass.output;
}

// A study: every point once, reused when asked again, a changed setting makes new points, and
// a bad study is refused before anything runs.
TEST_F(Cli, AnExperimentRunsItsPointsOnceAndRefusesBadStudies) {
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  const fs::path generator = trainTinyGan();
  ASSERT_FALSE(generator.empty());
  const std::string setup = " --generator " + quote(generator) + " --path " + quote(data_) + root +
                            " --set encoder.stages=2 --set encoder.width=4 --set learn.head_dim=8 --set learn.batch=8 --set learn.steps=3"
                            " --set eval.few_shot_per_class=2 --set eval.few_shot_draws=2 --set eval.knn_k=5 --set eval.linear_epochs=2"
                            " --set eval.few_shot_steps=5 --seeds 1";
  const std::string sigma = "experiment sigma" + setup +
                            " --set experiment.values=0.25,1.0 --set experiment.methods=simclr-gaussian --set experiment.references=pixels";
  const std::string study = sigma + " --run-name exp";
  const auto first = genrep(study);
  ASSERT_EQ(first.status, 0) << first.output;
  const fs::path results = dir_ / "runs" / "exp" / "results.json";
  const std::string before = readFileText(results);
  const nlohmann::json r = nlohmann::json::parse(before);
  EXPECT_EQ(r["points"].size(), 3u) << "pixels once, the gaussian views at two sigmas";
  EXPECT_EQ(r["rows"].size(), 3u);
  EXPECT_NE(readFileText(dir_ / "runs" / "exp" / "table.md").find("| SimCLR, generator, gaussian Tz + Tx |"), std::string::npos);

  const std::string version = genrep("--version").output;
  const size_t libtorchAt = version.find("libtorch ") + 9;
  const std::string libtorch = version.substr(libtorchAt, version.find(' ', libtorchAt) - libtorchAt);  // "libtorch 2.11.0 (oneDNN ...)"
  for (const nlohmann::json& p : r["points"]) {
    EXPECT_EQ(p["provenance"]["libtorch"], libtorch) << "every point records what made it";
    EXPECT_FALSE(p["provenance"]["cpu_model"].get<std::string>().empty());
    EXPECT_FALSE(p["provenance"]["commit"].get<std::string>().empty());
  }
  EXPECT_EQ(r["provenance"]["machines"].size(), 1u);
  EXPECT_TRUE(r["comparisons"].empty()) << "the preset's comparisons name points this study does not have";

  // Comparisons declared by the user: statistics over the finished points, which are reused.
  const auto compared = genrep(study + " --set 'experiment.compare=simclr-gaussian@1.0 vs pixels, @each vs @0.25'");
  ASSERT_EQ(compared.status, 0) << compared.output;
  const nlohmann::json withComparisons = nlohmann::json::parse(readFileText(results));
  ASSERT_EQ(withComparisons["comparisons"].size(), 2u);
  const nlohmann::json& vsPixels = withComparisons["comparisons"][0];
  EXPECT_EQ(vsPixels["name"], "simclr-gaussian@1.0 vs pixels");
  double gaussian = 0, pixels = 0;
  for (const nlohmann::json& p : r["points"]) {
    if (p["method"] == "pixels") pixels = 100 * p["linear"]["top1"].get<double>();
    if (p["value"] == "1.0") gaussian = 100 * p["linear"]["top1"].get<double>();
  }
  EXPECT_NEAR(vsPixels["probes"]["linear"]["mean"].get<double>(), gaussian - pixels, 1e-9);
  EXPECT_EQ(vsPixels["probes"]["linear"]["verdict"], "1 seed: no verdict");
  EXPECT_EQ(withComparisons["comparisons"][1]["name"], "simclr-gaussian@1.0 vs simclr-gaussian@0.25");
  EXPECT_NE(readFileText(dir_ / "runs" / "exp" / "table.md").find("| simclr-gaussian@1.0 vs pixels | 1 |"), std::string::npos);

  const auto again = genrep(study + " --threads 1");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(again.output.find("== "), std::string::npos) << "nothing runs again: " << again.output;
  EXPECT_EQ(readFileText(results), before);
  const auto dry = genrep(study + " --dry-run");
  EXPECT_NE(dry.output.find("3 points, 3 done"), std::string::npos) << dry.output;
  // The study named by a setting instead of the positional argument: the same study file below it.
  const std::string bySetting = "experiment" + setup + " --set experiment.study=sigma" +
                            " --set experiment.values=0.25,1.0 --set experiment.methods=simclr-gaussian --set experiment.references=pixels";
  const auto dryNamed = genrep(bySetting + " --run-name exp --dry-run");
  EXPECT_NE(dryNamed.output.find("3 points, 3 done"), std::string::npos) << dryNamed.output;
  EXPECT_NE(genrep(bySetting + " --print-config").output.find("axis = 'views.sigma'"), std::string::npos);

  // A point named by an older genrep (another hash) with the same settings is the same point.
  const fs::path sigmaPoints = dir_ / "runs" / "exp" / "points" / "simclr-gaussian";
  fs::path named;
  for (const auto& entry : fs::directory_iterator(sigmaPoints)) named = entry.path();
  const std::string stem = named.filename().string();
  fs::rename(named, sigmaPoints / (stem.substr(0, stem.size() - 8) + "00000000"));
  const auto renamed = genrep(study);
  ASSERT_EQ(renamed.status, 0) << renamed.output;
  EXPECT_NE(renamed.output.find("renamed"), std::string::npos) << renamed.output;
  EXPECT_EQ(renamed.output.find("== "), std::string::npos) << "nothing runs again: " << renamed.output;
  EXPECT_TRUE(fs::exists(named / "eval.json"));

  const auto changed = genrep(study + " --set learn.lr_per_256=0.05");
  ASSERT_EQ(changed.status, 0) << changed.output;
  size_t resultsOnDisk = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "runs" / "exp" / "points")) resultsOnDisk += entry.path().filename() == "eval.json";
  EXPECT_EQ(resultsOnDisk, 6u) << "a changed setting makes new points beside the old ones";

  const auto probes = [&](const fs::path& folder) {
    nlohmann::json kept = nlohmann::json::array();
    const nlohmann::json stored = nlohmann::json::parse(readFileText(folder / "results.json"));
    for (const nlohmann::json& p : stored["points"]) {
      kept.push_back({p["method"], p["value"], p["seed"], p["linear"], p["knn"], p["few_shot"]});
    }
    return kept;
  };

  // Another study under the same root whose points have the same settings as finished ones
  // takes their results (sigma 1.0 and the pixels reference) and trains only its new point.
  const auto twin = genrep(sigma + " --set experiment.values=1.0,0.5 --run-name exp-twin");
  ASSERT_EQ(twin.status, 0) << twin.output;
  EXPECT_EQ(occurrences(twin.output, "(the same settings)"), 2u) << twin.output;
  EXPECT_EQ(occurrences(twin.output, "\n== "), 1u) << "only sigma 0.5 is trained: " << twin.output;
  const nlohmann::json twinResults = nlohmann::json::parse(readFileText(dir_ / "runs" / "exp-twin" / "results.json"));
  size_t reused = 0;
  for (const nlohmann::json& p : twinResults["points"]) {
    if (!p.contains("reused_from")) continue;
    ++reused;
    const nlohmann::json original = nlohmann::json::parse(readFileText(fs::path(p["reused_from"].get<std::string>()) / "eval.json"));
    EXPECT_NE(p["value"], "0.5");
    for (const char* probe : {"linear", "knn", "few_shot"}) EXPECT_EQ(p[probe], original[probe]) << probe;
  }
  EXPECT_EQ(reused, 2u);

  // --jobs 2: the points in two processes of one thread each give what one process of one
  // thread gives (training numerics depend on the thread count, so both use one). Each under
  // a root of its own, where no finished twin stands in for its points.
  const auto one = genrep(sigma + " --set run.root=" + quote(dir_ / "runs-one") + " --run-name exp-one --threads 1");
  ASSERT_EQ(one.status, 0) << one.output;
  const auto two = genrep(sigma + " --set run.root=" + quote(dir_ / "runs-two") + " --run-name exp-two --threads 2 --jobs 2");
  ASSERT_EQ(two.status, 0) << two.output;
  EXPECT_NE(two.output.find("job 1: 1 points, 1 thread"), std::string::npos) << two.output;
  EXPECT_EQ(probes(dir_ / "runs-two" / "exp-two").size(), 3u);
  EXPECT_EQ(probes(dir_ / "runs-two" / "exp-two"), probes(dir_ / "runs-one" / "exp-one"));
  EXPECT_TRUE(fs::exists(dir_ / "runs-two" / "exp-two" / "jobs" / "job-0.log"));

  // A study of the user's own, from a config file.
  // A value may bring settings that go with it ('|'): three views at a smaller batch.
  test::writeText(dir_ / "mine.toml",
                  "[experiment]\nname = \"mine\"\naxis = \"views.count\"\nvalues = \"2, 3|learn.batch=6\"\nmethods = \"simclr-tx\"\n");
  const auto mine = genrep("experiment --config " + quote(dir_ / "mine.toml") + setup);
  ASSERT_EQ(mine.status, 0) << mine.output;
  // Named by the study and, as it is not the shipped one, the generator.
  const fs::path mineFolder = dir_ / "runs" / ("experiment-mine-" + generator.filename().string());
  EXPECT_EQ(nlohmann::json::parse(readFileText(mineFolder / "results.json"))["points"].size(), 2u);
  size_t grouped = 0;
  for (const auto& entry : fs::directory_iterator(mineFolder / "points" / "simclr-tx")) {
    if (entry.path().filename().string().rfind("3+learn.batch=6-seed-0-", 0) != 0) continue;
    ++grouped;
    const std::string config = readFileText(entry.path() / "config.toml");
    EXPECT_NE(config.find("batch = 6"), std::string::npos);
    EXPECT_NE(config.find("count = 3"), std::string::npos);
  }
  EXPECT_EQ(grouped, 1u);

  // A study without an axis is a table of methods (the demo's is the `methods` preset): the
  // steering walks are learned once, before the points, and the processes of --jobs use them.
  const std::string methods = "experiment methods" + setup + " --set experiment.methods=simclr-steering,pixels" +
                              " --set steer.steps=3 --set steer.eval_samples=16 --run-name methods";
  const auto table = genrep(methods + " --threads 2 --jobs 2");
  ASSERT_EQ(table.status, 0) << table.output;
  const fs::path methodsFolder = dir_ / "runs" / "methods";
  EXPECT_TRUE(fs::exists(methodsFolder / "walks" / "walks.json"));
  const std::string methodsTable = readFileText(methodsFolder / "table.md");
  EXPECT_NE(methodsTable.find("no axis; 2 of 2 points"), std::string::npos) << methodsTable;
  EXPECT_NE(methodsTable.find("| method | linear top-1 % | kNN top-1 % |"), std::string::npos) << methodsTable;
  for (const char* row : {"| SimCLR, generator, steering Tz + Tx |", "| Raw pixels (baseline) |"}) {
    EXPECT_NE(methodsTable.find(row), std::string::npos) << row;
  }
  const auto tableAgain = genrep(methods);
  ASSERT_EQ(tableAgain.status, 0) << tableAgain.output;
  EXPECT_EQ(tableAgain.output.find("== "), std::string::npos) << "walks and points are reused: " << tableAgain.output;

  // On a generator without classes a preset leaves out the methods that learn from them, and
  // says so; a method the user names is refused.
  const fs::path unconditional = dir_ / "unconditional";
  fs::copy(generator, unconditional, fs::copy_options::recursive);
  nlohmann::json manifest = nlohmann::json::parse(readFileText(unconditional / "manifest.json"));
  manifest["classes"] = 0;
  test::writeText(unconditional / "manifest.json", manifest.dump());
  const auto leftOut = genrep("experiment methods --dry-run --seeds 1 --generator " + quote(unconditional) + root);
  ASSERT_EQ(leftOut.status, 0) << leftOut.output;
  EXPECT_NE(leftOut.output.find("left out: supcon-gaussian, classifier"), std::string::npos) << leftOut.output;
  EXPECT_NE(leftOut.output.find("8 points, 0 done"), std::string::npos) << leftOut.output;

  // Two axes: each method is a line per value of the second, a point per pair of values.
  test::writeText(dir_ / "grid.toml", "[experiment]\nname = \"grid\"\naxis = \"views.sigma\"\nvalues = \"0.25, 1.0\"\n"
                                      "axis2 = \"learn.steps\"\nvalues2 = \"2, 3\"\nmethods = \"simclr-gaussian\"\n");
  const auto twoAxes = genrep("experiment --config " + quote(dir_ / "grid.toml") + setup + " --run-name grid");
  ASSERT_EQ(twoAxes.status, 0) << twoAxes.output;
  const nlohmann::json gridResults = nlohmann::json::parse(readFileText(dir_ / "runs" / "grid" / "results.json"));
  EXPECT_EQ(gridResults["points"].size(), 4u);
  std::set<std::pair<std::string, std::string>> pairs;
  for (const nlohmann::json& p : gridResults["points"]) {
    pairs.insert({p["value"].get<std::string>(), p["value2"].get<std::string>()});
    EXPECT_EQ(p["training"]["steps"], std::stoi(p["value2"].get<std::string>())) << "the second axis's value is the point's setting";
  }
  EXPECT_EQ(pairs.size(), 4u);
  const std::string gridTable = readFileText(dir_ / "runs" / "grid" / "table.md");
  for (const char* line : {"| SimCLR, generator, gaussian Tz + Tx (learn.steps = 2) |", "| SimCLR, generator, gaussian Tz + Tx (learn.steps = 3) |"}) {
    EXPECT_NE(gridTable.find(line), std::string::npos) << gridTable;
  }

  test::writeText(dir_ / "typo.toml", "[experiment]\naxis = \"views.count\"\nvalus = \"2\"\n");
  const std::string bad = " --run-name bad" + setup;
  const std::vector<BadInput> cases = {
      {"unknown study", "experiment sgima" + bad, "no study 'sgima'"},
      {"unknown axis key", "experiment --set experiment.axis=views.sigam --set experiment.values=1" + bad, "did you mean 'views.sigma'"},
      {"empty axis", "experiment sigma --set experiment.values=, " + bad, "experiment.values: no values"},
      {"values without an axis", "experiment --set experiment.values=1,2" + bad, "experiment.values: values but no experiment.axis"},
      {"a second axis without a first", "experiment --set experiment.methods=simclr-tx --set experiment.axis2=learn.steps"
                                        " --set experiment.values2=2" + bad, "a second axis needs a first"},
      {"second values without a second axis", "experiment sigma --set experiment.values2=2" + bad, "experiment.values2: values but no"},
      {"unknown second axis key", "experiment sigma --set experiment.axis2=learn.stpes --set experiment.values2=2" + bad,
       "did you mean 'learn.steps'"},
      {"the same axis twice", "experiment sigma --set experiment.axis2=views.sigma --set experiment.values2=2" + bad, "the first axis already"},
      {"a class method on a generator without classes",
       "experiment methods --set experiment.methods=simclr-tx,classifier --run-name bad --generator " + quote(unconditional) + root,
       "classifier needs the generator's classes"},
      {"value out of range", "experiment budget --set experiment.values=10,0" + bad, "learn.steps is 0; it must be >= 1"},
      {"unknown method", "experiment sigma --set experiment.methods=byol" + bad, "unknown method 'byol'"},
      {"a comparison that is not 'A vs B'", "experiment sigma --set experiment.compare=simclr-tx" + bad, "is not 'A vs B'"},
      {"a comparison of a method the study lacks", "experiment sigma --set 'experiment.compare=simclr-real vs simclr-tx'" + bad,
       "'simclr-real', which is not a method of this study"},
      {"no jobs", "experiment sigma --jobs 0" + bad, "experiment.jobs is 0"},
      {"a point that is not there", "experiment sigma --set experiment.only=99" + bad, "experiment.only: '99'"},
      {"unknown key in the study file", "experiment --config " + quote(dir_ / "typo.toml") + bad, "experiment.values"},
  };
  for (const BadInput& c : cases) expectOneLineError(c);
  EXPECT_FALSE(fs::exists(dir_ / "runs" / "bad")) << "a refused study writes nothing";
}

// A TorchScript generator as a user brings it: the stored fixture, exported by PyTorch 1.13,
// and the same generator exported at test time by the PyTorch genrep is built on (the venv's,
// support/ReferencePython.h), scripted and traced (docs/generators.md).
enum class TorchScriptExport { StoredFixture, Scripted, Traced };

std::string exportName(const ::testing::TestParamInfo<TorchScriptExport>& info) {
  switch (info.param) {
    case TorchScriptExport::StoredFixture: return "StoredFixtureFromPyTorch1_13";
    case TorchScriptExport::Scripted: return "ScriptedByThisPyTorch";
    case TorchScriptExport::Traced: return "TracedByThisPyTorch";
  }
  return "";
}

class CliTorchScript : public Cli, public ::testing::WithParamInterface<TorchScriptExport> {
 protected:
  // The generator folder of this test's export; a failure when the reference Python has no torch.
  fs::path exportedGenerator() {
    const fs::path fixture = fs::path(GENREP_FIXTURE_DIR) / "gan-torchscript";
    if (GetParam() == TorchScriptExport::StoredFixture) return fixture;
    if (!test::referencePythonHas("torch")) {
      ADD_FAILURE() << test::referencePythonMissing("torch");
      return {};
    }
    const fs::path out = dir_ / "exported";
    const auto made = test::runCommand(test::referencePython() + " " + std::string(GENREP_SOURCE_DIR) +
                                       "/scripts/export_gan_torchscript.py " + quote(fs::path(GENREP_FIXTURE_DIR) / "gan-native") +
                                       " " + quote(out) + (GetParam() == TorchScriptExport::Traced ? " --trace" : ""));
    EXPECT_EQ(made.status, 0) << made.output;
    return made.status == 0 ? out : fs::path();
  }
};

INSTANTIATE_TEST_SUITE_P(Exports, CliTorchScript,
                         ::testing::Values(TorchScriptExport::StoredFixture, TorchScriptExport::Scripted, TorchScriptExport::Traced),
                         exportName);

TEST_P(CliTorchScript, ATorchScriptGeneratorSamplesDrawsViewPanelsWritesShardsAndTrains) {
  const fs::path generator = exportedGenerator();
  ASSERT_FALSE(generator.empty());
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  const std::string tiny = " --set encoder.stages=2 --set encoder.width=4 --set learn.head_dim=8 --batch 8 --steps 3";
  const auto sampled = genrep("gan sample --generator " + quote(generator) + root + " --run-name sample");
  ASSERT_EQ(sampled.status, 0) << sampled.output;
  EXPECT_TRUE(fs::exists(dir_ / "runs" / "sample" / "samples.png"));

  const auto panel = genrep("views --generator " + quote(generator) + root + " --run-name views --anchors 3");
  ASSERT_EQ(panel.status, 0) << panel.output;
  EXPECT_TRUE(fs::exists(dir_ / "runs" / "views" / "views.png"));
  const nlohmann::json layout = nlohmann::json::parse(readFileText(dir_ / "runs" / "views" / "views.json"));
  EXPECT_EQ(layout["groups"].size(), 5u);  // anchor, three sigmas, independent
  EXPECT_EQ(layout["rows"], 3);

  const fs::path shards = dir_ / "shards";
  const std::string generate = "generate --generator " + quote(generator) + root + " --run-name gen --anchors 4 --pool 2"
                               " --set generate.shard_anchors=5 --out " + quote(shards);
  const auto written = genrep(generate);
  ASSERT_EQ(written.status, 0) << written.output;
  EXPECT_NE(written.output.find("3 written now"), std::string::npos) << written.output;
  EXPECT_TRUE(nlohmann::json::parse(readFileText(shards / "dataset.json"))["complete"].get<bool>());
  const auto again = genrep(generate);
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("0 written now, 3 there already"), std::string::npos) << again.output;
  const auto otherSigma = genrep(generate + " --sigma 0.9");
  EXPECT_EQ(otherSigma.status, 1);
  EXPECT_NE(otherSigma.output.find("other settings"), std::string::npos) << otherSigma.output;

  const auto fromShards = genrep("train --set source.kind=shards --set source.path=" + quote(shards) + root + tiny + " --run-name enc");
  ASSERT_EQ(fromShards.status, 0) << fromShards.output;
  EXPECT_NE(fromShards.output.find("offline dataset (12 anchors x pool 2"), std::string::npos) << fromShards.output;
  EXPECT_TRUE(fs::exists(dir_ / "runs" / "enc" / "encoder" / "encoder.pt"));
  const auto streamed = genrep("train --generator " + quote(generator) + root + tiny + " --run-name enc-stream");
  ASSERT_EQ(streamed.status, 0) << streamed.output;
  const auto noPath = genrep("train --set source.kind=shards" + root + tiny);
  EXPECT_EQ(noPath.status, 1);
  EXPECT_NE(noPath.output.find("source.path"), std::string::npos) << noPath.output;
}

TEST_P(CliTorchScript, SteeringWalksAreLearnedAndUsedByTrainGenerateAndViews) {
  const fs::path generator = exportedGenerator();
  ASSERT_FALSE(generator.empty());
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  const auto learned = genrep("steer train --generator " + quote(generator) + root +
                              " --run-name steer --steps 4 --set steer.batch=8 --set steer.eval_samples=16");
  ASSERT_EQ(learned.status, 0) << learned.output;
  for (const char* edit : {"zoom", "shift_x", "shift_y", "rotate", "brightness", "contrast"}) {
    EXPECT_NE(learned.output.find(edit), std::string::npos) << edit;
  }
  const fs::path walks = dir_ / "runs" / "steer" / "walks";
  const nlohmann::json saved = nlohmann::json::parse(readFileText(walks / "walks.json"));
  EXPECT_EQ(saved["walks"].size(), 6u);
  EXPECT_EQ(saved["walks"][0]["direction"].size(), 8u);

  const auto panel = genrep("views --generator " + quote(generator) + root + " --run-name views --walks " + quote(walks));
  ASSERT_EQ(panel.status, 0) << panel.output;
  EXPECT_NE(panel.output.find("steering (3)"), std::string::npos) << panel.output;
  const std::string tiny = " --set encoder.stages=2 --set encoder.width=4 --set learn.head_dim=8 --batch 8 --steps 3";
  const auto trained = genrep("train --generator " + quote(generator) + root + tiny + " --run-name enc --latent-view steering --walks " +
                              quote(walks));
  ASSERT_EQ(trained.status, 0) << trained.output;
  EXPECT_NE(trained.output.find("latent view steering (6 walks)"), std::string::npos) << trained.output;
  const auto written = genrep("generate --generator " + quote(generator) + root + " --run-name gen --anchors 2 --pool 2 --latent-view steering"
                              " --walks " + quote(walks) + " --out " + quote(dir_ / "steered"));
  ASSERT_EQ(written.status, 0) << written.output;
  const auto noWalks = genrep("train --generator " + quote(generator) + root + tiny + " --latent-view steering");
  EXPECT_EQ(noWalks.status, 1);
  EXPECT_NE(noWalks.output.find("views.walks"), std::string::npos) << noWalks.output;
  const auto colour = genrep("steer train --generator " + quote(generator) + root + " --edits zoom,red --steps 1");
  EXPECT_EQ(colour.status, 1);
  EXPECT_NE(colour.output.find("needs an RGB generator"), std::string::npos) << colour.output;
}

// Data parallel as a user launches it (docs/distributed.md): the torchrun of the PyTorch genrep
// is built on, two ranks on loopback, c10d's Gloo backend; both ranks train and rank 0 saves.
// The numbers against one process are checked in tests/dist/DataParallelTest.cpp.
TEST_F(Cli, TorchrunStartsTwoRanksThatTrainOneEncoder) {
  const fs::path torchrun = fs::path(GENREP_PYTHON).parent_path() / "torchrun";
  if (!fs::exists(torchrun)) GTEST_SKIP() << torchrun << " is not there (scripts/setup.sh installs PyTorch into .venv)";
  const int port = 20000 + static_cast<int>(getpid() % 20000);
  const auto trained = test::runCommand(quote(torchrun) + " --nproc_per_node=2 --master_port=" + std::to_string(port) +
                                        " --no-python " + GENREP_BINARY + " train --generator " +
                                        quote(fs::path(GENREP_FIXTURE_DIR) / "gan-native") + " --set run.root=" + quote(dir_ / "runs") +
                                        " --run-name dp --threads 1 --set encoder.stages=2 --set encoder.width=4"
                                        " --set learn.head_dim=8 --batch 8 --steps 3");
  ASSERT_EQ(trained.status, 0) << trained.output;
  EXPECT_NE(trained.output.find("rank 0 of 2 (gloo, 127.0.0.1:"), std::string::npos) << trained.output;
  EXPECT_TRUE(fs::exists(dir_ / "runs" / "dp" / "encoder" / "encoder.pt"));
  EXPECT_TRUE(fs::exists(dir_ / "runs" / "dp" / "metrics.rank-1.jsonl"));
}

// Bad generators, manifests, TorchScript modules, offline datasets, walks and checkpoints: each
// is one line naming the problem, exit status 1, and no crash.
TEST_F(Cli, BadGeneratorsDatasetsWalksAndCheckpointsGiveOneLineErrors) {
  const fs::path fixtures = GENREP_FIXTURE_DIR;
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  // Generator folders, each a fixture copy with one thing wrong.
  const auto variant = [&](const std::string& name, const std::string& from, const std::function<void(nlohmann::json&)>& edit) {
    const fs::path folder = dir_ / "gens" / name;
    fs::create_directories(folder);
    for (const auto& entry : fs::directory_iterator(fixtures / from)) fs::copy_file(entry.path(), folder / entry.path().filename());
    nlohmann::json manifest = nlohmann::json::parse(readFileText(folder / "manifest.json"));
    edit(manifest);
    test::writeText(folder / "manifest.json", manifest.dump());
    return folder;
  };
  const auto keep = [](nlohmann::json&) {};
  const fs::path notJson = variant("not-json", "gan-torchscript", keep);
  test::writeText(notJson / "manifest.json", "{\"format\": ");
  const fs::path corruptModule = variant("corrupt-module", "gan-torchscript", keep);
  test::writeText(corruptModule / "module.pt", "garbage");
  const fs::path missingModule = variant("missing-module", "gan-torchscript", keep);
  fs::remove(missingModule / "module.pt");
  const fs::path corruptWeights = variant("corrupt-weights", "gan-native", keep);
  test::writeText(corruptWeights / "generator.pt", "garbage");

  // An offline dataset, then broken copies of it.
  const fs::path generator = fixtures / "gan-torchscript";
  const auto made = genrep("generate --generator " + quote(generator) + root + " --run-name gen --anchors 2 --pool 2"
                           " --set generate.shard_anchors=3 --out " + quote(dir_ / "shards"));
  ASSERT_EQ(made.status, 0) << made.output;
  const auto shardsVariant = [&](const std::string& name) {
    fs::copy(dir_ / "shards", dir_ / name, fs::copy_options::recursive);
    return dir_ / name;
  };
  const fs::path flipped = shardsVariant("flipped");
  std::vector<uint8_t> bytes = readFileBytes(flipped / "shard-000000.grs");
  bytes[100] ^= 1;
  test::writeBytes(flipped / "shard-000000.grs", bytes);
  const fs::path truncated = shardsVariant("truncated");
  bytes = readFileBytes(truncated / "shard-000001.grs");
  bytes.resize(bytes.size() - 5);
  test::writeBytes(truncated / "shard-000001.grs", bytes);
  const fs::path missingShard = shardsVariant("missing-shard");
  fs::remove(missingShard / "shard-000001.grs");
  const fs::path incomplete = shardsVariant("incomplete");
  nlohmann::json description = nlohmann::json::parse(readFileText(incomplete / "dataset.json"));
  description["complete"] = false;
  test::writeText(incomplete / "dataset.json", description.dump());
  test::writeText(dir_ / "walks-other" / "walks.json",
                  R"({"format": "genrep-walks", "version": 1, "latent_dim": 3, "walks": [{"edit": "zoom", "min": 0.5,
                      "max": 2, "log_scale": true, "direction": [0, 0, 1]}]})");
  test::writeText(dir_ / "runs" / "bad-checkpoint" / "checkpoint.pt", "not a checkpoint");
  test::writeText(dir_ / "bad-encoder" / "encoder.json", "{}");

  const std::string tiny = " --set encoder.stages=2 --set encoder.width=4 --batch 8 --steps 2";
  // Checkpoints: a finished 2-step run, then copies of its checkpoint cut short and in a GAN run.
  const std::string trainEnc = "train --generator " + quote(generator) + root + " --set encoder.stages=2 --set encoder.width=4 --batch 8";
  ASSERT_EQ(genrep(trainEnc + " --steps 2 --run-name enc").status, 0);
  const std::string checkpoint = readFileText(dir_ / "runs" / "enc" / "checkpoint.pt");
  test::writeText(dir_ / "runs" / "cut-checkpoint" / "checkpoint.pt", checkpoint.substr(0, checkpoint.size() - 9));
  test::writeText(dir_ / "runs" / "gan-with-encoder-checkpoint" / "checkpoint.pt", checkpoint);
  const auto sample = [&](const fs::path& folder) { return "gan sample --generator " + quote(folder) + root; };
  const auto fromShards = [&](const fs::path& folder) {
    return "train --set source.kind=shards --set source.path=" + quote(folder) + root + tiny;
  };
  const std::vector<BadInput> cases = {
      {"manifest not JSON", sample(notJson), "manifest.json"},
      {"unknown generator kind", sample(variant("kind", "gan-torchscript", [](nlohmann::json& m) { m["kind"] = "diffusion"; })),
       "unknown generator kind \"diffusion\""},
      {"unknown manifest key", sample(variant("key", "gan-torchscript", [](nlohmann::json& m) { m["latent"] = 8; })),
       "unknown key \"latent\""},
      {"manifest version", sample(variant("version", "gan-native", [](nlohmann::json& m) { m["version"] = 2; })),
       "version 2 is not supported"},
      {"wrong latent size", sample(variant("latent", "gan-torchscript", [](nlohmann::json& m) { m["latent_dim"] = 9; })),
       "forward failed"},
      {"wrong image shape", sample(variant("shape", "gan-torchscript", [](nlohmann::json& m) { m["image_shape"] = {1, 16, 16}; })),
       "image_shape"},
      {"wrong output range", sample(variant("range", "gan-torchscript", [](nlohmann::json& m) { m["output_range"] = {0.0, 0.1}; })),
       "output_range"},
      {"wrong class input", sample(variant("onehot", "gan-torchscript", [](nlohmann::json& m) { m["class_input"] = "one-hot"; })),
       "forward failed"},
      {"corrupt TorchScript module", sample(corruptModule), "not a TorchScript module"},
      {"missing TorchScript module", sample(missingModule), "no such TorchScript module"},
      {"corrupt GAN weights", sample(corruptWeights), "cannot load generator weights"},
      {"shards: no dataset", fromShards(dir_ / "nothing"), "no dataset.json"},
      {"shards: incomplete", fromShards(incomplete), "incomplete"},
      {"shards: flipped byte", fromShards(flipped), "hash"},
      {"shards: truncated", fromShards(truncated), "truncated or corrupt"},
      {"shards: missing file", fromShards(missingShard), "shard-000001.grs"},
      {"shards: no path", "train --set source.kind=shards" + root + tiny, "source.path"},
      {"walks: missing", "train --generator " + quote(generator) + root + tiny + " --latent-view steering --walks " +
                             quote(dir_ / "none"), "no walks.json"},
      {"walks: other latent size", "train --generator " + quote(generator) + root + tiny + " --latent-view steering --walks " +
                                       quote(dir_ / "walks-other"), "latent size 3"},
      {"steering without walks", "train --generator " + quote(generator) + root + tiny + " --latent-view steering", "views.walks"},
      {"unknown edit", "steer train --generator " + quote(generator) + root + " --edits zoom,shear", "unknown edit 'shear'"},
      {"colour edit of grey images", "steer train --generator " + quote(generator) + root + " --edits red", "needs an RGB generator"},
      {"generate: pool 0 with a latent view", "generate --generator " + quote(generator) + root + " --pool 0", "generate.pool"},
      {"generate: no anchors", "generate --generator " + quote(generator) + root + " --anchors 0", "generate.anchors"},
      {"views: bad sigma list", "views --generator " + quote(generator) + root + " --sigmas 0.5,x", "panel.sigmas: 'x'"},
      {"views: negative sigma", "views --generator " + quote(generator) + root + " --sigmas 0.5,-1", "sigma -1"},
      {"corrupt encoder", "eval --encoder " + quote(dir_ / "bad-encoder") + " --path " + quote(data_) + root, "encoder.json"},
      {"checkpoint: not one", trainEnc + " --run-name bad-checkpoint", "bad-checkpoint/checkpoint.pt: 16 bytes, too short"},
      {"checkpoint: truncated", trainEnc + " --steps 2 --run-name cut-checkpoint", "truncated or damaged"},
      {"checkpoint: another trainer's", "gan train --path " + quote(data_) + root + " --run-name gan-with-encoder-checkpoint",
       "a encoder-training checkpoint, not gan-training"},
      {"checkpoint: other settings", trainEnc + " --run-name enc --steps 4 --set views.sigma=0.9",
       "other settings (learn.steps: 2 -> 4; views.sigma: 0.5 -> 0.9)"},
  };
  for (const BadInput& bad : cases) expectOneLineError(bad);
  // Refused checkpoints are left as they were; asked to, a run continues with changed settings.
  EXPECT_EQ(readFileText(dir_ / "runs" / "bad-checkpoint" / "checkpoint.pt"), "not a checkpoint");
  EXPECT_EQ(readFileText(dir_ / "runs" / "enc" / "checkpoint.pt"), checkpoint);
  const auto changed = genrep(trainEnc + " --run-name enc --steps 4 --resume-changed");
  EXPECT_EQ(changed.status, 0) << changed.output;
  EXPECT_NE(changed.output.find("resuming " + (dir_ / "runs" / "enc" / "checkpoint.pt").string() +
                                " with changed settings (run.resume_changed=true): learn.steps: 2 -> 4"),
            std::string::npos)
      << changed.output;
}

TEST_F(Cli, LearningCommandsNameImpossibleSettings) {
  const std::string root = " --set run.root=" + quote(dir_ / "runs");
  const auto inverterOnReal = genrep("train --source real --objective inverter --path " + quote(data_) + root);
  EXPECT_EQ(inverterOnReal.status, 1);
  EXPECT_NE(inverterOnReal.output.find("learn.objective=inverter"), std::string::npos) << inverterOnReal.output;
  EXPECT_EQ(lineCount(inverterOnReal.output), 1u) << inverterOnReal.output;

  const auto noTarget = genrep("eval --path " + quote(data_) + root);
  EXPECT_EQ(noTarget.status, 1);
  EXPECT_NE(noTarget.output.find("--encoder"), std::string::npos) << noTarget.output;

  const auto badObjective = genrep("train --objective byol" + root);
  EXPECT_NE(badObjective.status, 0);
  EXPECT_NE(badObjective.output.find("byol"), std::string::npos) << badObjective.output;

  const auto missingEncoder = genrep("eval --encoder " + quote(dir_ / "none") + " --path " + quote(data_) + root);
  EXPECT_EQ(missingEncoder.status, 1);
  EXPECT_NE(missingEncoder.output.find("encoder.json"), std::string::npos) << missingEncoder.output;
}

TEST_F(Cli, MissingGeneratorIsAOneLineError) {
  const auto result = genrep("gan sample --generator " + quote(dir_ / "nothing") + " --set run.root=" + quote(dir_ / "runs"));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("no manifest.json"), std::string::npos) << result.output;
  EXPECT_EQ(lineCount(result.output), 1u) << result.output;
}

TEST_F(Cli, UnknownFlagsAndMissingConfigFileAreUsageErrors) {
  EXPECT_NE(genrep("data info --no-such-flag").status, 0);
  const auto missing = genrep("data info --config " + quote(dir_ / "absent.toml"));
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("absent.toml"), std::string::npos) << missing.output;
  // genrep report: no folder is a usage error; a folder that is not there, or holds nothing to
  // show, one line naming it.
  expectOneLineError({"report without a folder", "report", "folders is required"}, 2);
  expectOneLineError({"report of a missing folder", "report " + quote(dir_ / "absent"), "is not a folder"});
  fs::create_directories(dir_ / "nothing");
  expectOneLineError({"report of an empty folder", "report " + quote(dir_ / "nothing"), "holds no run"});
  EXPECT_FALSE(fs::exists(dir_ / "nothing" / "report.html"));
}

}  // namespace
}  // namespace genrep
