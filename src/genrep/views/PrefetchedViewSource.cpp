#include "genrep/views/PrefetchedViewSource.h"

#include <dlfcn.h>

#include <stdexcept>

#include <ATen/Parallel.h>
#include <fmt/format.h>

namespace genrep {
namespace {

// LibTorch's CPU build runs its intra-op work (and oneDNN's and OpenBLAS's) on OpenMP, whose
// team size is a per-thread setting; at::set_num_threads would also change the count that every
// thread started later takes, so the producer sets only its own, through the OpenMP runtime
// LibTorch loaded (looked up, not linked: genrep does not choose the runtime).
void setThisThreadsIntraOpThreads(int threads) {
  using SetNumThreads = void (*)(int);
  // Without OpenMP, LibTorch's native pool serves every thread and its size is not this thread's to set.
  if (auto set = reinterpret_cast<SetNumThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"))) set(threads);
}

}  // namespace

PrefetchedViewSource::PrefetchedViewSource(std::unique_ptr<ViewSource> inner, int producerThreads)
    : inner_(std::move(inner)), producerThreads_(producerThreads) {
  if (!inner_) throw std::invalid_argument("PrefetchedViewSource: no source to prefetch from");
  if (producerThreads < 1) throw std::invalid_argument(fmt::format("views.prefetch_threads: {} (needs >= 1)", producerThreads));
  innerDescription_ = inner_->describe();
  classes_ = inner_->classes();
  latentDim_ = inner_->latentDim();
  viewsPerAnchor_ = inner_->viewsPerAnchor();
  channels_ = inner_->channels();
  at::internal::lazy_init_num_threads();  // the trainer's thread takes its count now, not the producer's later
  producer_ = std::thread([this] { produce(); });
}

PrefetchedViewSource::~PrefetchedViewSource() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    pending_.reset();
  }
  changed_.notify_all();
  producer_.join();  // an in-flight batch finishes first: the wrapped source is never abandoned mid-call
}

void PrefetchedViewSource::produce() {
  at::internal::lazy_init_num_threads();
  setThisThreadsIntraOpThreads(producerThreads_);
  // Grad mode is thread-local and on in a new thread: the views need no graph.
  torch::NoGradGuard noGrad;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
    if (stopping_) return;
    const Request job = *pending_;
    pending_.reset();
    busy_ = true;
    lock.unlock();
    ViewBatch made;
    std::exception_ptr error;
    try {
      made = inner_->batch(job.step, job.anchors);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    busy_ = false;
    made_ = job;
    result_ = std::move(made);
    error_ = error;
    changed_.notify_all();
  }
}

void PrefetchedViewSource::request(Request next) {
  pending_ = next;
  changed_.notify_all();
}

ViewBatch PrefetchedViewSource::batch(int64_t step, int64_t anchors) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto answers = [&] { return made_ && made_->step == step && made_->anchors == anchors; };
  const auto inFlight = [&] { return busy_ || pending_.has_value(); };
  changed_.wait(lock, [&] { return !inFlight(); });
  if (!answers()) {  // not prefetched: the first step, a resume, another batch size
    request({step, anchors});
    changed_.wait(lock, [&] { return !inFlight(); });
  }
  ViewBatch out = std::move(result_);
  const std::exception_ptr error = error_;
  made_.reset();
  error_ = nullptr;
  if (error) std::rethrow_exception(error);
  request({step + 1, anchors});
  return out;
}

std::string PrefetchedViewSource::describe() const {
  return fmt::format("{}, prefetched by a producer thread ({} intra-op thread{})", innerDescription_, producerThreads_,
                     producerThreads_ == 1 ? "" : "s");
}

}  // namespace genrep
