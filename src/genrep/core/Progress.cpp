#include "genrep/core/Progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>

#include <fmt/format.h>

namespace genrep {
namespace {

double steadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Progress::Progress(std::string label, int64_t total, std::string unit)
    : Progress(std::move(label), total, std::move(unit), Options{}) {}

Progress::Progress(std::string label, int64_t total, std::string unit, Options options)
    : label_(std::move(label)), total_(total), unit_(std::move(unit)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = steadySeconds;
  interactive_ = options_.interactive.value_or(::isatty(::fileno(options_.out)) == 1);
  start_ = options_.clock();
  lastDraw_ = start_;
}

Progress::~Progress() {
  if (!finished_) finish();
}

void Progress::advance(int64_t count) {
  done_ += count;
  const double now = options_.clock();
  const double interval = interactive_ ? 0.1 : options_.logEverySeconds;
  if (now - lastDraw_ >= interval) {
    lastDraw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final) {
  const std::string line = formatLine(label_, done_, total_, options_.clock() - start_, unit_) + (note_.empty() ? "" : "  " + note_);
  if (interactive_) {
    // \33[2K clears the rest of a longer previous line.
    fmt::print(options_.out, "\r\33[2K{}{}", line, final ? "\n" : "");
  } else {
    fmt::print(options_.out, "{}\n", line);
  }
  std::fflush(options_.out);
}

std::string Progress::formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<int64_t>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string Progress::formatLine(const std::string& label, int64_t done, int64_t total, double seconds,
                                 const std::string& unit) {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  std::string line = total > 0 ? fmt::format("{}  {}/{}  ({:.1f}%)", label, done, total,
                                             100.0 * static_cast<double>(done) / static_cast<double>(total))
                               : fmt::format("{}  {}", label, done);
  line += fmt::format("  {:.1f} {}/s", rate, unit);
  if (total > 0 && done < total) {
    line += "  ETA " + (rate > 0 ? formatDuration(static_cast<double>(total - done) / rate) : std::string("?"));
  } else {
    line += "  in " + formatDuration(seconds);
  }
  return line;
}

}  // namespace genrep
