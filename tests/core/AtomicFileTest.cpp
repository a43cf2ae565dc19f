#include "genrep/core/AtomicFile.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

size_t filesIn(const std::filesystem::path& folder) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++n;
  return n;
}

TEST(AtomicFile, WritesNewFileAndReplacesOldOne) {
  test::TempDir dir;
  writeFileAtomic(dir / "out.json", "first");
  EXPECT_EQ(readFileText(dir / "out.json"), "first");
  writeFileAtomic(dir / "out.json", "second, longer");
  EXPECT_EQ(readFileText(dir / "out.json"), "second, longer");
  EXPECT_EQ(filesIn(dir.path()), 1u) << "no temporary file may be left behind";
}

TEST(AtomicFile, WriterWithoutCommitLeavesOldFileIntact) {
  test::TempDir dir;
  writeFileAtomic(dir / "ckpt", "old contents");
  {
    AtomicFileWriter out(dir / "ckpt");
    out.write("new contents that never get committed");
    EXPECT_TRUE(std::filesystem::exists(out.temporary()));
  }
  EXPECT_EQ(readFileText(dir / "ckpt"), "old contents");
  EXPECT_EQ(filesIn(dir.path()), 1u);
}

// A process killed between writing and renaming (kill -9: no destructor runs) leaves the
// old file whole; only a stray temporary file remains.
TEST(AtomicFile, ProcessKilledBeforeRenameLeavesOldFileIntact) {
  test::TempDir dir;
  writeFileAtomic(dir / "ckpt", "old contents");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    AtomicFileWriter out(dir / "ckpt");
    out.write(std::string(1 << 20, 'x'));
    ::raise(SIGKILL);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_EQ(readFileText(dir / "ckpt"), "old contents");
  EXPECT_EQ(filesIn(dir.path()), 2u) << "the killed writer's temporary file stays, the target is untouched";

  // The next run clears it: its writer no longer runs. Files of live writers stay.
  test::writeText(dir / (".other.tmp." + std::to_string(::getppid()) + ".0"), "a live process's");
  test::writeText(dir / ".notes.tmp.txt", "not a temporary's name");
  EXPECT_EQ(removeStaleTemporaries(dir.path()), 1u);
  EXPECT_EQ(filesIn(dir.path()), 3u);
  EXPECT_EQ(readFileText(dir / "ckpt"), "old contents");
}

// A folder no later run cleans (an encoder's) must not keep a killed writer's temporary: the
// next complete write of the same file removes it, and only those of that file.
TEST(AtomicFile, ACommitRemovesWhatKilledWritersOfTheSameFileLeft) {
  test::TempDir dir;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);  // a process id that no longer runs
  const std::string dead = std::to_string(child);
  test::writeText(dir / (".encoder.pt.tmp." + dead + ".3"), "torn");
  test::writeText(dir / (".encoder.json.tmp." + dead + ".4"), "another file's");
  writeFileAtomic(dir / "encoder.pt", "whole");
  EXPECT_FALSE(std::filesystem::exists(dir / (".encoder.pt.tmp." + dead + ".3")));
  EXPECT_TRUE(std::filesystem::exists(dir / (".encoder.json.tmp." + dead + ".4")));
  EXPECT_EQ(readFileText(dir / "encoder.pt"), "whole");
}

TEST(AtomicFile, CommitKeepsTheReplacedFileUnderAnotherName) {
  test::TempDir dir;
  AtomicFileWriter first(dir / "ckpt");
  first.write("one");
  first.commit(dir / "ckpt.previous");
  EXPECT_FALSE(std::filesystem::exists(dir / "ckpt.previous")) << "nothing to keep the first time";
  AtomicFileWriter second(dir / "ckpt");
  second.write("two");
  second.commit(dir / "ckpt.previous");
  EXPECT_EQ(readFileText(dir / "ckpt"), "two");
  EXPECT_EQ(readFileText(dir / "ckpt.previous"), "one");
  EXPECT_EQ(filesIn(dir.path()), 2u);
}

TEST(AtomicFile, MissingFolderIsAnErrorNamingThePath) {
  test::TempDir dir;
  try {
    writeFileAtomic(dir / "no-such-folder" / "out.txt", "x");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("no-such-folder"), std::string::npos) << error.what();
  }
}

TEST(AtomicFile, CommitTwiceIsHarmlessAndWriteAfterCommitThrows) {
  test::TempDir dir;
  AtomicFileWriter out(dir / "a");
  out.write("abc");
  out.commit();
  out.commit();
  EXPECT_THROW(out.write("more"), std::logic_error);
  EXPECT_EQ(readFileText(dir / "a"), "abc");
}

TEST(FileIO, ReadErrorsNameTheFile) {
  test::TempDir dir;
  try {
    readFileBytes(dir / "absent.bin");
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("absent.bin"), std::string::npos);
  }
  // A folder where a file is expected (root may read any file, so this is the unreadable case).
  try {
    readFileBytes(dir.path());
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("directory"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace genrep
