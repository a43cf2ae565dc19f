#include "genrep/core/ChildProcess.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

TEST(ChildProcess, GivesItsStatusAndItsOutputInTheLog) {
  test::TempDir dir;
  ChildProcess child({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, dir / "child.log");
  EXPECT_EQ(child.wait(), 3);
  EXPECT_EQ(child.poll(), 3);
  EXPECT_EQ(readFileText(dir / "child.log"), "out\nerr\n");

  ChildProcess missing({(dir / "no-such-program").string()}, dir / "missing.log");
  EXPECT_EQ(missing.wait(), 127);
  EXPECT_NE(readFileText(dir / "missing.log").find("cannot execute"), std::string::npos);
  EXPECT_THROW(ChildProcess({"/bin/true"}, dir / "no-such-folder" / "x.log"), std::runtime_error);
}

TEST(ChildProcess, IsKilledOnRequestAndWhenItsParentDies) {
  test::TempDir dir;
  ChildProcess sleeper({"/bin/sleep", "30"}, dir / "sleep.log");
  EXPECT_FALSE(sleeper.poll());
  sleeper.kill();
  EXPECT_EQ(sleeper.wait(), 128 + SIGKILL);

  // A parent that starts a child and dies at once (as a kill -9 of `genrep experiment --jobs`
  // would): the child goes with it instead of working on as an orphan.
  const pid_t parent = ::fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    ChildProcess orphan({"/bin/sh", "-c", "echo $$ > " + (dir / "pid").string() + "; exec sleep 30"}, dir / "orphan.log");
    for (int i = 0; i < 500 && !std::ifstream(dir / "pid").good(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::_exit(0);  // no destructor: only the parent's death can end the child
  }
  int status = 0;
  ::waitpid(parent, &status, 0);
  const pid_t child = std::stoi(readFileText(dir / "pid"));
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    // Ended: no longer there, or a zombie where no init reaps it (a container's).
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string pid, name, state;
    gone = !(stat >> pid >> name >> state) || state == "Z";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "the child of a dead parent still runs";
  if (!gone) ::kill(child, SIGKILL);
}

}  // namespace
}  // namespace genrep
