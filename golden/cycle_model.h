// CycleModel: the macro's behaviour edge by edge (FLEXCIM.md 5 and 5b,
// docs/ARCHITECTURE.md). Feed it what the top-level pins carry during cycle
// t (sampled at the rising edge that ends it); it returns what
// out_valid/out_data hold right after that edge, i.e. during cycle t+1. A
// vector presented in cycle t is returned by the Step of cycle t+L-1.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "golden/cycle_output.h"
#include "golden/macro_storage.h"
#include "golden/vector_pipeline.h"

namespace flexcim::golden {

// The pins of flexcim_top for one cycle (sampled at one rising edge).
// Vectors may be left empty while their enable is low.
struct CycleInput {
  bool rst_n = true;
  bool wr_en = false;
  int wr_sub = 0;
  int wr_row = 0;
  std::vector<int32_t> wr_w;   // C lanes
  std::vector<uint8_t> wr_e;   // C bits
  std::vector<int> wr_sel;     // C/G lanes
  bool in_valid = false;
  int in_nlog2 = 0;
  std::vector<int32_t> in_act;  // R*2P lanes
};

class CycleModel {
 public:
  explicit CycleModel(const MacroConfig& config);

  // One rising edge. Throws flexcim::Error for an illegal in_nlog2,
  // out-of-range data on an enabled input, or inputs out of the
  // initiation-interval contract (VectorPipeline); nothing changes then.
  CycleOutput Step(const CycleInput& in);

  const MacroStorage& storage() const { return storage_; }
  int64_t cycle() const { return pipeline_.cycle(); }  // edges taken so far
  int latency() const { return pipeline_.latency(); }

 private:
  MacroStorage storage_;
  VectorPipeline pipeline_;
};

}  // namespace flexcim::golden
