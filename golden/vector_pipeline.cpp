#include "golden/vector_pipeline.h"

#include <fmt/format.h>

#include <utility>

#include "core/errors.h"

namespace flexcim::golden {

void VectorPipeline::CheckInputs(bool in_valid, bool wr_en) const {
  if (last_vector_cycle_ < 0) return;
  const int64_t since = cycle_ - last_vector_cycle_;
  if (in_valid && since < initiation_interval_) {
    throw Error(fmt::format(
        "cycle {}: in_valid {} cycle(s) after the vector of cycle {}: the initiation interval is "
        "{} (out of contract)",
        cycle_, since, last_vector_cycle_, initiation_interval_));
  }
  if (wr_en && initiation_interval_ > 1 && since < initiation_interval_) {
    throw Error(fmt::format(
        "cycle {}: wr_en while the vector of cycle {} still reads the storage (bit-serial, "
        "initiation interval {}): out of contract",
        cycle_, last_vector_cycle_, initiation_interval_));
  }
}

CycleOutput VectorPipeline::Step(bool rst_n, bool in_valid, std::vector<int64_t> data) {
  const int64_t t = cycle_;
  CycleOutput out;
  if (!rst_n) {
    in_flight_.clear();
    last_vector_cycle_ = -1;
    ++cycle_;
    return out;
  }
  if (in_valid) {
    in_flight_.push_back(InFlight{t + latency_ - 1, accepted_++, std::move(data)});
    last_vector_cycle_ = t;
  }
  // Exit cycles increase along the queue (one entry per input cycle, L fixed).
  if (!in_flight_.empty() && in_flight_.front().exit_cycle == t) {
    out.valid = true;
    out.vector_index = in_flight_.front().vector_index;
    out.data = std::move(in_flight_.front().data);
    in_flight_.pop_front();
  }
  ++cycle_;
  return out;
}

}  // namespace flexcim::golden
