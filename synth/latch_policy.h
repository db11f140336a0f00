// LatchPolicy: where a generated design may contain latches, and how the
// Yosys 0.23 flow maps and checks them. Debian's Yosys 0.23 `dfflibmap`
// leaves `$_DLATCH_P_`/`$_DLATCH_N_` unmapped (verified), so the flow maps
// them with a techmap onto sky130_fd_sc_hd__dlxtp_1 / dlxtn_1; cells the
// generator instantiates itself (dlxtp, dlclkp, ...) pass through as they
// are. A latch (inferred or instantiated) in any other module fails the run
// naming the cell and its module.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace flexcim::synth {

struct LatchPolicy {
  // Yosys module-name patterns in which latches are meant (empty: none).
  std::vector<std::string> allowed_modules;
};

// From a design's manifest.json: its "latch_modules" list when present;
// otherwise, for "storage": "latch" (top level or in "params"), the storage
// blocks (module names containing "storage": cell storage and select
// storage, FLEXCIM.md 5b naming); otherwise no latch anywhere.
LatchPolicy LatchPolicyFromManifest(const nlohmann::json& manifest);

// The techmap file's text: $_DLATCH_P_ -> dlxtp_1, $_DLATCH_N_ -> dlxtn_1.
std::string LatchTechmapVerilog();

// Yosys script lines (after `synth`, before `dfflibmap`): the latch check
// (inferred $dlatch/$_DLATCH_* and instantiated sky130 latch and clock-gate
// cells outside the allowed modules; SR latches anywhere), the techmap, and
// a check that no latch is left unmapped.
std::string LatchScriptLines(const LatchPolicy& policy, const std::string& techmap_path);

// When `yosys_log` shows the latch check failing: one line per offending
// cell, "latch <cell> in module <module> where none is meant (latches are
// allowed only in: <patterns>|nowhere (flip-flop storage))". Empty otherwise.
std::string LatchCheckFailure(const std::string& yosys_log, const LatchPolicy& policy);

}  // namespace flexcim::synth
