// CosimDut: what the co-simulation harness needs from a device under test,
// independent of the Verilator prefix (each configuration gets its own).
#pragma once

#include <cstdint>
#include <vector>

#include "core/macro_config.h"
#include "golden/cycle_model.h"

namespace flexcim::verif {

class CosimDut {
 public:
  virtual ~CosimDut() = default;
  virtual const MacroConfig& config() const = 0;
  // Drives the pins for the next rising edge, takes the edge, and returns
  // what out_valid / out_data hold right after it.
  virtual golden::CycleOutput Cycle(const golden::CycleInput& in) = 0;
};

}  // namespace flexcim::verif
