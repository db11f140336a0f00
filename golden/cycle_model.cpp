#include "golden/cycle_model.h"

#include "golden/reference_model.h"

namespace flexcim::golden {

CycleModel::CycleModel(const MacroConfig& config)
    : PinLevelModel(config.pipeline_latency(), config.initiation_interval(), config.write_latency()),
      storage_(config) {}

// Bit-parallel products come from the input pins and the current storage;
// bit-serial planes read the storage in the next A cycles, in which no
// write is in contract (PinLevelModel::Step).
std::vector<int64_t> CycleModel::ComputeVector(const CycleInput& in) const {
  return ReferenceCompute(storage_, in.in_act, in.in_nlog2);
}

void CycleModel::CheckWrite(const CycleInput& in) const {
  storage_.CheckWrite(in.wr_sub, in.wr_row, in.wr_w, in.wr_e, in.wr_sel);
}

void CycleModel::ApplyWrite(const CycleInput& in) {
  storage_.WriteRow(in.wr_sub, in.wr_row, in.wr_w, in.wr_e, in.wr_sel);
}

}  // namespace flexcim::golden
