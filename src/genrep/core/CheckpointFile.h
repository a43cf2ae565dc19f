#pragma once
// Training checkpoints on disk: a fixed-width header around an opaque payload (the LibTorch
// archive of weights, optimisers and random states), kept in two slots so that a damaged or
// half-written latest checkpoint falls back to the one before it. The header can be read
// and checked without LibTorch; a truncated or damaged file is refused before its payload
// is parsed. Layout (little-endian; docs/reliability.md):
//
//   offset size
//    0      8   magic "GRCKPT\r\n"
//    8      4   uint32 format version (1)
//   12      4   uint32 the trainer's own payload version
//   16      8   int64  step
//   24      8   uint64 K, bytes of kind   (what wrote it: "encoder-training", "gan-training")
//   32      8   uint64 S, bytes of settings (JSON: the settings that decide the result)
//   40      8   uint64 P, bytes of payload
//   48      8   uint64 FNV-1a 64 over bytes 8..48, then kind, settings and payload
//   56      K+S+P   kind, settings, payload
//
//   CheckpointFile c{"encoder-training", 1, step, settingsJson, payloadBytes};
//   writeCheckpointSlots("runs/x/checkpoint.pt", c);   // the old one becomes checkpoint.previous.pt
//   std::optional<CheckpointFile> last = readLatestCheckpoint("runs/x/checkpoint.pt", "encoder-training");
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace genrep {

class RunSettings;

inline constexpr char kCheckpointMagic[8] = {'G', 'R', 'C', 'K', 'P', 'T', '\r', '\n'};
inline constexpr uint32_t kCheckpointFormatVersion = 1;
inline constexpr size_t kCheckpointHeaderBytes = 56;

struct CheckpointFile {
  std::string kind;
  uint32_t payloadVersion = 0;
  int64_t step = 0;
  std::string settings;  // JSON object text
  std::string payload;
};

std::string encodeCheckpoint(const CheckpointFile& checkpoint);
// Throws std::invalid_argument naming `source` for a wrong magic, an unknown format version,
// a truncated file or a hash mismatch.
CheckpointFile decodeCheckpoint(std::string_view bytes, const std::string& source);

// The slot that holds the checkpoint before the latest: "<stem>.previous<ext>".
std::filesystem::path previousCheckpointSlot(const std::filesystem::path& file);

// Atomically replaces `file`, keeping the checkpoint it held as the previous slot.
void writeCheckpointSlots(const std::filesystem::path& file, const CheckpointFile& checkpoint);

// The newest readable checkpoint of `kind` among `file` and its previous slot; nullopt when
// neither exists. A slot that cannot be read is skipped with a warning on stderr naming it;
// when every existing slot is unreadable, or holds another kind or payload version, throws
// std::invalid_argument naming the file.
std::optional<CheckpointFile> readLatestCheckpoint(const std::filesystem::path& file, const std::string& kind,
                                                   uint32_t payloadVersion);

// What a trainer resumes from: readLatestCheckpoint, checked against the run's settings.
// Settings that changed since the checkpoint are refused (std::invalid_argument listing them)
// unless `allowChanges`, which prints them and goes on. Every error names the file and ends
// with `resumeKey` (e.g. "learn.resume"), the key that starts over instead.
std::optional<CheckpointFile> checkpointToResume(const std::filesystem::path& file, const std::string& kind,
                                                 uint32_t payloadVersion, const RunSettings& settings, bool allowChanges,
                                                 const std::string& resumeKey);

}  // namespace genrep
