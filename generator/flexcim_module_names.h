// Names of the FlexCiM modules for one configuration. Every submodule name
// carries the configuration (MacroConfig::Name()), so designs of two
// configurations can be compiled together; the top is always flexcim_top
// (FLEXCIM.md 5b).
#pragma once

#include <string>

#include "core/macro_config.h"

namespace flexcim::gen {

struct FlexcimModuleNames {
  std::string multiplier;      // flexcim_mul_<cfg>
  std::string adder_tree;      // flexcim_adder_tree_<cfg>
  std::string cell_storage;    // flexcim_storage_<cfg>
  std::string select_storage;  // flexcim_select_storage_<cfg> (P > 1 only)
  std::string distribution;    // flexcim_distribution_<cfg>
  std::string pair_mux;        // flexcim_distribution_pair_mux_<cfg> (P > 1 only)
  std::string submacro;        // flexcim_submacro_<cfg>
  std::string merge;           // flexcim_merge_<cfg>
  std::string merge_control;   // flexcim_merge_ctrl_<cfg> (P > 1 only)
  std::string control;         // flexcim_ctrl_reg_<cfg>: replicated write enables, plane flags
  std::string valid_pipe;      // flexcim_valid_pipe_<cfg>
  std::string serializer;      // flexcim_serializer_<cfg> (bit-serial cells only)
  std::string shift_acc;       // flexcim_shift_acc_<cfg> (bit-serial cells only)
  std::string top;             // flexcim_top

  static FlexcimModuleNames For(const MacroConfig& config);
};

}  // namespace flexcim::gen
