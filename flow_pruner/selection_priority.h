// --prioritize accuracy|latency|balanced: what the exact DP over blocks
// minimises besides the method's accuracy cost A_i(p) (FLOW's objective
// term, or the measured error). The latency term of a block is its tile
// passes T_i(p) on the target macro: the tiles of its seven linear layers
// (golden::LayerTileGrid, what `flexcim map` loads; each pass costs P*R load
// cycles + tokens + the pipeline latency, so for a fixed token count the
// cycles grow with the passes). With A_max and T_max the largest A_i(p) and
// T_i(p) over blocks and candidates (1 when 0):
// - accuracy: A_i(p) (the method as it is);
// - latency:  T_i(p) + A_i(p) / (2 * blocks * A_max): fewest total passes
//   among the assignments meeting the sparsity target, the accuracy cost
//   only breaking ties (its sum stays below 1/2 of one pass);
// - balanced: A_i(p) / A_max + T_i(p) / T_max, both terms on [0, 1].
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/macro_config.h"
#include "core/nm_pattern.h"
#include "flow_pruner/flow_solver.h"
#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

enum class SelectionPriority { kAccuracy, kLatency, kBalanced };
std::string_view SelectionPriorityName(SelectionPriority p);
SelectionPriority ParseSelectionPriority(std::string_view text);  // UsageError naming --prioritize

// Tile passes of one block's seven linear layers with `pattern` on `config`.
int64_t BlockTilePasses(const MacroConfig& config, const LlamaLayer& layer,
                        const NmPattern& pattern);

// The cost the DP minimises for `priority` (see above); A_max and T_max over
// model.layers and `candidates`.
BlockCostFunction PrioritizedCost(SelectionPriority priority, const BlockCostFunction& accuracy,
                                  const MacroConfig& config, const LlamaModel& model,
                                  const std::vector<NmPattern>& candidates);

}  // namespace flexcim::pruner
