#include "genrep/core/CheckpointFile.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/core/Config.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/RunSettings.h"
#include "support/Fixtures.h"

namespace genrep {
namespace {

CheckpointFile sample(int64_t step) { return {"encoder-training", 1, step, "{\"learn.steps\":10}", std::string("\0payload\xff", 9)}; }

void expectSame(const CheckpointFile& a, const CheckpointFile& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.payloadVersion, b.payloadVersion);
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.settings, b.settings);
  EXPECT_EQ(a.payload, b.payload);
}

TEST(CheckpointFile, EncodesAndDecodesEveryField) {
  const std::string bytes = encodeCheckpoint(sample(42));
  EXPECT_EQ(bytes.size(), kCheckpointHeaderBytes + 16 + 18 + 9);
  EXPECT_EQ(bytes.substr(0, 8), std::string("GRCKPT\r\n"));
  expectSame(decodeCheckpoint(bytes, "c"), sample(42));
}

TEST(CheckpointFile, RefusesTruncatedDamagedAndForeignFiles) {
  const std::string bytes = encodeCheckpoint(sample(7));
  const auto error = [](const std::string& b) { return test::errorOf<std::invalid_argument>([&] { decodeCheckpoint(b, "ck.pt"); }); };
  EXPECT_NE(error(bytes.substr(0, 20)).find("ck.pt: 20 bytes, too short"), std::string::npos);
  EXPECT_NE(error(bytes.substr(0, bytes.size() - 1)).find("truncated or damaged"), std::string::npos);
  EXPECT_NE(error(bytes + "x").find("truncated or damaged"), std::string::npos);
  for (const size_t at : {size_t{12}, size_t{16}, size_t{50}, kCheckpointHeaderBytes + 3, bytes.size() - 1}) {
    std::string flipped = bytes;
    flipped[at] ^= 0x01;
    EXPECT_NE(error(flipped).find("does not match its hash"), std::string::npos) << "byte " << at;
  }
  std::string lengths = bytes;
  lengths[24] ^= 0x01;  // a length: the sizes no longer add up
  EXPECT_NE(error(lengths).find("truncated or damaged"), std::string::npos);
  std::string format = bytes;
  format[8] = 9;
  EXPECT_NE(error(format).find("checkpoint format 9 is not supported"), std::string::npos);
  EXPECT_NE(error(std::string(80, 'x')).find("wrong magic"), std::string::npos);
  EXPECT_NE(error(std::string("PK\x03\x04") + std::string(80, '\0')).find("from before checkpoint format 1"), std::string::npos);
}

TEST(CheckpointFile, TwoSlotsKeepTheCheckpointBeforeTheLatest) {
  test::TempDir dir;
  const std::filesystem::path file = dir / "checkpoint.pt";
  EXPECT_EQ(previousCheckpointSlot(file), dir / "checkpoint.previous.pt");
  EXPECT_FALSE(readLatestCheckpoint(file, "encoder-training", 1).has_value());
  for (int64_t step : {10, 20, 30}) writeCheckpointSlots(file, sample(step));
  EXPECT_EQ(readLatestCheckpoint(file, "encoder-training", 1)->step, 30);
  EXPECT_EQ(decodeCheckpoint(readFileText(previousCheckpointSlot(file)), "previous").step, 20);

  // The latest damaged (a torn write on a file system without atomic rename, a bad sector):
  // the previous slot is used.
  std::string bytes = readFileText(file);
  test::writeText(file, bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(readLatestCheckpoint(file, "encoder-training", 1)->step, 20);
  // A crash between the two renames leaves only the previous slot.
  std::filesystem::remove(file);
  EXPECT_EQ(readLatestCheckpoint(file, "encoder-training", 1)->step, 20);
  // Both unreadable: refused, naming the file.
  test::writeText(previousCheckpointSlot(file), "garbage");
  const std::string error = test::errorOf<std::invalid_argument>([&] { readLatestCheckpoint(file, "encoder-training", 1); });
  EXPECT_NE(error.find("checkpoint.previous.pt"), std::string::npos) << error;
}

TEST(CheckpointFile, AnotherKindOrPayloadVersionIsRefused) {
  test::TempDir dir;
  writeCheckpointSlots(dir / "c.pt", sample(1));
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { readLatestCheckpoint(dir / "c.pt", "gan-training", 1); })
                .find("a encoder-training checkpoint, not gan-training"),
            std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { readLatestCheckpoint(dir / "c.pt", "encoder-training", 2); })
                .find("version 1 is not supported"),
            std::string::npos);
}

TEST(CheckpointFile, ResumingChecksTheSettings) {
  ConfigSchema schema;
  schema.addInt("learn.steps", 10, "steps");
  schema.addInt("run.threads", 0, "operational");
  schema.addInt("run.seed", 0, "seed");
  const auto settings = [&](const std::vector<std::string>& overrides) {
    return RunSettings(Config::fromToml(schema, "", "test", overrides), schema, {"learn"});
  };
  test::TempDir dir;
  CheckpointFile c = sample(5);
  c.settings = settings({"learn.steps=12"}).json();
  writeCheckpointSlots(dir / "c.pt", c);
  EXPECT_EQ(checkpointToResume(dir / "c.pt", "encoder-training", 1, settings({"learn.steps=12", "run.threads=1"}), false,
                               "learn.resume")
                ->step,
            5);
  const std::string refusal = test::errorOf<std::invalid_argument>(
      [&] { checkpointToResume(dir / "c.pt", "encoder-training", 1, settings({"run.seed=2"}), false, "learn.resume"); });
  EXPECT_NE(refusal.find("other settings (learn.steps: 12 -> 10; run.seed: 0 -> 2)"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("learn.resume=false"), std::string::npos) << refusal;
  EXPECT_EQ(checkpointToResume(dir / "c.pt", "encoder-training", 1, settings({"run.seed=2"}), true, "learn.resume")->step, 5);
  test::writeText(dir / "c.pt", "garbage");
  const std::string unreadable = test::errorOf<std::invalid_argument>(
      [&] { checkpointToResume(dir / "c.pt", "encoder-training", 1, settings({}), false, "learn.resume"); });
  EXPECT_EQ(unreadable.rfind("cannot resume: " + (dir / "c.pt").string() + ": 7 bytes", 0), 0u) << unreadable;
  EXPECT_NE(unreadable.find("(set learn.resume=false to start over)"), std::string::npos) << unreadable;
}

}  // namespace
}  // namespace genrep
