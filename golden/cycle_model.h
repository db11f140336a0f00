// CycleModel: the macro's behaviour edge by edge (FLEXCIM.md 5 and 5b,
// docs/ARCHITECTURE.md). Feed it what the top-level pins carry during cycle
// t (sampled at the rising edge that ends it); it returns what
// out_valid/out_data hold right after that edge, i.e. during cycle t+1. A
// vector presented in cycle t is returned by the Step of cycle t+L-1.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "golden/cycle_input.h"
#include "golden/cycle_output.h"
#include "golden/macro_storage.h"
#include "golden/pin_level_model.h"

namespace flexcim::golden {

class CycleModel final : public PinLevelModel {
 public:
  explicit CycleModel(const MacroConfig& config);

  // Step (PinLevelModel) throws flexcim::Error for an illegal in_nlog2,
  // out-of-range data on an enabled input, or inputs out of the
  // initiation-interval contract (VectorPipeline); nothing changes then.

  const MacroStorage& storage() const { return storage_; }

 private:
  std::vector<int64_t> ComputeVector(const CycleInput& in) const override;
  void ApplyWrite(const CycleInput& in) override;

  MacroStorage storage_;
};

}  // namespace flexcim::golden
