// GenerateBaseline: the FLEXCIM.md section 6 baselines as plain
// Verilog-2005 (docs/ARCHITECTURE.md "Baselines"), built from the same
// multiplier, adder-tree, row-storage and valid-pipeline emitters as
// FlexCiM.
//
// Module hierarchy (<cfg> = BaselineConfig::Name(), <arch> = dense|sparse12):
//   <arch>_top
//     dcim_<arch>_valid_pipe_<cfg>        u_valid_pipe
//     dcim_<arch>_storage_<cfg>           u_storage       (weights; + element bits for sparse12)
//     dcim_sparse12_distribution_<cfg>    u_distribution  (sparse12: 2:1 element mux per cell)
//     dcim_<arch>_mul_<cfg>               g_col[c].g_row[r].u_mul
//     dcim_<arch>_adder_tree_<cfg>        g_col[c].u_adder_tree
#pragma once

#include "core/baseline_config.h"
#include "generator/generated_design.h"

namespace flexcim::gen {

GeneratedDesign GenerateBaseline(const BaselineConfig& config);

}  // namespace flexcim::gen
