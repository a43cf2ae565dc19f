#pragma once
// Mixing real and synthetic data (the paper's real/synthetic mixing study): each anchor of a step is
// synthetic with probability `share`, real otherwise; both parts keep their own views.
//
//   MixedViewSource source(std::move(generated), std::move(real), 0.5, seed);
#include <memory>

#include "genrep/views/GeneratorViewSource.h"
#include "genrep/views/RealViewSource.h"

namespace genrep {

class MixedViewSource : public ViewSource {
 public:
  // Throws std::invalid_argument unless 0 <= share <= 1 (checkShare).
  MixedViewSource(std::unique_ptr<GeneratorViewSource> generated, std::unique_ptr<RealViewSource> real, double share,
                  uint64_t seed);
  static void checkShare(double share);

  ViewBatch batch(int64_t step, int64_t anchors) override;
  std::string describe() const override;
  int64_t viewsPerAnchor() const override { return real_->viewsPerAnchor(); }
  int64_t channels() const override { return real_->channels(); }
  int64_t classes() const override { return generated_->classes(); }
  int64_t latentDim() const override { return generated_->latentDim(); }

 private:
  std::unique_ptr<GeneratorViewSource> generated_;
  std::unique_ptr<RealViewSource> real_;
  double share_;
  uint64_t seed_;
};

// Anchors of `second` after those of `first`, view by view (ids of `second` shifted).
ViewBatch concatAnchors(const ViewBatch& first, const ViewBatch& second);

}  // namespace genrep
