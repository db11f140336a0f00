// RandomPins: the random values every stimulus builder draws, with the
// extremes of each width frequent (min, max, -1, 0, 1), from one seeded
// generator so a seed always gives the same stream.
#pragma once

#include <cstdint>
#include <random>

namespace flexcim::verif {

class RandomPins {
 public:
  explicit RandomPins(uint64_t seed) : rng_(seed) {}

  // A signed `bits`-wide value; min, max and -1/0/1 each come up often.
  int32_t Value(int bits) {
    const int32_t lo = -(1 << (bits - 1));
    const int32_t hi = (1 << (bits - 1)) - 1;
    switch (Uniform(0, 7)) {
      case 0: return lo;
      case 1: return hi;
      case 2: return static_cast<int32_t>(Uniform(-1, 1));
      default: return static_cast<int32_t>(Uniform(lo, hi));
    }
  }
  int64_t Uniform(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }

 private:
  std::mt19937_64 rng_;
};

}  // namespace flexcim::verif
