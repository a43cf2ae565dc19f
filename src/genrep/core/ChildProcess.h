#pragma once
// A program started beside this one, its output in a log file, tied to this process's life:
// it is killed when this process dies (however it dies) and when the handle goes away
// unwaited, so no orphan goes on writing into a folder a later run works in. Linux only
// (prctl PR_SET_PDEATHSIG), as genrep is.
//
//   ChildProcess job({currentExecutable().string(), "experiment", ...}, run / "jobs" / "job-0.log");
//   while (!job.poll()) sleep(1);      // or: int status = job.wait();
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace genrep {

// The running binary's path (/proc/self/exe).
std::filesystem::path currentExecutable();

class ChildProcess {
 public:
  // Starts argv[0] (a path) with argv; stdout and stderr go to `log` (created or truncated).
  // Throws std::runtime_error naming the program or the log when it cannot start.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~ChildProcess();  // kills and reaps a child still running
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The exit status once it has ended (128 + N when killed by signal N); nullopt while it runs.
  std::optional<int> poll();
  int wait();
  void kill();  // SIGKILL; poll() or wait() then give its status

 private:
  int pid_ = -1;
  std::optional<int> status_;
};

}  // namespace genrep
