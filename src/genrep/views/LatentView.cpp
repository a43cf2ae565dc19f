#include "genrep/views/LatentView.h"

#include <cmath>
#include <stdexcept>

#include "genrep/data/SyntheticShard.h"

namespace genrep {

static_assert(static_cast<uint32_t>(LatentViewKind::Steering) + 1 == kShardLatentViewKinds,
              "a new latent view kind takes the next value and raises kShardLatentViewKinds");

const NameTable<LatentViewKind>& latentViewKinds() {
  static const NameTable<LatentViewKind> kinds = {{LatentViewKind::None, "none"},
                                                  {LatentViewKind::Gaussian, "gaussian"},
                                                  {LatentViewKind::Independent, "independent"},
                                                  {LatentViewKind::Steering, "steering"}};
  return kinds;
}

std::string latentViewNameList() { return joinedNames(latentViewKinds()); }

// Switches without a default: a kind added to the enum and not here is a compiler warning.
bool latentViewNeedsClasses(LatentViewKind kind) {
  switch (kind) {
    case LatentViewKind::None:
    case LatentViewKind::Gaussian:
    case LatentViewKind::Steering: return false;
    case LatentViewKind::Independent: return true;
  }
  throw std::invalid_argument("views.latent: no such kind");
}

bool latentViewNeedsWalks(LatentViewKind kind) {
  switch (kind) {
    case LatentViewKind::None:
    case LatentViewKind::Gaussian:
    case LatentViewKind::Independent: return false;
    case LatentViewKind::Steering: return true;
  }
  throw std::invalid_argument("views.latent: no such kind");
}

LatentViewKind parseLatentViewKind(const std::string& name) {
  return valueNamedOrThrow(latentViewKinds(), name, "views.latent", "latent view");
}

std::string latentViewName(LatentViewKind kind) {
  const std::string* name = nameOf(latentViewKinds(), kind);
  return name ? *name : "?";
}

double truncatedNormal(RandomStream& rng, double bound) {
  // Box-Muller; each draw lands inside [-2, 2] with probability 0.95.
  for (;;) {
    const double u1 = 1.0 - rng.uniform01();  // (0, 1]
    const double u2 = rng.uniform01();
    const double value = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    if (std::abs(value) <= bound) return value;
  }
}

void LatentViewOptions::validate() const {
  if (!(truncation > 0)) throw std::invalid_argument("views.truncation must be positive");
  if (kind == LatentViewKind::Gaussian && !(sigma > 0)) throw std::invalid_argument("views.sigma must be positive for gaussian latent views");
}

LatentSampler::LatentSampler(LatentViewOptions options, int64_t latentDim, int64_t classes, uint64_t seed)
    : options_(options), latentDim_(latentDim), classes_(classes), seed_(deriveSeed(seed, "views.latent")) {
  if (latentDim <= 0) throw std::invalid_argument("latent views: the generator's latent size must be positive");
  options.validate();
  if (options.kind == LatentViewKind::Independent && classes <= 0) {
    throw std::invalid_argument(
        "views.latent=independent needs a class-conditional generator (same class, fresh z); use gaussian or none");
  }
  if (options.kind == LatentViewKind::Steering) {
    if (!options.walks || options.walks->walks.empty()) {
      throw std::invalid_argument("views.latent=steering needs walks (views.walks: a folder written by `genrep steer train`)");
    }
    if (options.walks->latentDim != latentDim) {
      throw std::invalid_argument("views.walks: the walks were learned for latent size " + std::to_string(options.walks->latentDim) +
                                  ", this generator's is " + std::to_string(latentDim) + "; learn walks for this generator");
    }
  }
}

int64_t LatentSampler::paramDim() const {
  return options_.kind == LatentViewKind::Steering ? static_cast<int64_t>(options_.walks->walks.size()) : 0;
}

RandomStream LatentSampler::stream(uint64_t anchorIndex, uint64_t k) const {
  return RandomStream(mix64(seed_ ^ mix64(anchorIndex * 0x9e3779b97f4a7c15ULL + mix64(k))));
}

LatentCode LatentSampler::anchor(uint64_t anchorIndex) const {
  RandomStream rng = stream(anchorIndex, 0);
  LatentCode code;
  code.y = classes_ > 0 ? static_cast<int64_t>(rng.uniformInt(static_cast<uint64_t>(classes_))) : -1;
  if (classes_ > 0 && options_.balancedClasses) code.y = static_cast<int64_t>(anchorIndex % static_cast<uint64_t>(classes_));
  code.z.resize(static_cast<size_t>(latentDim_));
  for (float& value : code.z) value = static_cast<float>(options_.truncation * truncatedNormal(rng, 2.0));
  return code;
}

LatentCode LatentSampler::neighbour(uint64_t anchorIndex, uint64_t k) const {
  LatentCode code = anchor(anchorIndex);
  if (k == 0 && options_.kind == LatentViewKind::Steering) {
    for (const SteeringWalk& walk : options_.walks->walks) code.params.push_back(walk.logScale ? 1.0F : 0.0F);  // no edit
  }
  if (k == 0) return code;
  RandomStream rng = stream(anchorIndex, k);
  switch (options_.kind) {  // no default: a new kind is a compiler warning here
    case LatentViewKind::None: return code;
    case LatentViewKind::Gaussian:
      for (float& value : code.z) value += static_cast<float>(options_.sigma * truncatedNormal(rng, 2.0));
      return code;
    case LatentViewKind::Independent:  // a fresh anchor-distributed z of the same class
      for (float& value : code.z) value = static_cast<float>(options_.truncation * truncatedNormal(rng, 2.0));
      return code;
    case LatentViewKind::Steering:
      for (const SteeringWalk& walk : options_.walks->walks) {
        const double alpha = walk.drawAlpha(rng);
        const auto step = static_cast<float>(walk.step(alpha));
        for (size_t i = 0; i < code.z.size(); ++i) code.z[i] += step * walk.direction[i];
        code.params.push_back(static_cast<float>(alpha));
      }
      return code;
  }
  throw std::invalid_argument("views.latent: no such kind");
}

}  // namespace genrep
