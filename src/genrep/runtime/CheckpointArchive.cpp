#include "genrep/runtime/CheckpointArchive.h"

#include <sstream>

namespace genrep {

void CheckpointWriter::commit(const std::filesystem::path& file, CheckpointFile header) {
  std::ostringstream bytes;
  archive_.save_to(bytes);
  header.payload = bytes.str();
  writeCheckpointSlots(file, header);
}

CheckpointReader::CheckpointReader(const CheckpointFile& checkpoint) {
  std::istringstream in(checkpoint.payload);
  archive_.load_from(in);
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
