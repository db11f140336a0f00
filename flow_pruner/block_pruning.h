// PruneBlockLinears: one transformer block's seven linear layers pruned with
// one N:M pattern, Wanda scores |W_ij| * sqrt(S_j) from `stats`, and either
// the hardware-legal mask for select group G or the free N:M mask (dense
// patterns keep everything). Used by the pipeline (sequential pruning) and
// by the measured selection cost (measured_costs.h), so both prune a block
// the same way.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/nm_pattern.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/calibration_stream.h"
#include "flow_pruner/obs_reconstruction.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/nm_mask.h"

namespace flexcim::pruner {

// Masks `layer`'s weights in place; returns the masks by LinearIndex.
std::array<Mask, kNumLinearKinds> PruneBlockLinears(LlamaLayer& layer, const LayerStats& stats,
                                                    const NmPattern& pattern,
                                                    bool hardware_legal, int sel_group);

// The same block pruned with OBS reconstruction (obs_reconstruction.h):
// each linear layer's mask is chosen inside the SparseGPT pass from its
// Hessian and the kept weights are updated. Layers run in parallel
// (`threads`). A layer whose calibration inputs are all zero is pruned by
// |W| without the update and named in `warnings` ("block <i> layer <name>:
// ..."), as is a layer whose H needed more damping than asked.
std::array<Mask, kNumLinearKinds> ReconstructBlockLinears(
    LlamaLayer& layer, int block, const BlockHessians& hessians, const NmPattern& pattern,
    bool hardware_legal, int sel_group, int threads, std::vector<std::string>& warnings,
    const ObsOptions& options = {});

}  // namespace flexcim::pruner
