#include "genrep/core/MetricsLog.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"

namespace genrep {

MetricsLog::MetricsLog(std::filesystem::path file)
    : file_(std::move(file)), start_(std::chrono::steady_clock::now()) {
  out_ = std::fopen(file_.c_str(), "a");
  if (!out_) {
    throw std::runtime_error(fmt::format("cannot open metrics log {}: {}", file_.string(), std::strerror(errno)));
  }
}

void MetricsLog::rewindTo(int64_t step) {
  if (std::fflush(out_) != 0) throw std::runtime_error(fmt::format("cannot write metrics log {}: {}", file_.string(), std::strerror(errno)));
  const std::string text = readFileText(file_);
  std::string kept;
  bool dropped = false;
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t end = text.find('\n', begin);
    if (end == std::string::npos) {  // torn: the writer died before the newline
      dropped = true;
      break;
    }
    const std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || (record.is_object() && record.contains("step") && record["step"].is_number_integer() &&
                                  record["step"].get<int64_t>() > step)) {
      dropped = true;
      continue;
    }
    kept += line + "\n";
  }
  if (!dropped) return;
  std::fclose(out_);
  out_ = nullptr;
  writeFileAtomic(file_, kept);
  out_ = std::fopen(file_.c_str(), "a");
  if (!out_) throw std::runtime_error(fmt::format("cannot open metrics log {}: {}", file_.string(), std::strerror(errno)));
}

MetricsLog::~MetricsLog() {
  if (out_) std::fclose(out_);
}

void MetricsLog::write(nlohmann::json record) {
  if (!record.is_object()) throw std::invalid_argument("MetricsLog: a record must be a JSON object");
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  if (!record.contains("time")) record["time"] = elapsed.count();
  const std::string line = record.dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() || std::fflush(out_) != 0) {
    throw std::runtime_error(fmt::format("cannot write metrics log {}: {}", file_.string(), std::strerror(errno)));
  }
}

}  // namespace genrep
