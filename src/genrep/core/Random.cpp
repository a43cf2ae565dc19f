#include "genrep/core/Random.h"

#include "genrep/core/Hash.h"

#include <stdexcept>

namespace genrep {
namespace {

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t deriveSeed(uint64_t seed, std::string_view stream) {
  return mix64(mix64(seed) ^ fnv1a(stream.data(), stream.size()));
}

RandomStream::RandomStream(uint64_t seed) {
  // The first four outputs of SplitMix64 from `seed` (mix64 adds the increment itself).
  for (uint64_t i = 0; i < 4; ++i) state_[i] = mix64(seed + i * 0x9e3779b97f4a7c15ULL);
}

void RandomStream::setState(const std::array<uint64_t, 4>& state) {
  if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0) {
    throw std::invalid_argument("RandomStream::setState: the all-zero state is invalid");
  }
  for (size_t i = 0; i < 4; ++i) state_[i] = state[i];
}

uint64_t RandomStream::nextU64() {
  const uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

uint64_t RandomStream::uniformInt(uint64_t bound) {
  if (bound == 0) throw std::invalid_argument("RandomStream::uniformInt: bound must be positive");
  // Lemire's nearly divisionless method with rejection: exact uniformity.
  __uint128_t product = static_cast<__uint128_t>(nextU64()) * bound;
  auto low = static_cast<uint64_t>(product);
  if (low < bound) {
    const uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<__uint128_t>(nextU64()) * bound;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

double RandomStream::uniform01() { return static_cast<double>(nextU64() >> 11) * 0x1.0p-53; }

}  // namespace genrep
