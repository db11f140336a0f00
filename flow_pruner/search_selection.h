// `flexcim prune --method search` (issue 17): the per-block N:M assignment
// at a target mean sparsity chosen by measured loss on calibration text,
// with the same pruning (OBS reconstruction or Wanda masks) inside the loop.
//
// 1. Variants: block i pruned with every sparse candidate p, from the
//    DENSE model's inputs of block i (the blocks before it dense: one pass
//    of the calibration text through the dense model gives every block's
//    H, so a variant does not depend on the assignment of the blocks before
//    it -- the approximation; the chosen assignment is then pruned
//    sequentially by the pipeline as for every method, so the final model's
//    blocks see their pruned predecessors).
// 2. Single-block loss d_i(p): mean next-token NLL of the score samples (the
//    first `score_samples` calibration blocks) with only block i replaced by
//    its variant, minus the dense model's. Per block and sparsity level only
//    the variant with the smallest d_i is kept (memory: one variant per
//    block and level).
// 3. Start: the better (by the joint NLL of the score samples, one forward
//    pass each) of the exact DP over sum_i d_i (flow_solver.h, the target met
//    exactly) and every block at the target's level.
// 4. Local search: a move changes two blocks' levels so the sum of
//    sparsities stays exactly the same; each round ranks every move by the
//    additive estimate (sum of d changes), evaluates the best `moves_per_round`
//    (`--search-moves`)
//    by the joint NLL (from the first changed block on, the residual streams
//    of the blocks before it are cached) and takes the best if it lowers the
//    NLL; stops when no evaluated move improves or after `max_rounds`.
// Selection never sees text outside the calibration slice, or outside the
// score blocks when they are given (`--search-score-blocks`).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/nm_pattern.h"
#include "flow_pruner/flow_solver.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/obs_reconstruction.h"

namespace flexcim::pruner {

// What one choice of the search covers: a whole block (its seven linear
// layers share a pattern), or each linear layer on its own
// (layer_search_selection.h).
enum class SearchGranularity { kBlock, kLayer };
std::string_view SearchGranularityName(SearchGranularity g);
// "block" or "layer"; UsageError naming --search-granularity otherwise.
SearchGranularity ParseSearchGranularity(std::string_view text);

struct SearchOptions {
  std::vector<NmPattern> candidates;  // dense ones included
  SearchGranularity granularity = SearchGranularity::kBlock;
  double target = 0.5;
  std::vector<int> keep_dense;
  bool hardware_legal = true;
  int sel_group = 1;
  bool reconstruct = true;  // OBS variants; false: Wanda masks
  ObsOptions obs;
  int score_samples = 16;
  // Non-empty: every one of these blocks scores the candidates instead of
  // the first score_samples calibration blocks (text the reconstruction
  // has not seen, so the score is not fitted to it).
  std::vector<std::vector<int>> score_blocks;
  int max_rounds = 12;
  int moves_per_round = 6;
  int threads = 0;
  bool progress = true;
};

struct SearchResult {
  FlowAssignment assignment;
  std::vector<NmPattern> candidates;              // sparse candidates measured
  std::vector<std::vector<double>> loss_delta;    // [block][candidate]: d_i(p)
  double dense_nll = 0.0;   // score samples, dense model
  double start_nll = 0.0;   // joint NLL of the starting assignment (variants)
  double final_nll = 0.0;   // joint NLL of the chosen assignment (variants)
  std::string start;        // "dp" or "uniform level"
  int evaluations = 0;      // joint NLL evaluations (forward passes over the score samples)
  // Per-layer search only (NaN otherwise): the sums of the single-layer loss
  // increases of every layer at the target's level and of the weighted DP's
  // mix. If losses added, no mix could lower the score samples' perplexity
  // by more than 1 - exp(additive_best_mix - additive_target_level).
  double additive_target_level = std::numeric_limits<double>::quiet_NaN();
  double additive_best_mix = std::numeric_limits<double>::quiet_NaN();
  int rounds = 0;
  std::vector<std::string> log;  // one line per accepted move
};

// Sparsity (M-N)/M as an exact fraction over kSearchDenominator (every M
// the macro runs divides it), so sums of levels compare exactly; UsageError
// for an M that does not divide it.
inline constexpr int64_t kSearchDenominator = 8 * 9 * 5 * 7 * 16;
int64_t SearchSparsityUnits(const NmPattern& p);

// Dispatches on options.granularity (kLayer: SearchLayerAssignment).
SearchResult SearchAssignment(const LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                              const SearchOptions& options);

// Mean next-token NLL of `samples` whose residual streams at block `first`
// are `inputs`, with `layers[b]` for blocks b >= first (samples in parallel,
// sums in sample order). When `cache` is given, (*cache)[b][s] receives
// block b's input for b > first.
double SuffixNll(const LlamaModel& model, const std::vector<const LlamaLayer*>& layers, int first,
                 const std::vector<Matrix>& inputs, const std::vector<std::vector<int>>& samples,
                 int threads, std::vector<std::vector<Matrix>>* cache);

// The score samples (the first `count` of `blocks` with 2 or more tokens);
// Error naming them as `what` blocks when none.
std::vector<std::vector<int>> SearchScoreSamples(const std::vector<std::vector<int>>& blocks, int count,
                                                 std::string_view what = "calibration");

// What every search (per block or per layer) starts from: the sparse
// candidates (sorted, unique; UsageError when none), the dense ones given,
// the score samples, the dense model's blocks, every block's dense input on them ([b][s]; filled by
// the dense pass) and the dense model's NLL on them. `label` names the
// search in the progress line.
struct SearchStart {
  std::vector<NmPattern> sparse_candidates;
  std::vector<NmPattern> dense_candidates;
  std::vector<std::vector<int>> scored;
  std::vector<std::vector<Matrix>> dense_inputs;
  std::vector<const LlamaLayer*> dense_layers;  // &dense.layers[b]
  double dense_nll = 0.0;
  // A result that starts from this: the sparse candidates (moved out) and
  // the dense NLL.
  SearchResult SeededResult() {
    SearchResult result;
    result.candidates = std::move(sparse_candidates);
    result.dense_nll = dense_nll;
    return result;
  }
};
SearchStart StartSearch(const LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                        const SearchOptions& options, const char* label);

}  // namespace flexcim::pruner
