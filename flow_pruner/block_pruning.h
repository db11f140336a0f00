// PruneBlockLinears: one transformer block's seven linear layers pruned with
// one N:M pattern, Wanda scores |W_ij| * sqrt(S_j) from `stats`, and either
// the hardware-legal mask for select group G or the free N:M mask (dense
// patterns keep everything). Used by the pipeline (sequential pruning) and
// by the measured selection cost (measured_costs.h), so both prune a block
// the same way.
#pragma once

#include <array>

#include "core/nm_pattern.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/nm_mask.h"

namespace flexcim::pruner {

// Masks `layer`'s weights in place; returns the masks by LinearIndex.
std::array<Mask, kNumLinearKinds> PruneBlockLinears(LlamaLayer& layer, const LayerStats& stats,
                                                    const NmPattern& pattern,
                                                    bool hardware_legal, int sel_group);

}  // namespace flexcim::pruner
