// BaselineDut: what the baseline co-simulation needs from a device under
// test, independent of the Verilator prefix (verif/verilated_baseline_dut.h).
#pragma once

#include "core/baseline_config.h"
#include "golden/baseline_cycle_input.h"
#include "golden/cycle_model.h"

namespace flexcim::verif {

class BaselineDut {
 public:
  virtual ~BaselineDut() = default;
  virtual const BaselineConfig& config() const = 0;
  // Drives the pins for the next rising edge, takes the edge, and returns
  // what out_valid / out_data hold right after it.
  virtual golden::CycleOutput Cycle(const golden::BaselineCycleInput& in) = 0;
};

}  // namespace flexcim::verif
