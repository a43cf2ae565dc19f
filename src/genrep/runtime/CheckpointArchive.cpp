#include "genrep/runtime/CheckpointArchive.h"

#include <sstream>
#include <stdexcept>

namespace genrep {

void CheckpointWriter::commit(const std::filesystem::path& file, CheckpointFile header) {
  std::ostringstream bytes;
  archive_.save_to(bytes);
  header.payload = bytes.str();
  writeCheckpointSlots(file, header);
}

CheckpointReader::CheckpointReader(const CheckpointFile& checkpoint) {
  std::istringstream in(checkpoint.payload);
  try {
    archive_.load_from(in);
  } catch (const c10::Error& error) {  // LibTorch's own, with a stack trace: the first line says it
    const std::string message = error.what();
    throw std::runtime_error("its payload is not a LibTorch archive: " + message.substr(0, message.find('\n')));
  }
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
