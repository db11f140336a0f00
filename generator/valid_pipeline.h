// The valid / log2 N shift register that travels beside the data
// (docs/ARCHITECTURE.md "Pipeline"): one valid bit per pipeline stage, each
// a synchronous active-low reset register; log2 N carried (no reset: data)
// only as far as the merging network's control registers need it.
#pragma once

#include <string>

#include "core/macro_config.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input clk, input rst_n, input in_valid,
//   input [3:0] in_nlog2 (P > 1 only), output out_valid,
//   output [3:0] merge_nlog2 (P > 1 only))
// out_valid is the last of pipeline_register_stages() = L stages;
// merge_nlog2 is the log2 N of the vector at stage log2 R - 1 (stage 0 =
// the in_nlog2 pins), which merge level 1 captures
// MergeControlPlan::kLeadCycles edges later. Bit-serial cells: the log2 N
// of the vector whose bit planes merge level 1 captures kLeadCycles edges
// later, held over its A planes (a register loaded on in_valid, then
// log2 R - 1 delay registers).
vast::Module* EmitValidPipeline(vast::VerilogFile& file, const std::string& name,
                                const MacroConfig& config);

// The baselines' valid pipeline (no log2 N): module <name> (input clk,
// input rst_n, input in_valid, output out_valid); out_valid is the last of
// `register_stages` (>= 2) reset registers.
vast::Module* EmitValidOnlyPipeline(vast::VerilogFile& file, const std::string& name,
                                    int register_stages);

}  // namespace flexcim::gen
