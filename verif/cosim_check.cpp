#include "verif/cosim_check.h"

#include <fmt/format.h>

#include <memory>

#include "golden/arch_cycle_model.h"

namespace flexcim::verif {

std::string CosimMismatch::ToString() const {
  if (lane < 0) {
    return fmt::format("cycle {}: out_valid expected {} (golden) got {} (rtl){}", cycle, expected,
                       got, vector >= 0 ? fmt::format(", golden has vector {}", vector) : "");
  }
  return fmt::format("cycle {}: vector {} lane {}: expected {} (golden) got {} (rtl)", cycle,
                     vector, lane, expected, got);
}

std::string CosimResult::Summary() const {
  std::string s = fmt::format("verified {} vectors, {} mismatches, latency {} cycles",
                              vectors_checked, mismatch_count, latency);
  for (const auto& m : first_mismatches) s += fmt::format("\n  {} ({}): {}", design, arch, m.ToString());
  return s;
}

CosimResult RunCosim(CosimDut& dut, const Stimulus& stimulus, int keep) {
  const std::unique_ptr<golden::PinLevelModel> golden = golden::MakeArchCycleModel(dut.design());
  CosimResult result;
  result.design = dut.design().Name();
  result.arch = ArchName(dut.design().arch());
  result.latency = dut.design().pipeline_latency();
  auto record = [&](CosimMismatch m) {
    ++result.mismatch_count;
    if (static_cast<int>(result.first_mismatches.size()) < keep) {
      result.first_mismatches.push_back(m);
    }
  };
  for (const golden::CycleInput& in : stimulus.cycles) {
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
