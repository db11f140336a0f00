// GenerateFlexcim: the whole FlexCiM macro for one MacroConfig as plain
// Verilog-2005 (FLEXCIM.md 5b, docs/ARCHITECTURE.md).
//
// Module hierarchy (<cfg> = MacroConfig::Name()):
//   flexcim_top
//     flexcim_valid_pipe_<cfg>          u_valid_pipe
//     flexcim_storage_<cfg>             u_storage         (weights + element bits, P*R rows)
//     flexcim_select_storage_<cfg>      u_select_storage  (P > 1; P*R rows)
//     flexcim_submacro_<cfg>            u_sub0 .. u_sub{P-1}
//       flexcim_distribution_<cfg>      u_distribution    (P:1 pair + 2:1 element mux)
//         flexcim_distribution_pair_mux_<cfg>  g_row[r].g_group[q].u_pair_mux (P > 1)
//       flexcim_mul_<cfg>               g_col[c].g_row[r].u_mul
//       flexcim_adder_tree_<cfg>        g_col[c].u_adder_tree
//     flexcim_merge_<cfg>               u_merge
//       flexcim_merge_ctrl_<cfg>        g_root<l>[g].u_ctrl, g_leaf<l>[g].u_ctrl (P > 1)
#pragma once

#include <string>

#include "core/macro_config.h"
#include "generator/generated_design.h"

namespace flexcim::gen {

// The architecture names `flexcim gen --arch` accepts.
inline constexpr const char* kArchFlexcim = "flexcim";

GeneratedDesign GenerateFlexcim(const MacroConfig& config);

// The flags that reproduce `config` with this generator, as recorded in the
// manifest and every file header: "--arch flexcim --subs 4 ...".
std::string GeneratorFlags(const MacroConfig& config);

}  // namespace flexcim::gen
