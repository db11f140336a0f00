// Which report component a generated module's area belongs to. One table,
// matched by the block keyword inside the module name
// (flexcim_<block>_<config>, see generator/flexcim_module_names.h; the
// baselines use the same block names after their own prefix). Update the
// table when the generator adds a block.
#pragma once

#include <string>
#include <vector>

namespace flexcim::synth {

// Report components, in report order (JSON keys).
inline constexpr const char* kWeightStorage = "weight_storage";
inline constexpr const char* kElementBits = "element_bits";
inline constexpr const char* kMultipliers = "multipliers";
inline constexpr const char* kAdderTrees = "adder_trees";
// Bit-serial cells only (FLEXCIM.md 5c): the activation capture and bit-plane
// serializer, and the per-column shift-accumulators (their accumulator
// flip-flops included: they hold state across planes, not a pipeline stage).
inline constexpr const char* kSerializer = "serializer";
inline constexpr const char* kShiftAccumulators = "shift_accumulators";
inline constexpr const char* kDistribution = "distribution";
inline constexpr const char* kSelectStorage = "select_storage";
inline constexpr const char* kMerge = "merge";
inline constexpr const char* kPipelineRegisters = "pipeline_registers";
inline constexpr const char* kTopGlue = "top_glue";
inline constexpr const char* kOther = "other";

const std::vector<std::string>& ComponentOrder();
// Human label, e.g. "column adder trees".
std::string ComponentLabel(const std::string& component);

struct ComponentRule {
  std::string block;            // matches "_<block>_" or a trailing "_<block>"
  std::string comb_component;   // where the module's combinational area goes
  std::string seq_component;    // where its flip-flop area goes
  bool cell_storage = false;    // split into weight storage / element bits by bit count
};

// First rule whose block occurs in `module` (order matters:
// "select_storage" before "storage"). Unknown modules: {"", kOther, kOther}.
const ComponentRule& RuleForModule(const std::string& module);
const std::vector<ComponentRule>& ComponentRules();

}  // namespace flexcim::synth
