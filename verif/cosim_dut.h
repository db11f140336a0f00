// CosimDut: what the co-simulation harness needs from a device under test
// of any architecture, independent of the Verilator prefix (each snapshot
// gets its own).
#pragma once

#include "core/arch_config.h"
#include "golden/cycle_input.h"
#include "golden/cycle_output.h"

namespace flexcim::verif {

class CosimDut {
 public:
  virtual ~CosimDut() = default;
  virtual const ArchConfig& design() const = 0;
  // Drives the pins for the next rising edge, takes the edge, and returns
  // what out_valid / out_data hold right after it.
  virtual golden::CycleOutput Cycle(const golden::CycleInput& in) = 0;
};

}  // namespace flexcim::verif
