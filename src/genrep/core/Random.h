#pragma once
// Seeded random streams that give the same numbers on every platform and compiler
// (std::uniform_int_distribution and std::shuffle do not promise that).
//
// Each purpose draws from its own stream, derived from the run seed and a name, so
// adding draws to one purpose never shifts another:
//
//   genrep::RandomStream split(genrep::deriveSeed(seed, "data.split"));
//   split.shuffle(indices);
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace genrep {

// SplitMix64 finaliser: a bijective 64-bit mix.
uint64_t mix64(uint64_t x);

// A seed for the stream named `stream` of the run seeded with `seed`.
uint64_t deriveSeed(uint64_t seed, std::string_view stream);

// xoshiro256** seeded through SplitMix64.
class RandomStream {
 public:
  explicit RandomStream(uint64_t seed);

  uint64_t nextU64();
  // Uniform integer in [0, bound), unbiased; bound > 0.
  uint64_t uniformInt(uint64_t bound);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform01();

  // The whole state, to save in a checkpoint and resume the stream exactly.
  std::array<uint64_t, 4> state() const { return {state_[0], state_[1], state_[2], state_[3]}; }
  void setState(const std::array<uint64_t, 4>& state);

  template <typename T>
  void shuffle(std::vector<T>& items) {  // Fisher-Yates
    for (size_t i = items.size(); i > 1; --i) {
      const size_t j = static_cast<size_t>(uniformInt(i));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  uint64_t state_[4];
};

}  // namespace genrep
