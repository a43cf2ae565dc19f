#pragma once
// Latent views Tz (README, "Learning encoders from a generator"), and the anchors they start from, drawn from keyed random
// streams: anchor i of a run always has the same z and y, and neighbour k of anchor i the
// same z'. So a fixed set of anchors (views.anchors = A) and its pool of neighbours
// (views.pool = N) exist without being stored, a continuous stream is the same thing with
// an ever-growing anchor index, and a resumed run sees exactly the views it would have seen.
// LibTorch-free: the view source turns these vectors into tensors.
//
//   LatentSampler latents({LatentViewKind::Gaussian, 0.5, 1.0}, 64, 10, seed);
//   LatentCode a = latents.anchor(17);        // z = t * TN(-2, 2), y uniform
//   LatentCode n = latents.neighbour(17, 3);  // z' = z + 0.5 * TN(-2, 2), same y
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "genrep/core/NameTable.h"
#include "genrep/core/Random.h"
#include "genrep/steer/SteeringWalks.h"

namespace genrep {

// The values are stored in shard headers (data/SyntheticShard.h): explicit and append-only,
// never renumbered; a new kind takes the next value and raises kShardLatentViewKinds.
enum class LatentViewKind : uint32_t {
  None = 0,         // z' = z: only the pixel views differ ("Tx only")
  Gaussian = 1,     // z' = z + sigma * TN(-2, 2), same class
  Independent = 2,  // a fresh z', same class (conditional generators only)
  Steering = 3,     // z' = z + sum_e step_e(alpha_e) * w_e, every alpha_e drawn (learned walks)
};

// Every kind with its name, in value order: the one list that parsing, names, the config's
// choices and the help come from.
const NameTable<LatentViewKind>& latentViewKinds();
LatentViewKind parseLatentViewKind(const std::string& name);  // throws std::invalid_argument naming views.latent
std::string latentViewName(LatentViewKind kind);
std::string latentViewNameList();  // "none, gaussian, independent, steering"
// What a kind needs beyond a generator: its classes (a fresh z of the anchor's class), learned walks.
bool latentViewNeedsClasses(LatentViewKind kind);
bool latentViewNeedsWalks(LatentViewKind kind);

struct LatentViewOptions {
  LatentViewKind kind = LatentViewKind::Gaussian;
  double sigma = 0.5;       // gaussian only
  double truncation = 1.0;  // anchors: z = truncation * TN(-2, 2)
  // Anchor i gets class i % classes instead of a uniform draw (its z stays the same), so
  // any run of `classes` consecutive anchors is balanced: offline datasets of M per class.
  bool balancedClasses = false;
  std::shared_ptr<const SteeringWalks> walks;  // steering only

  // Throws std::invalid_argument naming views.truncation or views.sigma (what needs the
  // generator, its classes or the walks' latent size, LatentSampler checks).
  void validate() const;
};

struct LatentCode {
  std::vector<float> z;       // [latentDim]
  int64_t y = -1;             // class, -1 for an unconditional generator
  std::vector<float> params;  // the view's parameters: steering's alpha per walk, else empty
};

// A standard normal truncated to [-bound, bound], by redrawing (exact law).
double truncatedNormal(RandomStream& rng, double bound);

class LatentSampler {
 public:
  // classes = 0: unconditional. Throws std::invalid_argument on impossible settings
  // (independent views of an unconditional generator, sigma <= 0, truncation <= 0,
  // steering without walks or with walks of another latent size).
  LatentSampler(LatentViewOptions options, int64_t latentDim, int64_t classes, uint64_t seed);

  LatentCode anchor(uint64_t anchorIndex) const;
  // Neighbour k >= 1 of an anchor (k = 0 is the anchor itself).
  LatentCode neighbour(uint64_t anchorIndex, uint64_t k) const;

  const LatentViewOptions& options() const { return options_; }
  int64_t latentDim() const { return latentDim_; }
  int64_t classes() const { return classes_; }
  // Parameters per view (steering: one alpha per walk; 0 for the other views).
  int64_t paramDim() const;

 private:
  RandomStream stream(uint64_t anchorIndex, uint64_t k) const;
  LatentViewOptions options_;
  int64_t latentDim_;
  int64_t classes_;
  uint64_t seed_;
};

}  // namespace genrep
