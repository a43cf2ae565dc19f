#include "genrep/runtime/CheckpointArchive.h"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"

namespace genrep {

CheckpointWriter::CheckpointWriter(const std::string& versionKey, int64_t version) {
  archive_.write(versionKey, torch::tensor(version));
}

void CheckpointWriter::commit(const std::filesystem::path& file) {
  std::ostringstream bytes;
  archive_.save_to(bytes);
  writeFileAtomic(file, bytes.str());
}

CheckpointReader::CheckpointReader(const std::filesystem::path& file, const std::string& versionKey, int64_t version) {
  std::istringstream in(readFileText(file));
  archive_.load_from(in);
  const int64_t found = tensor(versionKey).item<int64_t>();
  if (found != version) throw std::runtime_error(fmt::format("checkpoint version {} is not {}", found, version));
}

torch::Tensor CheckpointReader::tensor(const std::string& name) {
  torch::Tensor value;
  archive_.read(name, value);
  return value;
}

c10::IValue CheckpointReader::value(const std::string& name) {
  c10::IValue value;
  archive_.read(name, value);
  return value;
}

}  // namespace genrep
