#include "genrep/core/MetricsLog.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace genrep {

MetricsLog::MetricsLog(std::filesystem::path file)
    : file_(std::move(file)), start_(std::chrono::steady_clock::now()) {
  out_ = std::fopen(file_.c_str(), "a");
  if (!out_) {
    throw std::runtime_error(fmt::format("cannot open metrics log {}: {}", file_.string(), std::strerror(errno)));
  }
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
