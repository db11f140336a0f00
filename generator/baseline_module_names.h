// Names of a baseline macro's modules (docs/ARCHITECTURE.md "Baselines"):
// dcim_<arch>_<block>_<cfg> with <cfg> = BaselineConfig::Name(), so designs
// of every architecture and configuration can be compiled together; the top
// is <arch>_top (dense_top, sparse12_top). The block names are the ones
// synth/component_map.cpp classifies (storage, distribution, mul,
// adder_tree, valid_pipe, top).
#pragma once

#include <string>

#include "core/baseline_config.h"

namespace flexcim::gen {

struct BaselineModuleNames {
  std::string multiplier;    // dcim_<arch>_mul_<cfg>
  std::string adder_tree;    // dcim_<arch>_adder_tree_<cfg>
  std::string storage;       // dcim_<arch>_storage_<cfg> (weights; + element bits for sparse12)
  std::string distribution;  // dcim_sparse12_distribution_<cfg> (2:1 element muxes, sparse12 only)
  std::string valid_pipe;    // dcim_<arch>_valid_pipe_<cfg>
  std::string serializer;    // dcim_<arch>_serializer_<cfg> (bit-serial cells only)
  std::string shift_acc;     // dcim_<arch>_shift_acc_<cfg> (bit-serial cells only)
  std::string control;       // dcim_<arch>_ctrl_reg_<cfg>: replicated write enables, plane flags
  std::string top;           // <arch>_top

  static BaselineModuleNames For(const BaselineConfig& config);
};

}  // namespace flexcim::gen
