#include "golden/pin_level_model.h"

#include <fmt/format.h>

#include <utility>

#include "core/errors.h"

namespace flexcim::golden {

CycleOutput PinLevelModel::Step(const CycleInput& in) {
  const int64_t t = pipeline_.cycle();
  // Writes become visible at their cycle t + Lw, whatever rst_n does since.
  while (!pending_writes_.empty() && pending_writes_.front().visible_cycle <= t) {
    ApplyWrite(pending_writes_.front().pins);
    pending_writes_.pop_front();
  }
  if (!in.rst_n) return pipeline_.Step(false, false, {});
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
    if (write_latency_ <= 1) {
      ApplyWrite(in);
    } else {
      pending_writes_.push_back(PendingWrite{t + write_latency_, in});
    }
  }
  return pipeline_.Step(true, in.in_valid, std::move(data));
}

}  // namespace flexcim::golden
