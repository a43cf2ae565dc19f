#include "genrep/eval/KnnMonitor.h"

#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "genrep/core/FileIO.h"
#include "genrep/data/ImageTensor.h"
#include "genrep/eval/FeatureSet.h"
#include "genrep/eval/KnnProbe.h"
#include "genrep/learn/EncoderTrainer.h"
#include "genrep/views/RealViewSource.h"
#include "support/Fixtures.h"
#include "support/TinyDataset.h"

namespace genrep {
namespace {

constexpr EncoderArch kTinyArch{1, 2, 1, 4};

ResNetEncoder seededEncoder() {
  torch::manual_seed(3);
  return ResNetEncoder(kTinyArch);
}

TEST(KnnMonitor, ReadsKnnOnTheWholeSubsetsAndLeavesTheEncoderAsItWas) {
  const RealDataset data = test::tinyDataset(80, 8, 2, 8);
  KnnMonitorOptions options;
  options.bankImages = 0;  // every fit image
  options.queryImages = 0;  // every validation image
  options.k = 5;
  KnnMonitor monitor(data, options);
  const ImageArray fit = data.train.select(data.split.kept), val = data.train.select(data.split.held);
  EXPECT_EQ(monitor.bankImages(), fit.count);
  EXPECT_EQ(monitor.queryImages(), val.count);

  ResNetEncoder encoder = seededEncoder();
  encoder->train();
  const auto before = encoder->named_buffers();
  std::vector<torch::Tensor> kept;
  for (const auto& item : before) kept.push_back(item.value().clone());
  const double top1 = monitor.accuracy(encoder);
  EXPECT_TRUE(encoder->is_training()) << "a reading leaves the encoder in the mode it found it in";
  size_t i = 0;
  for (const auto& item : encoder->named_buffers()) EXPECT_TRUE(torch::equal(item.value(), kept[i++])) << item.key();

  // The same reading by hand: features of the two subsets, then the weighted kNN.
  const torch::Tensor bank = encodeImages(encoder, imagesToTensor(fit), 500, torch::kCPU);
  const torch::Tensor queries = encodeImages(encoder, imagesToTensor(val), 500, torch::kCPU);
  EXPECT_DOUBLE_EQ(top1, knnAccuracy(bank, labelsToTensor(fit), queries, labelsToTensor(val), 2, 5, 0.1));
  encoder->train();
  EXPECT_DOUBLE_EQ(monitor.accuracy(encoder), top1) << "fixed subsets: the same weights read the same";
}

TEST(KnnMonitor, AMonitoredRunTrainsTheSameWeightsAndLogsEachReading) {
  const RealDataset data = test::tinyDataset(64, 8, 2, 8);
  RealViewSource source(data.train.select(data.split.kept), 2, PixelViewOptions(), 2, 4, torch::kCPU);
  EncoderTrainingOptions options;
  options.steps = 7;
  options.batch = 16;
  options.lrPer256 = 1.0;
  options.logEvery = 3;
  options.checkpointEvery = 100;
  options.monitorEvery = 3;
  KnnMonitorOptions monitorOptions;
  monitorOptions.k = 5;
  KnnMonitor monitor(data, monitorOptions);
  int64_t readings = 0;
  const EncoderMonitor reading = [&](ResNetEncoder& e) {
    ++readings;
    return monitor.accuracy(e);
  };

  test::TempDir plainDir, monitoredDir;
  ResNetEncoder plain = seededEncoder(), monitored = seededEncoder();
  const auto objective = [] {
    torch::manual_seed(4);
    return makeObjective({ObjectiveKind::SimClr, 0.1, 0.07, 8}, kTinyArch.featureDim(), 2, 0);
  };
  MetricsLog plainLog(plainDir / "metrics.jsonl"), monitoredLog(monitoredDir / "metrics.jsonl");
  trainEncoder(plain, *objective(), source, options, plainDir / "checkpoint.pt", plainLog);
  const EncoderTrainingResult r = trainEncoder(monitored, *objective(), source, options, monitoredDir / "checkpoint.pt", monitoredLog, reading);

  const auto a = plain->named_parameters(), b = monitored->named_parameters();
  for (const auto& item : a) EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
  const auto ab = plain->named_buffers(), bb = monitored->named_buffers();
  for (const auto& item : ab) EXPECT_TRUE(torch::equal(item.value(), bb[item.key()])) << item.key();

  EXPECT_EQ(readings, 3) << "steps 3, 6 and the last";
  std::vector<int64_t> steps;
  std::istringstream lines(readFileText(monitoredDir / "metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record.value("event", "") != "monitor") continue;
    steps.push_back(record["step"].get<int64_t>());
    EXPECT_GE(record["knn_top1"].get<double>(), 0.0);
    EXPECT_LE(record["knn_top1"].get<double>(), 1.0);
    EXPECT_GE(record["monitor_seconds"].get<double>(), 0.0);
  }
  EXPECT_EQ(steps, (std::vector<int64_t>{3, 6, 7}));
  EXPECT_GT(r.monitorSeconds, 0.0);
}

TEST(KnnMonitor, RefusesDataItCannotRead) {
  RealDataset unlabelled = test::tinyDataset(20, 4, 2, 8);
  RealDataset noValidation = unlabelled;
  unlabelled.classNames.clear();
  noValidation.split.held.clear();
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { KnnMonitor(unlabelled, {}); }).find("needs a labelled dataset"), std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([&] { KnnMonitor(noValidation, {}); }).find("data.val_fraction"), std::string::npos);
}

}  // namespace
}  // namespace genrep
