#pragma once
// One genrep process per run folder: two commands continuing the same folder (a study started
// twice, `genrep train --run-name x` in two shells) would write over each other's checkpoints
// and results. The lock is an advisory flock on <folder>/.genrep.lock holding the owner's pid;
// the kernel releases it when the process ends, however it ends (kill -9 included), so a
// crashed run never leaves a stale lock behind.
//
//   genrep::RunLock lock(run.path());   // throws std::runtime_error while another process holds it
#include <filesystem>

namespace genrep {

class RunLock {
 public:
  static constexpr const char* kFileName = ".genrep.lock";

  // Throws std::runtime_error naming the folder and the holder's pid when another process (or
  // another RunLock in this one) holds the folder, or when the lock file cannot be made.
  explicit RunLock(const std::filesystem::path& folder);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace genrep
