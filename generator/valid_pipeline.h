// The valid / log2 N shift register that travels beside the data
// (docs/ARCHITECTURE.md "Pipeline"): one valid bit per pipeline stage, each
// a synchronous active-low reset register; log2 N carried for the stages
// that feed a merge level (no reset: data).
#pragma once

#include <string>

#include "core/macro_config.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input clk, input rst_n, input in_valid,
//   input [3:0] in_nlog2 (P > 1 only), output out_valid,
//   output [4*log2P-1:0] level_nlog2 (P > 1 only))
// out_valid is the last of pipeline_register_stages() = L + 1 stages; level_nlog2 lane l-1 is the
// log2 N of the vector entering merge level l (stage log2 R + l).
vast::Module* EmitValidPipeline(vast::VerilogFile& file, const std::string& name,
                                const MacroConfig& config);

}  // namespace flexcim::gen
