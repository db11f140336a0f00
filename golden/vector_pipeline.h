// VectorPipeline: the one latency queue of every golden cycle model
// (FlexCiM and the baselines): FLEXCIM.md 5b timing and the 5c initiation
// interval, independent of what a vector computes.
//
// Cycle numbering: the Step of cycle t sees the pins of cycle t (sampled at
// the edge that ends it) and returns the outputs of cycle t+1. A vector
// presented in cycle t is on out_data during cycle t+L (returned by the
// Step of cycle t+L-1).
//
// Contract checks (throw flexcim::Error, nothing changes):
// - a vector fewer than II cycles after the previous accepted one (5c);
// - with II > 1, a write in the cycles a bit-serial vector still reads the
//   storage (its own input cycle and the II-1 after it): out of contract
//   like a write while a vector is in flight.
// Reset clears the queue and the II bookkeeping (it drops a vector in
// progress).
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "golden/cycle_output.h"

namespace flexcim::golden {

class VectorPipeline {
 public:
  VectorPipeline(int latency, int initiation_interval)
      : latency_(latency), initiation_interval_(initiation_interval) {}

  int latency() const { return latency_; }
  int initiation_interval() const { return initiation_interval_; }
  int64_t cycle() const { return cycle_; }  // Steps taken so far

  // Checks the contract for this cycle's in_valid / wr_en (see above).
  void CheckInputs(bool in_valid, bool wr_en) const;
  // Ends the cycle: rst_n low drops everything; otherwise `data` (when
  // in_valid) enters. Returns the next cycle's outputs.
  CycleOutput Step(bool rst_n, bool in_valid, std::vector<int64_t> data);

 private:
  struct InFlight {
    int64_t exit_cycle;  // the Step that returns it
    int64_t vector_index;
    std::vector<int64_t> data;
  };
  int latency_;
  int initiation_interval_;
  std::deque<InFlight> in_flight_;
  int64_t cycle_ = 0;
  int64_t accepted_ = 0;
  int64_t last_vector_cycle_ = -1;  // since the last reset
};

}  // namespace flexcim::golden
