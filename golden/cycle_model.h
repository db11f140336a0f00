// CycleModel: FlexCiM's macro edge by edge (FLEXCIM.md 5 and 5b,
// docs/ARCHITECTURE.md): the storage of every sub-macro (MacroStorage) and
// the reference compute step (ReferenceCompute, merging by the vector's
// in_nlog2) behind the pin-level Step every architecture shares
// (golden/pin_level_model.h): the pins of cycle t in, the outputs of cycle
// t+1 out; a vector presented in cycle t is returned by the Step of cycle
// t+L-1. Step throws flexcim::Error for an illegal in_nlog2, out-of-range
// data on an enabled input, or inputs out of the initiation-interval
// contract (VectorPipeline); nothing changes then.
#pragma once

#include "golden/macro_storage.h"
#include "golden/pin_level_model.h"

namespace flexcim::golden {

class CycleModel final : public PinLevelModel {
 public:
  explicit CycleModel(const MacroConfig& config);
  const MacroStorage& storage() const { return storage_; }

 private:
  std::vector<int64_t> ComputeVector(const CycleInput& in) const override;
  void CheckWrite(const CycleInput& in) const override;
  void ApplyWrite(const CycleInput& in) override;

  MacroStorage storage_;
};

}  // namespace flexcim::golden
