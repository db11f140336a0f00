#include "verif/baseline_cosim.h"

#include "golden/baseline_model.h"

namespace flexcim::verif {

CosimResult RunBaselineCosim(BaselineDut& dut, const BaselineStimulus& stimulus, int keep) {
  const std::unique_ptr<golden::BaselineModel> golden = golden::MakeBaselineModel(dut.config());
  CosimResult result;
  auto record = [&](CosimMismatch m) {
    ++result.mismatch_count;
    if (static_cast<int>(result.first_mismatches.size()) < keep) {
      result.first_mismatches.push_back(m);
    }
  };
  for (const golden::BaselineCycleInput& in : stimulus.cycles) {
    const golden::CycleOutput want = golden->Step(in);
    const golden::CycleOutput got = dut.Cycle(in);
    // Stimulus row n drives cycle n; the outputs compared are cycle n+1's.
    const int64_t cycle = ++result.cycles;
    if (want.valid != got.valid) {
      record({cycle, want.vector_index, -1, want.valid, got.valid});
      continue;
    }
    if (!want.valid) continue;
    ++result.vectors_checked;
    for (size_t lane = 0; lane < want.data.size(); ++lane) {
      if (want.data[lane] != got.data[lane]) {
        record({cycle, want.vector_index, static_cast<int>(lane), want.data[lane],
                got.data[lane]});
      }
    }
  }
  return result;
}

}  // namespace flexcim::verif
