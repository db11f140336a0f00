// flexcim_top: the fixed top-level interface of FLEXCIM.md 5b around the
// valid pipeline, P sub-macros and the merging network.
#pragma once

#include "core/macro_config.h"
#include "generator/flexcim_module_names.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// Ports exactly as FLEXCIM.md 5b, in its order. Writes are qualified here:
// sub-macro k loads when wr_en && rst_n && (P == 1 || wr_sub == k).
// With P = 1 wr_sub, wr_sel and in_nlog2 are ignored (tied into a wire
// named unused_pins, the lint idiom for intentionally unused inputs).
vast::Module* EmitFlexcimTop(vast::VerilogFile& file, const MacroConfig& config,
                             const FlexcimModuleNames& names);

}  // namespace flexcim::gen
