// PrunePipeline: FLOW / OWL-style / uniform N:M pruning of a llama2.c model
// (FLEXCIM.md section 7, issue 3): dense calibration -> per-block outlier
// ratio and locality -> pattern per block -> sequential pruning (block i's
// Wanda statistics come from inputs produced by the already-pruned blocks
// before it) with free or hardware-legal masks -> W-bit quantisation.
// With Reconstruction::kObs the sequential step collects each block's
// Hessians through a CalibrationStream (one block run per step) and prunes
// every linear layer with ObsPruneLayer (mask chosen inside the SparseGPT
// pass, kept weights updated) before quantising; kSearch chooses the
// patterns by measured loss (search_selection.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/macro_config.h"
#include "core/nm_pattern.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/channel_permutation.h"
#include "flow_pruner/flow_metrics.h"
#include "flow_pruner/flow_solver.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/measured_costs.h"
#include "flow_pruner/obs_reconstruction.h"
#include "flow_pruner/search_selection.h"
#include "flow_pruner/pruned_container.h"
#include "flow_pruner/selection_priority.h"

namespace flexcim::pruner {

// flow: FLOW's outlier objective; flow-measured: the same DP over measured
// block costs (measured_costs.h); uniform; owl: OWL-style.
// search: measured-loss search over assignments (search_selection.h).
// assigned: the patterns of `PruneSettings::assigned`, chosen elsewhere
// (codesign/: one per block, e.g. by a latency / perplexity search).
enum class PruneMethod { kFlow, kFlowMeasured, kUniform, kOwl, kSearch, kAssigned };
std::string_view PruneMethodName(PruneMethod m);
PruneMethod ParsePruneMethod(std::string_view text);  // UsageError naming --method

// What happens to the kept weights: none (Wanda masks, weights as they
// are) or obs (SparseGPT-style reconstruction, obs_reconstruction.h, with
// sequential calibration through calibration_stream.h).
enum class Reconstruction { kNone, kObs };
std::string_view ReconstructionName(Reconstruction r);
Reconstruction ParseReconstruction(std::string_view text);  // UsageError naming --reconstruct

struct PruneSettings {
  PruneMethod method = PruneMethod::kFlow;
  // uniform: the pattern; owl: its M fixes the block M. Required for both.
  std::optional<NmPattern> nm;
  // assigned: one pattern per block (dense ones as N:N).
  std::vector<NmPattern> assigned;
  double target = 0.5;
  MacroConfig config = MacroConfig::Default();  // candidate set and G
  bool hardware_legal = true;  // false: free N:M masks (not mappable when G > 1)
  std::vector<NmPattern> candidates;  // empty: every pattern `config` runs
  OutlierOptions outliers;            // Hyper_m and --locality-subset
  double alpha = 1.0;
  double beta = 4.0;
  double lamda = 1.0;                 // documented to have no effect
  LocalityDirection locality_direction = LocalityDirection::kCode;  // flow only
  SelectionPriority priority = SelectionPriority::kAccuracy;        // flow, flow-measured
  // flow-measured: costs measured beforehand (the report measures once for
  // every row); null = RunPrune measures them with `config`'s select group
  // and this run's mask kind.
  std::shared_ptr<const MeasuredCosts> measured_costs;
  std::vector<int> keep_dense;        // block indices
  ForcedDenseMode keep_dense_mode = ForcedDenseMode::kSolveOthers;
  bool allow_nearest = false;
  Reconstruction reconstruct = Reconstruction::kNone;
  ObsOptions obs;  // damping and column block of the reconstruction
  int search_samples = 16;  // search: calibration blocks scored per candidate
  // search: non-empty, these token blocks score the candidates instead
  // (`--search-score-blocks`; text outside the calibration slice).
  std::vector<std::vector<int>> search_score_blocks;
  int search_rounds = 12;   // search: rounds of pair moves
  int search_moves = 6;     // search: moves evaluated (forward passes) per round
  SearchGranularity search_granularity = SearchGranularity::kBlock;  // search: per block or per layer
  // Output-channel permutation applied to the dense model before selection
  // and pruning (channel_permutation.h): FFN hidden units and value
  // channels grouped so a select group's G outputs share importance
  // patterns; the written model is the permuted one (the same function).
  ChannelPermutationMethod permute_channels = ChannelPermutationMethod::kNone;
  int threads = 0;
  bool progress = true;
};

// The patterns at which the channel permutation scores the legal masks'
// dropped importance: uniform/owl's --nm, assigned's patterns, otherwise
// the candidates whose sparsity is nearest the target; only those with
// N < M. (1:2 does not depend on G, so it gives the row grouping nothing
// to gain, but its loss is exactly what the input pairing minimises.)
std::vector<NmPattern> PermutationPatterns(const PruneSettings& s);

struct BlockChoice {
  OutlierStats stats;
  double outlier_norm = 0.0;   // normalised O_i in [0, 1]
  double locality_norm = 0.0;  // normalised D_i in [0, 1]
  NmPattern pattern;
  // Per-layer assignments: each linear layer's pattern (pattern is then the
  // one of most of the block's weights); empty: pattern for every layer.
  std::vector<NmPattern> layer_patterns;
  int64_t weights = 0;         // weights in the block's linear layers
  int64_t kept = 0;            // after the mask
  int64_t tile_passes = 0;     // tiles of the block's linear layers on the macro
  std::optional<double> measured_cost;  // flow-measured: c_i of the chosen pattern
};

// Fraction of the blocks' linear-layer weights their masks remove.
double WeightSparsity(const std::vector<BlockChoice>& blocks);

struct PruneResult {
  PruneSettings settings;
  std::vector<BlockChoice> blocks;
  FlowAssignment assignment;
  std::shared_ptr<const MeasuredCosts> measured_costs;  // flow-measured only
  std::shared_ptr<const SearchResult> search;           // search only
  bool normalisation_degenerate_o = false;  // all blocks equal: 0.5 used
  bool normalisation_degenerate_d = false;
  // Mean over blocks of (M-N)/M as applied (forced-dense blocks included).
  double block_sparsity() const { return assignment.achieved_sparsity; }
  // Fraction of linear-layer weights removed (row-end groups with fewer
  // than M inputs keep min(N, inputs), so this can differ slightly).
  double weight_sparsity() const { return WeightSparsity(blocks); }
  LlamaModel pruned;             // fp32, masked (not quantised)
  PrunedContainer container;     // masks + W-bit weights + scales
  std::vector<std::string> warnings;
  // permute_channels != none: the permutations applied and their effect.
  std::optional<ChannelPermutationReport> permutation;
};

// Throws UsageError for a pattern the macro cannot run, a missing --nm, or an
// infeasible target without allow_nearest (the message gives the closest
// achievable sparsity and its assignment).
PruneResult RunPrune(const LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                     const PruneSettings& settings, int w_bits, int a_bits,
                     const std::string& source_model_sha256);

// The same with the dense model's statistics precomputed
// (Calibrate(dense, calibration)), so several runs can share one dense
// calibration (`flexcim prune --report`). The result is identical.
PruneResult RunPrune(const LlamaModel& dense, const CalibrationStats& dense_stats,
                     const std::vector<std::vector<int>>& calibration,
                     const PruneSettings& settings, int w_bits, int a_bits,
                     const std::string& source_model_sha256);

// The same, consuming the dense model: its blocks are pruned in place and
// it becomes PruneResult::pruned, so the process holds one copy of the
// model instead of two (`flexcim prune` evaluates the dense model first).
// The result is identical to RunPrune's.
PruneResult RunPruneInPlace(LlamaModel&& dense, const std::vector<std::vector<int>>& calibration,
                            const PruneSettings& settings, int w_bits, int a_bits,
                            const std::string& source_model_sha256);

// "Layer i: N:M" lines, the reference's text format.
std::string LayerPatternText(const std::vector<BlockChoice>& blocks);
inline std::string LayerPatternText(const PruneResult& r) { return LayerPatternText(r.blocks); }

}  // namespace flexcim::pruner
