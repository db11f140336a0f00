// PinLevelModel: the edge-by-edge behaviour every architecture's golden
// cycle model shares (FLEXCIM.md 5b/5c, docs/ARCHITECTURE.md): feed it what
// the pins carry during cycle t (sampled at the rising edge that ends it),
// it returns what out_valid / out_data hold during cycle t+1.
// - rst_n low: every valid bit clears (vectors in flight are dropped),
//   wr_en and in_valid are ignored, out_valid is 0. Storage is kept.
// - otherwise a vector sampled at edge t is computed from the storage as it
//   was before edge t, then the write (if any) is applied, and the vector
//   is on out_data during cycle t + L (golden/vector_pipeline.h).
// A Step that throws (bad input on an enabled pin, out of contract) changes
// nothing, not even the cycle count. Subclasses say only what a vector
// computes and what a write stores.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/cycle_input.h"
#include "golden/cycle_output.h"
#include "golden/vector_pipeline.h"

namespace flexcim::golden {

class PinLevelModel {
 public:
  PinLevelModel(int latency, int initiation_interval) : pipeline_(latency, initiation_interval) {}
  virtual ~PinLevelModel() = default;

  CycleOutput Step(const CycleInput& in);

  int latency() const { return pipeline_.latency(); }
  int64_t cycle() const { return pipeline_.cycle(); }  // edges taken so far

 protected:
  // The output lanes of the vector on the pins, from the current storage;
  // throws flexcim::Error for a bad input.
  virtual std::vector<int64_t> ComputeVector(const CycleInput& in) const = 0;
  // Applies the write on the pins; validates everything first (a rejected
  // write changes nothing).
  virtual void ApplyWrite(const CycleInput& in) = 0;

 private:
  VectorPipeline pipeline_;
};

}  // namespace flexcim::golden
