#include "golden/cycle_model.h"

#include <utility>

#include "golden/reference_model.h"

namespace flexcim::golden {

CycleModel::CycleModel(const MacroConfig& config) : storage_(config) {}

// One rising edge t = cycle_, the edge that ends cycle t (docs/ARCHITECTURE.md,
// FLEXCIM.md 5b); the returned output is what the pins hold during cycle t+1:
// - rst_n low: every valid bit clears (in-flight vectors dropped), wr_en and
//   in_valid are ignored, out_valid is 0 after the edge. Storage is kept.
// - otherwise a vector sampled now is computed from the storage as it was
//   before this edge (products come from the input pins and the current
//   storage), then the write (if any) is applied, and the output register
//   loads the vector at edge t + L - 1, so it is on out_data during cycle
//   t + L (L = MacroConfig::pipeline_latency(), the register stages). The
//   output after the edge is the vector whose exit edge is t, if any.
CycleOutput CycleModel::Step(const CycleInput& in) {
  const int64_t t = cycle_;
  CycleOutput out;
  if (!in.rst_n) {
    in_flight_.clear();
    ++cycle_;
    return out;
  }
  // Validate and compute first, then write: a rejected input changes nothing.
  std::vector<int64_t> data;
  if (in.in_valid) data = ReferenceCompute(storage_, in.in_act, in.in_nlog2);
  if (in.wr_en) storage_.WriteRow(in.wr_sub, in.wr_row, in.wr_w, in.wr_e, in.wr_sel);
  if (in.in_valid) in_flight_.push_back(InFlight{t + latency() - 1, accepted_++, std::move(data)});

  // Exit edges increase along the queue (one entry per input edge, L fixed).
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
