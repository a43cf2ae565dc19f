#include "genrep/core/AtomicFile.h"

#include <fcntl.h>
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

std::filesystem::path temporaryPathFor(const std::filesystem::path& target) {
  static std::atomic<uint64_t> counter{0};
  return target.parent_path() /
         fmt::format(".{}.tmp.{}.{}", target.filename().string(), ::getpid(), counter++);
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

void AtomicFileWriter::commit() {
  if (committed_) return;
  if (::fsync(fd_) != 0) throw fileError("cannot flush", temporary_);
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw fileError("cannot close", temporary_);
  }
  fd_ = -1;
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    throw fileError(fmt::format("cannot rename {} to", temporary_.string()), target_);
  }
  committed_ = true;
  fsyncFolder(target_.parent_path());
}

void writeFileAtomic(const std::filesystem::path& target, std::string_view data) {
  AtomicFileWriter out(target);
  out.write(data);
  out.commit();
}

}  // namespace genrep
