// The exact-latency check of FLEXCIM.md 5b, for any architecture's
// co-simulation suite: the vector raised in cycle c must come out with
// out_valid high in cycle c+L and in no other cycle.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "golden/cycle_output.h"

namespace flexcim::verif {

// dut.Cycle(in) applies cycle n's pins and returns cycle n+1's outputs; the
// caller has already returned cycle c's outputs. Returns the output of cycle
// c+latency (valid is false when it never came).
template <typename Dut, typename Input>
golden::CycleOutput ExpectOutputExactlyAfterLatency(Dut& dut, const Input& vector, const Input& idle,
                                                    int latency) {
  const int64_t cycle_c = 0;  // cycles counted from the one that raises in_valid
  std::vector<int64_t> valid_cycles;
  golden::CycleOutput out_at_c_plus_l;
  for (int64_t n = cycle_c; n <= cycle_c + latency + 2; ++n) {
    golden::CycleOutput out = dut.Cycle(n == cycle_c ? vector : idle);  // cycle n+1's outputs
    if (!out.valid) continue;
    valid_cycles.push_back(n + 1);
    if (n + 1 == cycle_c + latency) out_at_c_plus_l = std::move(out);
  }
  EXPECT_EQ(valid_cycles, (std::vector<int64_t>{cycle_c + latency}));
  return out_at_c_plus_l;
}

}  // namespace flexcim::verif
