// PinLevelModel: the edge-by-edge behaviour every architecture's golden
// cycle model shares (FLEXCIM.md 5b/5c, docs/ARCHITECTURE.md): feed it what
// the pins carry during cycle t (sampled at the rising edge that ends it),
// it returns what out_valid / out_data hold during cycle t+1.
// - rst_n low: every valid bit clears (vectors in flight are dropped),
//   wr_en and in_valid are ignored, out_valid is 0. Storage is kept.
// - otherwise a vector sampled at edge t is computed from the storage as it
//   was before edge t, and is on out_data during cycle t + L
//   (golden/vector_pipeline.h). A write sampled at edge t (rst_n high) is
//   checked then and applied for the vectors from edge t + Lw on (Lw, the
//   write latency of FLEXCIM.md 5b); a reset after it does not cancel it
//   (the generated write pipeline has no reset). A vector sampled while a
//   write is in flight (edges t+1 .. t+Lw-1) is out of contract.
// A Step that throws (bad input on an enabled pin, out of contract) changes
// nothing, not even the cycle count. Subclasses say only what a vector
// computes and what a write stores.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "golden/cycle_input.h"
#include "golden/cycle_output.h"
#include "golden/vector_pipeline.h"

namespace flexcim::golden {

class PinLevelModel {
 public:
  PinLevelModel(int latency, int initiation_interval, int write_latency)
      : pipeline_(latency, initiation_interval), write_latency_(write_latency) {}
  virtual ~PinLevelModel() = default;

  CycleOutput Step(const CycleInput& in);

  int latency() const { return pipeline_.latency(); }
  int write_latency() const { return write_latency_; }
  int64_t cycle() const { return pipeline_.cycle(); }  // edges taken so far

 protected:
  // The output lanes of the vector on the pins, from the current storage;
  // throws flexcim::Error for a bad input.
  virtual std::vector<int64_t> ComputeVector(const CycleInput& in) const = 0;
  // Throws flexcim::Error for a write the storage cannot take (checked at
  // the write's own edge); changes nothing.
  virtual void CheckWrite(const CycleInput& in) const = 0;
  // Applies a checked write on the pins.
  virtual void ApplyWrite(const CycleInput& in) = 0;

 private:
  struct PendingWrite {
    int64_t visible_cycle;  // the first cycle whose vector sees it: t + Lw
    CycleInput pins;
  };
  VectorPipeline pipeline_;
  int write_latency_;
  std::deque<PendingWrite> pending_writes_;
};

}  // namespace flexcim::golden
