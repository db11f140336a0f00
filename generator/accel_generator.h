// GenerateAccel: the accelerator of docs/ACCEL.md as one design: the
// macro's files (GenerateArch), the SRAM models and the accelerator top.
#pragma once

#include "core/accel_config.h"
#include "generator/generated_design.h"

namespace flexcim::gen {

// design.top is the accelerator's top module; the manifest is the macro's
// (FLEXCIM.md 5b, unchanged, so that the macro's readers still read it)
// plus "accel": {"top", "macro_top", "macros", buffer sizes, port widths,
// "descriptor" bit layout, "start_cycles"} (docs/ACCEL.md).
GeneratedDesign GenerateAccel(const AccelConfig& config);

// Cycles from the start cycle to the first cycle with done high, beyond the
// layer's cycles of the system model: the start edge and the buffers'
// registered read (docs/ACCEL.md "Cycles").
inline constexpr int kAccelStartCycles = 2;

}  // namespace flexcim::gen
