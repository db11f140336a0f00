#include "synth/component_map.h"

namespace flexcim::synth {

const std::vector<std::string>& ComponentOrder() {
  static const std::vector<std::string> kOrder = {
      kWeightStorage, kElementBits, kMultipliers,       kAdderTrees, kSerializer, kShiftAccumulators,
      kDistribution,  kSelectStorage, kMerge,           kPipelineRegisters, kTopGlue, kOther,
  };
  return kOrder;
}

std::string ComponentLabel(const std::string& c) {
  if (c == kWeightStorage) return "cell storage (weights)";
  if (c == kElementBits) return "element bits";
  if (c == kMultipliers) return "multipliers";
  if (c == kAdderTrees) return "column adder trees";
  if (c == kSerializer) return "activation serializer";
  if (c == kShiftAccumulators) return "shift-accumulators";
  if (c == kDistribution) return "distribution muxes";
  if (c == kSelectStorage) return "select storage";
  if (c == kMerge) return "merging network";
  if (c == kPipelineRegisters) return "pipeline registers";
  if (c == kTopGlue) return "top glue";
  return "other";
}

// Flip-flops inside datapath blocks (product, adder-tree, merge and valid
// registers) are the pipeline; the storage blocks' flip-flops are storage.
// The merging network's replicated control registers (merge_ctrl) exist
// only for its configurability, so their flip-flops count as merge. The
// other replicated control registers (ctrl_reg: row write enables,
// accumulator plane flags) are pipeline registers; the write pipeline's
// data and predecode flip-flops sit in the storage module and count as
// storage (split by bit count like the cells).
// Baselines (dcim_<arch>_<block>_<cfg>, <arch>_top): storage holds the
// weights (dense) or weights + element bits (sparse12, split by bit count
// like FlexCiM's cell storage); sparse12's per-cell 2:1 element muxes are
// its "distribution" block. Bit-serial blocks (serializer, shift_acc) keep
// their flip-flops: the captured activations and the accumulators are state
// of the serial MAC, not pipeline stages.
const std::vector<ComponentRule>& ComponentRules() {
  static const std::vector<ComponentRule> kRules = {
      {"merge_ctrl", kMerge, kMerge, false},
      {"ctrl_reg", kTopGlue, kPipelineRegisters, false},
      {"select_storage", kSelectStorage, kSelectStorage, false},
      {"storage", kWeightStorage, kWeightStorage, true},
      {"mul", kMultipliers, kPipelineRegisters, false},
      {"adder_tree", kAdderTrees, kPipelineRegisters, false},
      {"serializer", kSerializer, kSerializer, false},
      {"shift_acc", kShiftAccumulators, kShiftAccumulators, false},
      {"distribution", kDistribution, kPipelineRegisters, false},
      {"merge", kMerge, kPipelineRegisters, false},
      {"valid_pipe", kTopGlue, kPipelineRegisters, false},
      {"submacro", kTopGlue, kPipelineRegisters, false},
      {"top", kTopGlue, kPipelineRegisters, false},
  };
  return kRules;
}

const ComponentRule& RuleForModule(const std::string& module) {
  const std::string name = "_" + module;
  for (const auto& rule : ComponentRules()) {
    const std::string inner = "_" + rule.block + "_";
    const std::string tail = "_" + rule.block;
    if (name.find(inner) != std::string::npos ||
        (name.size() >= tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0)) {
      return rule;
    }
  }
  static const ComponentRule kUnknown{"", kOther, kOther, false};
  return kUnknown;
}

}  // namespace flexcim::synth
