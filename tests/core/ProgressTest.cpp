#include "genrep/core/Progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace genrep {
namespace {

std::string contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[256];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  return text;
}

TEST(Progress, FormatsRateShareAndEta) {
  EXPECT_EQ(Progress::formatLine("decode", 250, 1000, 2.5, "img"), "decode  250/1000  (25.0%)  100.0 img/s  ETA 8s");
  EXPECT_EQ(Progress::formatLine("decode", 1000, 1000, 4.0, "img"), "decode  1000/1000  (100.0%)  250.0 img/s  in 4s");
  EXPECT_EQ(Progress::formatLine("stream", 30, 0, 3.0, "step"), "stream  30  10.0 step/s  in 3s");
  EXPECT_EQ(Progress::formatLine("x", 0, 10, 0.0, "it"), "x  0/10  (0.0%)  0.0 it/s  ETA ?");
}

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(Progress::formatDuration(45.2), "45s");
  EXPECT_EQ(Progress::formatDuration(169), "2m49s");
  EXPECT_EQ(Progress::formatDuration(3720), "1h02m");
  EXPECT_EQ(Progress::formatDuration(-1), "?");
}

// Not a terminal: a plain line every logEverySeconds and one at the end, no carriage returns.
TEST(Progress, PipeOutputIsPlainLinesAtAnInterval) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  double now = 0.0;
  {
    Progress::Options options;
    options.out = out;
    options.interactive = false;
    options.logEverySeconds = 10.0;
    options.clock = [&now] { return now; };
    Progress progress("work", 100, "it", options);
    for (int i = 0; i < 100; ++i) {
      now += 0.5;  // 50 s in all: lines at 10, 20, 30, 40 s (and 50 s), then the final one
      progress.advance();
    }
    progress.finish();
  }
  const std::string text = contents(out);
  std::fclose(out);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  size_t lines = 0;
  for (const char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 6u) << text;
  EXPECT_NE(text.find("work  100/100  (100.0%)  2.0 it/s  in 50s\n"), std::string::npos) << text;
}

TEST(Progress, TerminalOutputRedrawsOneLine) {
  std::FILE* out = std::tmpfile();
  double now = 0.0;
  {
    Progress::Options options;
    options.out = out;
    options.interactive = true;
    options.clock = [&now] { return now; };
    Progress progress("work", 10, "it", options);
    for (int i = 0; i < 10; ++i) {
      now += 1.0;
      progress.advance();
    }
  }  // the destructor finishes the line
  const std::string text = contents(out);
  std::fclose(out);
  EXPECT_EQ(text.back(), '\n');
  size_t newlines = 0;
  for (const char c : text) newlines += c == '\n';
  EXPECT_EQ(newlines, 1u);
  EXPECT_NE(text.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace genrep
