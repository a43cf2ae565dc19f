#include "genrep/core/RunLock.h"

#include <stdexcept>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

TEST(RunLock, ASecondHolderIsRefusedNamingTheFolderAndTheFirstPid) {
  test::TempDir dir;
  {
    const RunLock first(dir.path());
    EXPECT_EQ(readFileText(dir / RunLock::kFileName), std::to_string(::getpid()) + "\n");
    try {
      const RunLock second(dir.path());
      FAIL() << "a second lock on the same folder";
    } catch (const std::runtime_error& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find(dir.path().string() + " is in use by another genrep process (pid " + std::to_string(::getpid()) + ")"),
                std::string::npos)
          << message;
      EXPECT_NE(message.find("--run-name"), std::string::npos) << message;
    }
  }
  const RunLock again(dir.path());  // released with its holder: the folder can be taken again
  SUCCEED();
}

TEST(RunLock, AFolderThatCannotHoldTheLockIsNamed) {
  test::TempDir dir;
  const auto missing = dir / "no" / "such" / "folder";
  try {
    const RunLock lock(missing);
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot make the run lock " + (missing / RunLock::kFileName).string()), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace genrep
