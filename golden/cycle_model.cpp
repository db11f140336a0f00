#include "golden/cycle_model.h"

#include <utility>

#include "golden/reference_model.h"

namespace flexcim::golden {

CycleModel::CycleModel(const MacroConfig& config)
    : storage_(config), pipeline_(config.pipeline_latency(), config.initiation_interval()) {}

// One rising edge t, the edge that ends cycle t (docs/ARCHITECTURE.md,
// FLEXCIM.md 5b); the returned output is what the pins hold during cycle t+1:
// - rst_n low: every valid bit clears (in-flight vectors dropped), wr_en and
//   in_valid are ignored, out_valid is 0 after the edge. Storage is kept.
// - otherwise a vector sampled now is computed from the storage as it was
//   before this edge (bit-parallel products come from the input pins and
//   the current storage; bit-serial planes read the storage in the next A
//   cycles, in which no write is in contract), then the write (if any) is
//   applied, and the output register loads the vector at edge t + L - 1, so
//   it is on out_data during cycle t + L.
CycleOutput CycleModel::Step(const CycleInput& in) {
  if (!in.rst_n) return pipeline_.Step(false, false, {});
  // Validate and compute first, then write: a rejected input changes nothing.
  pipeline_.CheckInputs(in.in_valid, in.wr_en);
  std::vector<int64_t> data;
  if (in.in_valid) data = ReferenceCompute(storage_, in.in_act, in.in_nlog2);
  if (in.wr_en) storage_.WriteRow(in.wr_sub, in.wr_row, in.wr_w, in.wr_e, in.wr_sel);
  return pipeline_.Step(true, in.in_valid, std::move(data));
}

}  // namespace flexcim::golden
