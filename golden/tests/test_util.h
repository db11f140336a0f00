// Helpers shared by the golden tests.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "core/errors.h"

namespace flexcim::golden::testing {

// The message of the flexcim::Error `f` throws, or "no error".
template <class F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// Random signed `bits`-wide values; the extremes (min, max, -1, 0, 1) are frequent.
class RandomValues {
 public:
  explicit RandomValues(uint64_t seed) : rng_(seed) {}
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  int32_t Signed(int bits) {
    const int32_t lo = -(1 << (bits - 1));
    const int32_t hi = (1 << (bits - 1)) - 1;
    switch (Uniform(0, 7)) {
      case 0:
        return lo;
      case 1:
        return hi;
      case 2:
        return static_cast<int32_t>(Uniform(-1, 1));
      default:
        return static_cast<int32_t>(Uniform(lo, hi));
    }
  }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  std::mt19937_64& engine() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

}  // namespace flexcim::golden::testing
