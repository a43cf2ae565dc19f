#include "genrep/core/AtomicFile.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace genrep {
namespace {

std::runtime_error fileError(const std::string& what, const std::filesystem::path& file) {
  return std::runtime_error(fmt::format("{} {}: {}", what, file.string(), std::strerror(errno)));
}

constexpr const char* kTemporaryTag = ".tmp.";

// ".<name>.tmp.<pid>.<n>": hidden, and it names the process that writes it.
std::filesystem::path temporaryPathFor(const std::filesystem::path& target) {
  static std::atomic<uint64_t> counter{0};
  return target.parent_path() /
         fmt::format(".{}{}{}.{}", target.filename().string(), kTemporaryTag, ::getpid(), counter++);
}

// The writer's process id of a temporary's file name, 0 when the name is not one.
pid_t writerOf(const std::string& name) {
  if (name.empty() || name[0] != '.') return 0;
  const size_t tag = name.rfind(kTemporaryTag);
  if (tag == std::string::npos) return 0;
  const size_t pidStart = tag + std::char_traits<char>::length(kTemporaryTag);
  const size_t dot = name.find('.', pidStart);
  if (dot == std::string::npos || dot == pidStart) return 0;
  long pid = 0;
  for (size_t i = pidStart; i < dot; ++i) {
    if (name[i] < '0' || name[i] > '9' || pid > 1L << 30) return 0;
    pid = pid * 10 + (name[i] - '0');
  }
  for (size_t i = dot + 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
  }
  return dot + 1 < name.size() ? static_cast<pid_t>(pid) : 0;
}

void fsyncFolder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // some file systems refuse; the rename has happened anyway
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::filesystem::path target)
    : target_(std::move(target)), temporary_(temporaryPathFor(target_)) {
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) throw fileError("cannot create", temporary_);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temporary_.c_str());
}

void AtomicFileWriter::write(const void* data, size_t size) {
  if (committed_ || fd_ < 0) {
    throw std::logic_error(fmt::format("AtomicFileWriter: write after commit of {}", target_.string()));
  }
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd_, bytes, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw fileError("cannot write", temporary_);
    }
    bytes += written;
    size -= static_cast<size_t>(written);
  }
}

void AtomicFileWriter::commit() { commit({}); }

void AtomicFileWriter::commit(const std::filesystem::path& previous) {
  if (committed_) return;
  if (::fsync(fd_) != 0) throw fileError("cannot flush", temporary_);
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw fileError("cannot close", temporary_);
  }
  fd_ = -1;
  std::error_code ec;
  if (!previous.empty() && std::filesystem::exists(target_, ec) && std::rename(target_.c_str(), previous.c_str()) != 0) {
    throw fileError(fmt::format("cannot rename {} to", target_.string()), previous);
  }
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    throw fileError(fmt::format("cannot rename {} to", temporary_.string()), target_);
  }
  committed_ = true;
  fsyncFolder(target_.parent_path());
  // What killed writers of this same file left behind is garbage now that it is complete;
  // without this, a folder that only its writer visits (an encoder's, a generator's) would
  // keep them for good.
  removeStaleTemporaries(target_.parent_path(), "." + target_.filename().string() + kTemporaryTag);
}

void writeFileAtomic(const std::filesystem::path& target, std::string_view data) {
  AtomicFileWriter out(target);
  out.write(data);
  out.commit();
}

size_t removeStaleTemporaries(const std::filesystem::path& folder, const std::string& prefix) {
  std::error_code ec;
  size_t removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder.empty() ? std::filesystem::path(".") : folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const pid_t writer = writerOf(name);
    if (writer <= 0 || writer == ::getpid()) continue;
    // kill(pid, 0) probes without sending: ESRCH = no such process, so nobody will commit it.
    if (::kill(writer, 0) == 0 || errno != ESRCH) continue;
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace genrep
