#include "genrep/core/CheckpointFile.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/Hash.h"
#include "genrep/core/RunSettings.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "checkpoint headers are little-endian; this code copies fields as they lie in memory"
#endif

namespace genrep {
namespace {

template <typename T>
void put(std::string& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
}
template <typename T>
T get(std::string_view bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

// Over the header fields after the magic (versions, step, lengths) and the body.
uint64_t checkpointHash(std::string_view header, std::string_view body) {
  return fnv1a(body.data(), body.size(), fnv1a(header.data() + 8, 40));
}

}  // namespace

std::string encodeCheckpoint(const CheckpointFile& c) {
  std::string bytes(kCheckpointHeaderBytes, '\0');
  std::memcpy(bytes.data(), kCheckpointMagic, sizeof(kCheckpointMagic));
  put<uint32_t>(bytes, 8, kCheckpointFormatVersion);
  put<uint32_t>(bytes, 12, c.payloadVersion);
  put<int64_t>(bytes, 16, c.step);
  put<uint64_t>(bytes, 24, c.kind.size());
  put<uint64_t>(bytes, 32, c.settings.size());
  put<uint64_t>(bytes, 40, c.payload.size());
  bytes.reserve(kCheckpointHeaderBytes + c.kind.size() + c.settings.size() + c.payload.size());
  bytes += c.kind;
  bytes += c.settings;
  bytes += c.payload;
  put<uint64_t>(bytes, 48, checkpointHash(bytes, std::string_view(bytes).substr(kCheckpointHeaderBytes)));
  return bytes;
}

CheckpointFile decodeCheckpoint(std::string_view bytes, const std::string& source) {
  if (bytes.size() < kCheckpointHeaderBytes) {
    throw std::invalid_argument(fmt::format("{}: {} bytes, too short for a checkpoint header (truncated?)", source, bytes.size()));
  }
  if (std::memcmp(bytes.data(), kCheckpointMagic, sizeof(kCheckpointMagic)) != 0) {
    if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) {
      throw std::invalid_argument(fmt::format("{}: a bare LibTorch archive, written by a genrep from before checkpoint format 1; "
                                              "finish that run with the genrep that started it, or start over",
                                              source));
    }
    throw std::invalid_argument(fmt::format("{}: not a genrep checkpoint (wrong magic)", source));
  }
  const auto format = get<uint32_t>(bytes, 8);
  if (format != kCheckpointFormatVersion) {
    throw std::invalid_argument(fmt::format("{}: checkpoint format {} is not supported (this genrep reads format {})", source,
                                            format, kCheckpointFormatVersion));
  }
  const auto kindBytes = get<uint64_t>(bytes, 24), settingsBytes = get<uint64_t>(bytes, 32), payloadBytes = get<uint64_t>(bytes, 40);
  const uint64_t body = bytes.size() - kCheckpointHeaderBytes;
  // Each length alone first, so that their sum cannot overflow.
  if (kindBytes > body || settingsBytes > body || payloadBytes > body || kindBytes + settingsBytes + payloadBytes != body) {
    throw std::invalid_argument(fmt::format("{}: the header declares {} bytes of content, the file holds {} (truncated or damaged)",
                                            source, kindBytes + settingsBytes + payloadBytes, body));
  }
  if (checkpointHash(bytes, bytes.substr(kCheckpointHeaderBytes)) != get<uint64_t>(bytes, 48)) {
    throw std::invalid_argument(fmt::format("{}: the content does not match its hash (damaged)", source));
  }
  CheckpointFile c;
  c.payloadVersion = get<uint32_t>(bytes, 12);
  c.step = get<int64_t>(bytes, 16);
  size_t offset = kCheckpointHeaderBytes;
  c.kind = std::string(bytes.substr(offset, kindBytes));
  offset += kindBytes;
  c.settings = std::string(bytes.substr(offset, settingsBytes));
  offset += settingsBytes;
  c.payload = std::string(bytes.substr(offset, payloadBytes));
  return c;
}

std::filesystem::path previousCheckpointSlot(const std::filesystem::path& file) {
  return file.parent_path() / (file.stem().string() + ".previous" + file.extension().string());
}

void writeCheckpointSlots(const std::filesystem::path& file, const CheckpointFile& checkpoint) {
  AtomicFileWriter out(file);
  out.write(encodeCheckpoint(checkpoint));
  out.commit(previousCheckpointSlot(file));
}

std::optional<CheckpointFile> readLatestCheckpoint(const std::filesystem::path& file, const std::string& kind,
                                                   uint32_t payloadVersion) {
  std::optional<CheckpointFile> latest;
  std::vector<std::string> problems;
  bool any = false;
  for (const std::filesystem::path& slot : {file, previousCheckpointSlot(file)}) {
    std::error_code ec;
    if (!std::filesystem::exists(slot, ec)) continue;
    any = true;
    try {
      const std::vector<uint8_t> bytes = readFileBytes(slot);
      CheckpointFile c = decodeCheckpoint(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), slot.string());
      if (c.kind != kind) {
        throw std::invalid_argument(fmt::format("{}: a {} checkpoint, not {}", slot.string(), c.kind, kind));
      }
      if (c.payloadVersion != payloadVersion) {
        throw std::invalid_argument(fmt::format("{}: {} checkpoint version {} is not supported (this genrep reads version {})",
                                                slot.string(), kind, c.payloadVersion, payloadVersion));
      }
      if (!latest || c.step > latest->step) latest = std::move(c);
    } catch (const std::exception& error) {
      problems.push_back(error.what());
    }
  }
  if (!any) return std::nullopt;
  if (!latest) throw std::invalid_argument(problems.front());
  for (const std::string& problem : problems) {
    std::fprintf(stderr, "warning: skipped an unreadable checkpoint slot: %s\n", problem.c_str());
  }
  return latest;
}

std::optional<CheckpointFile> checkpointToResume(const std::filesystem::path& file, const std::string& kind,
                                                 uint32_t payloadVersion, const RunSettings& settings, bool allowChanges,
                                                 const std::string& resumeKey) {
  std::optional<CheckpointFile> latest;
  try {
    latest = readLatestCheckpoint(file, kind, payloadVersion);
  } catch (const std::exception& error) {
    throw std::invalid_argument(fmt::format("cannot resume: {} (set {}=false to start over)", error.what(), resumeKey));
  }
  if (!latest) return latest;
  const std::vector<std::string> changes = settings.changesSince(latest->settings);
  if (changes.empty()) return latest;
  std::string listed;
  for (size_t i = 0; i < changes.size() && i < 3; ++i) listed += (i ? "; " : "") + changes[i];
  if (changes.size() > 3) listed += fmt::format("; and {} more", changes.size() - 3);
  if (!allowChanges) {
    throw std::invalid_argument(fmt::format("checkpoint {} was made with other settings ({}); use another run.name, set {}=false "
                                            "to start over, or run.resume_changed=true to continue with the new settings",
                                            file.string(), listed, resumeKey));
  }
  std::fprintf(stderr, "warning: resuming %s with changed settings (run.resume_changed=true): %s\n", file.string().c_str(),
               listed.c_str());
  return latest;
}

}  // namespace genrep
