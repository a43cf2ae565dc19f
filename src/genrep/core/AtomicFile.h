#pragma once
// Atomic file writes: readers see the old file or the complete new one, never a part.
// The data goes to a temporary file in the same folder, is fsync'ed, then renamed over
// the target (and the folder fsync'ed so the rename itself survives a power cut).
//
//   genrep::writeFileAtomic(runDir / "info.json", json.dump(2));
//
//   genrep::AtomicFileWriter out(path);   // for data written piece by piece
//   out.write(header); out.write(payload);
//   out.commit();                         // without commit() the target stays untouched
//
//   genrep::removeStaleTemporaries(runDir);  // what a writer killed mid-write left behind
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace genrep {

class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path target);
  ~AtomicFileWriter();  // removes the temporary file unless commit() succeeded
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view data) { write(data.data(), data.size()); }
  void commit();
  // As commit(), and the file the target held (if any) is renamed to `previous` first, so
  // at every moment one of the two names holds a complete file.
  void commit(const std::filesystem::path& previous);

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temporary() const { return temporary_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  bool committed_ = false;
};

void writeFileAtomic(const std::filesystem::path& target, std::string_view data);

// Deletes the temporaries of writers that were killed before commit() (their process no
// longer runs) from `folder`, those whose name starts with `prefix`; returns how many.
// Complete files are never touched. commit() does this for the file it wrote.
size_t removeStaleTemporaries(const std::filesystem::path& folder, const std::string& prefix = "");

}  // namespace genrep
