// The same-edge write check of FLEXCIM.md 5b (as this project's macros
// define it, docs/ARCHITECTURE.md "Latch storage"), for the co-simulation
// suite of every architecture: a vector sampled at the same edge as a write reads
// the row as it was, the vector sampled write-latency edges later the new row.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace flexcim::verif {

// `stimulus` (.cycles, .stats) loads weight 1 everywhere, then rewrites
// `rows` rows of the observed column to -1, one per pair of vectors (the
// first on the write's own edge, the second Lw edges later), every activation
// 1. Lane `lane` of the valid outputs must read rows - 2r, then
// rows - 2r - 2, and the golden model must agree (run_cosim on a fresh DUT).
template <typename MakeDut, typename Stimulus, typename RunCosimFn>
void ExpectSameEdgeWriteSums(MakeDut make_dut, const Stimulus& stimulus, int rows, int lane,
                             RunCosimFn run_cosim) {
  auto dut = make_dut();
  std::vector<int64_t> got;
  for (const auto& in : stimulus.cycles) {
    const auto out = dut->Cycle(in);
    if (out.valid) got.push_back(out.data[lane]);
  }
  std::vector<int64_t> expected;
  for (int r = 0; r < rows; ++r) {
    expected.push_back(rows - 2 * r);
    expected.push_back(rows - 2 * r - 2);
  }
  EXPECT_EQ(got, expected);
  auto check = make_dut();
  const auto result = run_cosim(*check, stimulus);
  EXPECT_TRUE(result.ok()) << result.Summary();
  EXPECT_EQ(result.vectors_checked, 2 * rows);
}

}  // namespace flexcim::verif
