// What every library key decides, as its declaration says (core/Config.h KeyRole), against the
// rule genrep used before roles were declared: run.* but run.seed, and the keys of how often a
// run logs, checkpoints or probes, whether it resumes, which thread makes its views and what it
// caches were operational; eval.* measured. So declaring roles changed no checkpoint's or study
// point's settings.
#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/settings/DataKeys.h"
#include "genrep/settings/EvalKeys.h"
#include "genrep/settings/GanKeys.h"
#include "genrep/settings/GeneratorKeys.h"
#include "genrep/settings/LearnKeys.h"
#include "genrep/settings/QualityKeys.h"
#include "genrep/settings/RunKeys.h"
#include "genrep/settings/ViewKeys.h"
#include "genrep/study/StudyDefinition.h"

namespace genrep {
namespace {

bool startsWith(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

TEST(KeyRoles, EveryLibraryKeyDeclaresWhatTheNameRuleSaid) {
  ConfigSchema schema;
  addRunKeys(schema);
  addDeviceKey(schema);
  addDatasetKeys(schema);
  addProbeDatasetKeys(schema);
  addGeneratorKeys(schema);
  addViewSourceKeys(schema);
  addEncoderKeys(schema);
  addObjectiveKeys(schema);
  addEncoderTrainingKeys(schema);
  addEvaluationKeys(schema);
  addGanTrainingKeys(schema);
  addQualityKeys(schema);
  addStudyKeys(schema);
  ASSERT_GT(schema.keys().size(), 100u);
  for (const ConfigKey& key : schema.keys()) {
    const std::string last = key.name.substr(key.name.rfind('.') + 1);
    const bool operational = (startsWith(key.name, "run.") && key.name != "run.seed") || last == "checkpoint_every" ||
                             last == "log_every" || last == "eval_every" || last == "resume" || last == "prefetch_threads" ||
                             last == "cache_mb" || startsWith(last, "monitor_") || key.name == "gan.out";
    KeyRole expected = operational ? KeyRole::Operational : KeyRole::Decides;
    if (startsWith(key.name, "eval.")) expected = KeyRole::Measures;
    if (startsWith(key.name, "experiment.")) expected = KeyRole::Chooses;
    if (key.name == "gan.steps") expected = KeyRole::Extent;
    EXPECT_EQ(static_cast<int>(key.role), static_cast<int>(expected)) << key.name;
  }
}

}  // namespace
}  // namespace genrep
