// Helpers shared by the golden tests.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "golden/cycle_input.h"
#include "golden/pin_level_model.h"

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

// Pins of one edge, for the cycle-model tests of every architecture (pins
// an architecture lacks stay at their defaults).
inline CycleInput ResetPins() {
  CycleInput in;
  in.rst_n = false;
  return in;
}
inline CycleInput VectorPins(std::vector<int32_t> act, int nlog2 = 0) {
  CycleInput in;
  in.in_valid = true;
  in.in_nlog2 = nlog2;
  in.in_act = std::move(act);
  return in;
}
inline CycleInput WritePins(int row, std::vector<int32_t> w, std::vector<uint8_t> e = {}, int sub = 0,
                            std::vector<int> sel = {}) {
  CycleInput in;
  in.wr_en = true;
  in.wr_sub = sub;
  in.wr_row = row;
  in.wr_w = std::move(w);
  in.wr_e = std::move(e);
  in.wr_sel = std::move(sel);
  return in;
}

// Steps through `inputs` (edges m.cycle(), m.cycle()+1, ...) and returns the
// outputs after each edge.
inline std::vector<CycleOutput> RunEdges(PinLevelModel& m, const std::vector<CycleInput>& inputs) {
  std::vector<CycleOutput> out;
  for (const CycleInput& in : inputs) out.push_back(m.Step(in));
  return out;
}
// The edges (counted from `first`) after which out_valid is high.
inline std::vector<int64_t> ValidEdges(const std::vector<CycleOutput>& outs, int64_t first) {
  std::vector<int64_t> edges;
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i].valid) edges.push_back(first + static_cast<int64_t>(i));
  }
  return edges;
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
