#pragma once
// A ViewSource around another that hands on everything; a test overrides batch() to change
// what one step yields (an interruption, a NaN, a dying rank).
#include "genrep/views/ViewSource.h"

namespace genrep::test {

class WrappedSource : public ViewSource {
 public:
  explicit WrappedSource(ViewSource& inner) : inner_(inner) {}
  ViewBatch batch(int64_t step, int64_t anchors) override { return inner_.batch(step, anchors); }
  std::string describe() const override { return inner_.describe(); }
  int64_t classes() const override { return inner_.classes(); }
  int64_t latentDim() const override { return inner_.latentDim(); }
  int64_t viewsPerAnchor() const override { return inner_.viewsPerAnchor(); }
  int64_t channels() const override { return inner_.channels(); }

 protected:
  ViewSource& inner_;
};

}  // namespace genrep::test
