// CosimCheck: runs the golden cycle model of the device's architecture
// (golden/arch_cycle_model.h) and the device under test on the same
// stimulus, edge by edge, and reports which design disagreed with the
// golden model where (in the spirit of XLS sim_test_base.cc). One loop for
// every architecture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "verif/cosim_dut.h"
#include "verif/stimulus.h"

namespace flexcim::verif {

struct CosimMismatch {
  int64_t cycle = 0;        // cycle (stimulus row n = cycle n) whose outputs differ
  int64_t vector = -1;      // golden vector index on the output, -1 if none
  int lane = -1;            // -1: out_valid differs
  int64_t expected = 0;     // golden
  int64_t got = 0;          // RTL
  std::string ToString() const;
};

struct CosimResult {
  std::string design;            // ArchConfig::Name() of the device
  std::string arch;              // its architecture
  int latency = 0;               // its L (FLEXCIM.md 5b)
  int64_t cycles = 0;
  int64_t vectors_checked = 0;  // valid outputs compared lane by lane
  int64_t mismatch_count = 0;   // every differing lane / valid bit
  std::vector<CosimMismatch> first_mismatches;  // at most `keep`
  bool ok() const { return mismatch_count == 0; }
  // "verified 2000 vectors, 0 mismatches, latency 7 cycles", then the first
  // mismatches, one per line, naming the design, its arch and which side
  // disagreed.
  std::string Summary() const;
};

CosimResult RunCosim(CosimDut& dut, const Stimulus& stimulus, int keep = 10);

}  // namespace flexcim::verif
