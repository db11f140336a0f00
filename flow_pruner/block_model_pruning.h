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

#include <functional>
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
  double weight_sparsity() const { return WeightSparsity(blocks); }
};

// Wanda S_j of every block's linear layers: [block][layer index][input].
using BlockLinearStats = std::vector<std::vector<std::vector<double>>>;

// The dense model's statistics, one block per step over every sample's
// activations: per sample the sum over its tokens of x_j^2, the samples
// added in order and divided by their count (as calibration.h computes
// them, bit for bit).
BlockLinearStats CalibrateBlocks(const BlockLinearModel& dense,
                                 const std::vector<std::vector<int>>& calibration, int threads,
                                 bool progress);

// What a family's own pipeline adds (prune_pipeline.h for a Llama).
struct BlockPruneHooks {
  // CalibrateBlocks(dense, calibration) computed beforehand; null: computed here.
  const BlockLinearStats* dense_stats = nullptr;
  // Chooses the assignment from the normalised O_i and D_i instead of
  // flow/uniform/owl (then every method and priority is accepted).
  std::function<FlowAssignment(const std::vector<double>& o_norm, const std::vector<double>& d_norm)> select;
  // When set: the model to prune (the same weights as `dense`, e.g. `dense`
  // itself, whose owner hands it over) instead of dense.CloneModel(); the
  // pipeline reads `dense` no more once pruning starts.
  std::unique_ptr<BlockLinearModel>* prune_in_place = nullptr;
};

// Throws UsageError for a method or priority named above (without
// hooks.select), a pattern the macro cannot run, a missing --nm, an
// infeasible target without allow_nearest, or a layer with fewer inputs
// than a chosen M (naming the block and layer).
BlockModelPruneResult RunBlockModelPrune(const BlockLinearModel& dense,
                                         const std::vector<std::vector<int>>& calibration,
                                         const PruneSettings& settings, int w_bits, int a_bits,
                                         const std::string& source_model_sha256,
                                         const BlockPruneHooks& hooks = {});

// The solver options of `settings` (alpha, beta, candidates, target,
// forced-dense blocks and mode, locality direction).
FlowSolverOptions SolverOptions(const PruneSettings& settings);

// "Layer i: N:M" lines, the reference's text format.
inline std::string LayerPatternText(const BlockModelPruneResult& r) { return LayerPatternText(r.blocks); }

}  // namespace flexcim::pruner
