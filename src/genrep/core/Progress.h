#pragma once
// A progress line with rate and ETA for long loops.
// On a terminal it redraws one line in place (at most 10 times a second); when the
// output is a file or pipe it prints a plain line every `logEverySeconds` and at the end,
// so CI logs stay short and readable.
//
//   genrep::Progress progress("decode", files.size(), "img");
//   for (...) { ...; progress.advance(); }
//   progress.finish();
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

namespace genrep {

class Progress {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic

  struct Options {
    std::FILE* out = stderr;
    std::optional<bool> interactive;  // default: whether `out` is a terminal
    double logEverySeconds = 10.0;
    Clock clock;  // default: steady_clock
  };

  Progress(std::string label, int64_t total, std::string unit);
  Progress(std::string label, int64_t total, std::string unit, Options options);
  ~Progress();  // finishes the line if finish() was not called
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(int64_t count = 1);
  // Text shown after the rate and ETA from the next line on ("kNN 71.2 %"); empty = none.
  void setNote(std::string note) { note_ = std::move(note); }
  void finish();

  // "label  1200/60000  (2.0%)  350.1 img/s  ETA 2m49s"; total <= 0 leaves out the share and ETA.
  static std::string formatLine(const std::string& label, int64_t done, int64_t total, double seconds,
                                const std::string& unit);
  static std::string formatDuration(double seconds);  // "45s", "2m49s", "1h02m"

 private:
  void draw(bool final);

  std::string label_;
  int64_t total_;
  std::string unit_;
  std::string note_;
  Options options_;
  bool interactive_;
  int64_t done_ = 0;
  double start_ = 0.0;
  double lastDraw_ = 0.0;
  bool finished_ = false;
};

}  // namespace genrep
