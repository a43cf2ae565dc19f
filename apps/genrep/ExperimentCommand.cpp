// genrep experiment: a study (study/StudyDefinition.h: a shipped one from configs/studies/, or the
// user's --config) run as one resumable command. The library lays it out (study/StudyPlan.h:
// points, their folders named by their deciding settings, finished twins reused) and writes its
// tables (study/StudyResults.h); this command reads the settings, checks every point before
// anything runs, trains and probes the points here or in --jobs processes, and prints.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "EncoderRuns.h"
#include "genrep/core/AtomicFile.h"
#include "genrep/core/ChildProcess.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/InstallPaths.h"
#include "genrep/core/MeanSpread.h"
#include "genrep/core/SubRunner.h"
#include "genrep/core/TextList.h"
#include "genrep/data/DatasetOpener.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/EvalKeys.h"
#include "genrep/settings/GeneratorKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/settings/ViewKeys.h"
#include "genrep/study/StudyDefinition.h"
#include "genrep/study/StudyPlan.h"
#include "genrep/views/LatentView.h"

namespace genrep::app {
namespace {

// --quick: rough numbers in minutes (the demo's quick budget, one seed, three axis values).
std::vector<std::string> quickPreset() {
  return {"learn.steps=60",        "learn.batch=128",         "eval.fit_images=10000", "eval.test_images=5000",
          "eval.linear_epochs=10", "eval.few_shot_steps=200", "experiment.seeds=1"};
}

// Methods that need the generator's classes on a generator without classes: a preset
// leaves them out (study.leftOut); methods the user named are refused.
void leaveOutClassMethods(StudyDefinition& study, const Config& config, const ConfigSchema& schema, bool named) {
  std::vector<std::string> ids = study.methods;
  ids.insert(ids.end(), study.references.begin(), study.references.end());
  const std::vector<std::string> needing = methodsLackingClasses(ids, config, schema);
  if (needing.empty()) return;
  if (named) {
    throw std::invalid_argument(fmt::format("experiment.methods: {} {} the generator's classes, and {} has none (leave {} out)",
                                            fmt::join(needing, ", "), needing.size() == 1 ? "needs" : "need",
                                            generatorPathFromConfig(config), needing.size() == 1 ? "it" : "them"));
  }
  const auto lacking = [&](const std::string& id) { return std::find(needing.begin(), needing.end(), id) != needing.end(); };
  for (std::vector<std::string>* list : {&study.methods, &study.references}) list->erase(std::remove_if(list->begin(), list->end(), lacking), list->end());
  study.leftOut = needing;
}

// The study the config asks for: the preset's file (experiment.study, layered below the user's
// settings) or the user's own, with the methods this generator cannot train left out and its
// comparisons settled. What the user changed from the preset's file is strict: methods this
// generator cannot train are refused, comparisons that name no line are errors.
StudyDefinition studyOf(const Config& config, const ConfigSchema& schema) {
  StudyDefinition study = studyFromConfig(config, schema, config.getBool("experiment.quick"));
  const std::string preset = config.getString("experiment.study");
  const std::optional<Config> file =
      preset.empty() ? std::nullopt : std::optional<Config>(Config::resolve(schema, shippedStudyFile(preset), {}));
  const auto userSet = [&](const char* key) { return file ? config.getString(key) != file->getString(key) : !config.getString(key).empty(); };
  leaveOutClassMethods(study, config, schema, userSet("experiment.methods") || userSet("experiment.references"));
  settleComparisons(study, userSet("experiment.compare"));
  return study;
}

// Every point's settings are read into the options they fill before anything runs, so a value
// outside a key's range stops the study at once, naming the key. The study's own walks are not
// learned yet: such a point's other settings are checked.
void checkPoints(const std::vector<Config>& configs, const ConfigSchema& schema, const std::filesystem::path& walks) {
  std::error_code ec;
  const bool walksLearned = std::filesystem::exists(walks / "walks.json", ec);
  for (const Config& c : configs) {
    const bool studyWalks = latentViewNeedsWalks(parseLatentViewKind(c.getString("views.latent"))) && c.getString("views.walks") == walks.string();
    checkTrainSettings(studyWalks && !walksLearned ? Config::fromToml(schema, c.toToml(), "experiment point", {"views.latent=none"}) : c,
                       schema);
    evaluationOptionsFromConfig(c);
  }
}

// experiment-<study>[-<generator>][-quick]: a generator other than the shipped one gets a
// folder of its own (the same study on the unconditional generator beside the conditional).
std::string experimentName(const Config& config) {
  const std::string study = config.getString("experiment.study");
  std::filesystem::path generator = std::filesystem::path(config.getString("gen.path")).lexically_normal();
  if (generator.filename().empty()) generator = generator.parent_path();
  const std::string tag = generator.filename() == kShippedGenerator ? "" : "-" + generator.filename().string();
  return fmt::format("experiment-{}{}{}", study.empty() ? config.getString("experiment.name") : study, tag,
                     config.getBool("experiment.quick") ? "-quick" : "");
}

// The point indices experiment.only names (a --jobs worker's share); empty = every point.
std::vector<size_t> onlyPoints(const Config& config, size_t count) {
  std::vector<size_t> only;
  for (const std::string& item : splitList(config.getString("experiment.only"))) {
    size_t used = 0;
    long long index = -1;
    try {
      index = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || index < 0 || static_cast<size_t>(index) >= count) {
      throw std::invalid_argument(fmt::format("experiment.only: '{}' is not a point of this study (0 to {})", item, count - 1));
    }
    only.push_back(static_cast<size_t>(index));
  }
  return only;
}

// The mean wall time of the finished points among `results` (null: not finished) and how many
// there are: the time a point takes, from every finished one (a point that resumed near its end
// took minutes less than the rest).
std::pair<double, size_t> meanPointSeconds(const std::vector<nlohmann::json>& results) {
  std::vector<double> walls;
  for (const nlohmann::json& r : results) {
    if (!r.is_null() && r.contains("wall_seconds")) walls.push_back(r["wall_seconds"].get<double>());
  }
  return {walls.empty() ? 0.0 : meanAndSpread(walls).mean, walls.size()};
}

// The study the config asks for, laid out in its experiment folder: the run folder, or the
// coordinator's (experiment.points_in) in a --jobs worker.
StudyPlan planOf(const Config& config, const ConfigSchema& schema, const std::filesystem::path& runFolder, bool adopt = true) {
  const std::string pointsIn = config.getString("experiment.points_in");
  return StudyPlan(studyOf(config, schema), config, schema, pointsIn.empty() ? runFolder : std::filesystem::path(pointsIn),
                   config.getInt("experiment.seeds"), adopt);
}

// table.md, results.json and the report page from the points finished so far.
void writeResults(const StudyPlan& plan) {
  plan.writeResults();
  refreshReport(plan.home);
}

void printProgress(const StudyPlan& plan, double secondsPerPoint) {
  const size_t left = plan.points.size() - plan.done();
  fmt::print("experiment {}: {} of {} points done{}\n", plan.study.name, plan.done(), plan.points.size(),
             secondsPerPoint > 0 && left > 0 ? fmt::format(", ETA {:.0f} min", secondsPerPoint * static_cast<double>(left) / 60) : "");
  std::fflush(stdout);
}

// --list, --dry-run and the checks, before any folder is made.
bool answerOrCheck(const Config& config, const ConfigSchema& schema) {
  if (config.getBool("experiment.list")) {
    for (const std::string& name : shippedStudyNames()) {
      const StudyDefinition s = studyFromConfig(Config::resolve(schema, shippedStudyFile(name), {}), schema);
      if (s.axis.empty()) {
        fmt::print("{:<9} {} ({})\n", s.name, s.summary, fmt::join(s.references, ", "));
      } else {
        fmt::print("{:<9} {} ({}: {}; {})\n", s.name, s.summary, s.axis, fmt::join(s.values, ", "), fmt::join(s.methods, ", "));
      }
      fmt::print("{:<9} compares {}\n", "", fmt::join(s.comparisons, "; "));
    }
    return true;
  }
  const int64_t seeds = config.getInt("experiment.seeds");
  if (seeds < 1) throw std::invalid_argument(fmt::format("experiment.seeds is {}; it must be >= 1", seeds));
  const int64_t jobs = config.getInt("experiment.jobs");
  if (jobs < 1) throw std::invalid_argument(fmt::format("experiment.jobs is {}; it must be >= 1", jobs));
  const RunOptions runOptions = runOptionsFromConfig(config);
  // Where the run folder will be (main.cpp makes it the same way).
  const std::filesystem::path run = std::filesystem::path(runOptions.root) / (runOptions.name.empty() ? experimentName(config) : runOptions.name);
  const StudyPlan s = planOf(config, schema, run, /*adopt=*/false);
  checkPoints(s.configs, schema, s.walks());
  onlyPoints(config, s.points.size());
  if (!config.getBool("experiment.dry_run")) return false;
  std::vector<nlohmann::json> finishedResults;
  for (size_t i = 0; i < s.points.size(); ++i) {
    const StudyPoint& point = s.points[i];
    const bool finished = s.finished(i) || !s.twins[i].empty();
    if (finished) finishedResults.push_back(s.twins[i].empty() ? s.results[i] : readJsonFile(s.twins[i] / SubRunner::kResultFile));
    std::string at = s.study.axis.empty() ? "" : fmt::format("{}={:<8} ", s.study.axis, point.value.empty() ? "(ref)" : point.value);
    if (!point.value2.empty()) at += fmt::format("{}={} ", s.study.axis2, point.value2);
    fmt::print("{:<6} {:<20} {}seed {}{}\n", finished ? "done" : "to run", point.method->id, at, point.seed,
               s.twins[i].empty() ? "" : fmt::format(" (in {})", s.twins[i].string()));
  }
  const size_t done = finishedResults.size();
  const auto [secondsPerPoint, timed] = meanPointSeconds(finishedResults);
  const std::string estimate =
      done == s.points.size() ? "none left"
      : timed == 0            ? "unknown until a point has run here"
                              : fmt::format("about {:.1f} min (the mean of the {} finished points here)",
                                            secondsPerPoint * static_cast<double>(s.points.size() - done) / static_cast<double>(jobs) / 60,
                                            timed);
  fmt::print("{} points, {} done; time for the rest: {}\n", s.points.size(), done, estimate);
  fmt::print("{}", leftOutLine(s.study.leftOut));
  return true;
}

// Runs `which` points here, one after the other; after each, `finishedOne(i)`.
void runPoints(CommandContext& context, StudyPlan& plan, const std::vector<size_t>& which, const std::function<void(size_t)>& finishedOne) {
  const bool needsGenerator = std::any_of(which.begin(), which.end(), [&](size_t i) { return sourceNeedsGenerator(plan.configs[i]); });
  std::shared_ptr<Generator> generator = needsGenerator ? openGenerator(context.config) : nullptr;
  const RealDataset dataset = openDataset(datasetSpecFromConfig(context.config));
  for (const size_t i : which) {
    plan.runPoint(i, [&](const Config& c, const std::filesystem::path& folder) {
      return trainAndProbe(*plan.points[i].method, c, context.schema, folder, generator, dataset);
    });
    finishedOne(i);
  }
}

// --jobs J: the points not finished yet, dealt round-robin to J processes of this program
// (each `genrep experiment` with experiment.only = its share and run.threads / J threads, its
// own run folder and log under jobs/), while this one rewrites the results as points finish.
// The processes share this one's working directory, so they name the experiment folder (and
// the walks in their points' settings) as it does.
void runInJobs(CommandContext& context, StudyPlan& s, int64_t jobs) {
  std::vector<size_t> left;
  for (size_t i = 0; i < s.points.size(); ++i) {
    if (!s.finished(i)) left.push_back(i);
  }
  const size_t processes = std::min<size_t>(static_cast<size_t>(jobs), left.size());
  if (processes == 0) return;
  const int64_t threads = std::max<int64_t>(1, context.runtime.threads / static_cast<int64_t>(processes));
  const std::filesystem::path jobsFolder = context.run.path() / "jobs";
  std::filesystem::create_directories(jobsFolder);
  writeFileAtomic(jobsFolder / "job.toml", context.config.toToml());
  std::vector<ChildProcess> children;
  std::vector<std::filesystem::path> logs;
  for (size_t k = 0; k < processes; ++k) {
    std::vector<std::string> share;
    for (size_t j = k; j < left.size(); j += processes) share.push_back(std::to_string(left[j]));
    logs.push_back(jobsFolder / fmt::format("job-{}.log", k));
    children.emplace_back(
        std::vector<std::string>{currentExecutable().string(), "experiment", "--config", (jobsFolder / "job.toml").string(),
                                 "--set", "experiment.jobs=1", "--set", "experiment.only=" + fmt::format("{}", fmt::join(share, ",")),
                                 "--set", "experiment.points_in=" + s.home.string(), "--set",
                                 fmt::format("run.threads={}", threads), "--set", "run.root=" + jobsFolder.string(), "--set",
                                 fmt::format("run.name=job-{}", k)},
        logs.back());
    fmt::print("job {}: {} points, {} thread{}, log {}\n", k, share.size(), threads, threads == 1 ? "" : "s", logs.back().string());
  }
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  size_t ranHere = 0;
  for (bool running = true; running;) {
    running = false;
    for (ChildProcess& child : children) running = !child.poll() || running;
    if (running) std::this_thread::sleep_for(std::chrono::seconds(2));
    bool changed = false;
    for (const size_t i : left) {
      if (!s.results[i].is_null() || !s.finished(i)) continue;
      s.results[i] = readJsonFile(s.folders[i] / SubRunner::kResultFile);
      ++ranHere;
      changed = true;
    }
    if (!changed) continue;
    writeResults(s);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    printProgress(s, elapsed / static_cast<double>(ranHere));
  }
  for (size_t k = 0; k < children.size(); ++k) {
    if (const int status = children[k].wait(); status != 0) {
      throw std::runtime_error(fmt::format("experiment: job {} ended with status {} (its log: {}); finished points are kept, the same "
                                           "command continues the rest",
                                           k, status, logs[k].string()));
    }
  }
}

// The study's steering walks, learned once before the first point that uses them (and before
// --jobs starts the processes that read them).
void learnStudyWalks(const Config& config, const StudyPlan& s) {
  for (size_t i = 0; i < s.points.size(); ++i) {
    if (s.finished(i) || s.configs[i].getString("views.walks") != s.walks().string()) continue;
    learnWalksOnce(config, openGenerator(config), s.walks());
    return;
  }
}

void runExperiment(CommandContext& context) {
  const Config& config = context.config;
  StudyPlan plan = planOf(config, context.schema, context.run.path());
  if (const std::vector<size_t> only = onlyPoints(config, plan.points.size()); !only.empty()) {
    runPoints(context, plan, only, [](size_t) {});  // a --jobs worker: its coordinator writes the results
    return;
  }
  fmt::print("{}", leftOutLine(plan.study.leftOut));
  learnStudyWalks(config, plan);
  if (const int64_t jobs = config.getInt("experiment.jobs"); jobs > 1) {
    runInJobs(context, plan, jobs);
  } else {
    std::vector<size_t> left;
    for (size_t i = 0; i < plan.points.size(); ++i) {
      if (plan.results[i].is_null()) left.push_back(i);
    }
    runPoints(context, plan, left, [&](size_t) {
      writeResults(plan);
      printProgress(plan, meanPointSeconds(plan.results).first);
    });
  }
  writeResults(plan);
  fmt::print("\n{}\nwrote {} and {}\n", readFileText(plan.home / "table.md"), (plan.home / "table.md").string(),
             (plan.home / "results.json").string());
}

}  // namespace

CommandSpec experimentCommand() {
  std::vector<FlagAlias> flags = tableFlags("experiment.seeds");
  flags.push_back({"--list", "experiment.list", true});
  flags.push_back({"--jobs", "experiment.jobs"});
  flags.push_back({"--dry-run", "experiment.dry_run", true});
  flags.push_back({"--quick", "experiment.quick", true, quickPreset()});
  CommandSpec spec{{"experiment"},
                   "a study over one setting (the paper's: sigma, samples, mixing, pool; and budget, views, viewcount, switches; "
                   "methods: the demo's table), resumable, with a table",
                   [](ConfigSchema& schema) {
                     addTrainKeys(schema);
                     addEvalKeys(schema);
                     addSteerKeys(schema);  // the walks of steering points (learnWalksOnce)
                     schema.addString("experiment.study", "",
                                      "a shipped study (configs/studies/<name>.toml, below the user's settings: `genrep experiment --list`); "
                                      "empty = the study the config describes").role(KeyRole::Chooses);
                     addStudyKeys(schema);
                     schema.addInt("experiment.seeds", 3, "seeds per point").role(KeyRole::Chooses);
                     schema.addInt("experiment.jobs", 1, "points run at once, each in its own process with run.threads / jobs threads").role(KeyRole::Chooses);
                     schema.addString("experiment.only", "", "the points this process runs, by index (what --jobs gives each process)").role(KeyRole::Chooses);
                     schema.addString("experiment.points_in", "",
                                      "the experiment folder whose points this process runs (what --jobs gives each process); "
                                      "empty = its own run folder").role(KeyRole::Chooses);
                     schema.addBool("experiment.quick", false, "rough numbers in minutes: a small budget, 1 seed, 3 axis values").role(KeyRole::Chooses);
                     schema.addBool("experiment.list", false, "list the shipped studies and exit").role(KeyRole::Chooses);
                     schema.addBool("experiment.dry_run", false, "print the points, which are done, and the time for the rest; run nothing").role(KeyRole::Chooses);
                     // Every point at the demo's full budget (docs/demo.md).
                     schema.setDefault("learn.steps", int64_t{400});
                     schema.setDefault("learn.batch", int64_t{256});
                   },
                   flags, runExperiment};
  spec.positionalKey = "experiment.study";
  spec.positionalFile = shippedStudyFile;
  spec.positionalHelp = "the preset study to run";
  spec.runNameFor = experimentName;
  spec.beforeRun = answerOrCheck;
  return spec;
}

}  // namespace genrep::app
