#include "golden/pin_level_model.h"

#include <fmt/format.h>

#include <utility>

#include "core/errors.h"

namespace flexcim::golden {

CycleOutput PinLevelModel::Step(const CycleInput& in) {
  const int64_t t = pipeline_.cycle();
  CycleOutput out;
  if (!in.rst_n) {
    out = pipeline_.Step(false, false, {});
  } else {
    // Validate and compute first, then queue the write: a rejected input changes nothing.
    pipeline_.CheckInputs(in.in_valid, in.wr_en);
    if (in.in_valid && !pending_writes_.empty()) {
      const int64_t written = pending_writes_.back().visible_cycle - write_latency_;
      throw Error(fmt::format(
          "cycle {}: in_valid while the write of cycle {} is in flight (write latency {}: vectors "
          "from cycle {} on see it): out of contract",
          t, written, write_latency_, written + write_latency_));
    }
    std::vector<int64_t> data;
    if (in.in_valid) data = ComputeVector(in);
    if (in.wr_en) {
      CheckWrite(in);
      pending_writes_.push_back(PendingWrite{t + write_latency_, in});
    }
    out = pipeline_.Step(true, in.in_valid, std::move(data));
  }
  // Storage as the next cycle's vector sees it: every write sampled at least
  // Lw edges before it, whatever rst_n did since.
  while (!pending_writes_.empty() && pending_writes_.front().visible_cycle <= pipeline_.cycle()) {
    ApplyWrite(pending_writes_.front().pins);
    pending_writes_.pop_front();
  }
  return out;
}

}  // namespace flexcim::golden
