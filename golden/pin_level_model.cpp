#include "golden/pin_level_model.h"

#include <utility>

namespace flexcim::golden {

CycleOutput PinLevelModel::Step(const CycleInput& in) {
  if (!in.rst_n) return pipeline_.Step(false, false, {});
  // Validate and compute first, then write: a rejected input changes nothing.
  pipeline_.CheckInputs(in.in_valid, in.wr_en);
  std::vector<int64_t> data;
  if (in.in_valid) data = ComputeVector(in);
  if (in.wr_en) ApplyWrite(in);
  return pipeline_.Step(true, in.in_valid, std::move(data));
}

}  // namespace flexcim::golden
