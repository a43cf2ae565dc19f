#pragma once
// Where a study point's result lives, and which finished point elsewhere is the same point.
// A point's folder is <experiment>/points/<method>/<value>-[<value2>-]seed-<s>-<hash>, the hash
// of the settings that decide its result, so a finished point is reused, an interrupted one
// resumes from its checkpoint, and a changed setting makes a new folder instead of mixing
// results. LibTorch-free.
//
//   const std::filesystem::path folder = pointFolder(run, point, config, schema);
//   if (const auto twin = finishedTwin(root, folder, point.method->id, config, schema); !twin.empty()) adoptTwin(twin, folder);
#include <filesystem>
#include <string>
#include <vector>

#include "genrep/core/Config.h"

namespace genrep {

struct StudyPoint;

// The roles of the keys that decide a point's result (core/Config.h KeyRole): what it computes
// and how it is measured. The steering walks' settings decide only the walks, whose folder is in
// views.walks and refuses other settings (learnWalksOnce).
const std::vector<KeyRole>& studyCountedRoles();

// What decides a point's result under today's schema, as RunSettings::json (core/RunSettings.h).
std::string decidingSettings(const Config& config, const ConfigSchema& schema);

// The point's folder under the experiment folder `run`. A folder named by an older genrep (a key
// added since, so another hash) whose stored config resolves to the same settings today is the
// same point: with `adopt` it is renamed to today's name (said in one line), without it (a dry
// run) its path is returned as it is.
std::filesystem::path pointFolder(const std::filesystem::path& run, const StudyPoint& point, const Config& config,
                                  const ConfigSchema& schema, bool adopt = true);

// A point finished in another experiment folder under `root` with the same method (what a
// method does is not all in its settings: the pixels baseline trains nothing) and the same
// deciding settings, so the same result: σ 0.5 of `sigma` is the stream of `samples`. Empty
// when there is none.
std::filesystem::path finishedTwin(const std::filesystem::path& root, const std::filesystem::path& folder, const std::string& method,
                                   const Config& config, const ConfigSchema& schema);

// Takes the twin's result as the point in `folder`'s (its config and metrics too, its weights
// stay), with "reused_from" naming it. The result is written last, so an interrupted copy
// leaves the point unfinished.
void adoptTwin(const std::filesystem::path& twin, const std::filesystem::path& folder);

}  // namespace genrep
