// RunBlockModelPrune: the pruning flow of prune_pipeline.h on any
// BlockLinearModel (RWKV, Mamba): a block is one layer of the family and its
// linear layers (BlockLinearModel::LinearNames()). The same steps as for a
// Llama: dense calibration (Wanda S_j of every linear layer's input) ->
// per-block outlier ratio and locality over the block's linear layers ->
// one pattern per block (flow, uniform or owl, flow_solver.h) -> sequential
// pruning (block i's statistics from the already-pruned blocks before it,
// one block run per step on every calibration sample's activations) with
// hardware-legal or free masks, Wanda masks (Reconstruction::kNone) or OBS
// reconstruction from H = X^T X of each layer's own inputs (kObs,
// obs_reconstruction.h) -> W-bit quantisation into the pruned container.
// flow-measured and search (which run a Llama forward pass) and the latency
// priorities (which count a Llama block's tiles) are refused by name.
// Calibration samples are summed in fixed chunks of consecutive samples and
// the chunks in order: the result does not depend on the thread count.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "flow_pruner/block_linear_model.h"
#include "flow_pruner/prune_pipeline.h"

namespace flexcim::pruner {

struct BlockModelPruneResult {
  PruneSettings settings;
  std::vector<std::string> linear_names;  // of every block
  std::vector<BlockChoice> blocks;
  FlowAssignment assignment;
  bool normalisation_degenerate_o = false;
  bool normalisation_degenerate_d = false;
  std::unique_ptr<BlockLinearModel> pruned;  // fp32, masked (not quantised)
  PrunedContainer container;                 // masks + W-bit weights + scales
  std::vector<std::string> warnings;
  double block_sparsity() const { return assignment.achieved_sparsity; }
  double weight_sparsity() const;
};

// Throws UsageError for a method or priority named above, a pattern the
// macro cannot run, a missing --nm, an infeasible target without
// allow_nearest, or a layer with fewer inputs than a chosen M (naming the
// block and layer).
BlockModelPruneResult RunBlockModelPrune(const BlockLinearModel& dense,
                                         const std::vector<std::vector<int>>& calibration,
                                         const PruneSettings& settings, int w_bits, int a_bits,
                                         const std::string& source_model_sha256);

// "Layer i: N:M" lines, the reference's text format.
std::string LayerPatternText(const BlockModelPruneResult& r);

}  // namespace flexcim::pruner
