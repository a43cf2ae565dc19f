#pragma once
// Views of step t+1 made while the encoder trains on step t, as a DataLoader worker does: a
// producer thread owns the wrapped source and runs its batch(t + 1) with its own intra-op
// threads (`producerThreads`) as soon as batch(t) is handed out. Every batch is still the
// wrapped source's pure function of (seed, step), so a prefetched run sees the views of an
// unprefetched one (bit for bit in tests/views/PrefetchedViewSourceTest.cpp; the producer's
// thread count differs from the trainer's, so a kernel whose rounding depends on the thread
// count could move the last bits, as run.threads can); a step that is not the
// successor of the last one (the first step, a resume) is made on the producer and waited for.
//
// The batch's generateSeconds / augmentSeconds are the producer's work, which overlaps the
// step; the time the trainer waits for a batch is what the step pays.
//
//   PrefetchedViewSource source(std::make_unique<GeneratorViewSource>(g, options, device), 1);
//   ViewBatch b = source.batch(step, 256);   // and batch(step + 1, 256) starts on the producer
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "genrep/views/ViewSource.h"

namespace genrep {

class PrefetchedViewSource : public ViewSource {
 public:
  // Throws std::invalid_argument unless producerThreads >= 1.
  PrefetchedViewSource(std::unique_ptr<ViewSource> inner, int producerThreads);
  ~PrefetchedViewSource() override;
  PrefetchedViewSource(const PrefetchedViewSource&) = delete;
  PrefetchedViewSource& operator=(const PrefetchedViewSource&) = delete;

  // Rethrows what the wrapped source threw for this step.
  ViewBatch batch(int64_t step, int64_t anchors) override;
  std::string describe() const override;
  int64_t classes() const override { return classes_; }
  int64_t latentDim() const override { return latentDim_; }
  int64_t viewsPerAnchor() const override { return viewsPerAnchor_; }
  int64_t channels() const override { return channels_; }

 private:
  struct Request {
    int64_t step = 0, anchors = 0;
  };
  void produce();  // the producer thread's loop
  void request(Request next);

  std::unique_ptr<ViewSource> inner_;  // used by the producer thread only (after construction)
  int producerThreads_;
  std::string innerDescription_;
  int64_t classes_, latentDim_, viewsPerAnchor_, channels_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Request> pending_;  // asked for, not yet started
  std::optional<Request> made_;     // what `result_` / `error_` answer
  ViewBatch result_;
  std::exception_ptr error_;
  bool busy_ = false, stopping_ = false;
  std::thread producer_;
};

}  // namespace genrep
