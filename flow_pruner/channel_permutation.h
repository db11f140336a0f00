// Function-preserving channel permutations before N:M pruning (issue 17;
// after Pool & Yu, "Channel Permutations for N:M Sparsity", 2021). Two
// levers (docs/FLOW.md, "Channel permutation before pruning"):
//   - rows: group the outputs of a layer so the G outputs of a select group,
//     which share one pair choice per group of M inputs (FLEXCIM.md
//     section 4), have similar importance along K;
//   - inputs: pair input channels so each pair (2q, 2q+1) holds channels a
//     row rarely needs both of (a first take of a shared pair keeps each
//     row's larger element), which is what the shared masks lose least on.
//
// Every permutation is an exact reparametrisation of a Llama model, so the
// permuted model is an ordinary model (eval, eval --on-macro, map and the
// Hugging Face export need nothing new):
//   - FFN: one permutation of the hidden units, applied to the rows of w1
//     and w3 and to the columns (K) of w2;
//   - attention value path: one permutation within each KV head, applied to
//     wv's rows (and bv) and to the matching columns of wo for every query
//     head that reads that KV head;
//   - residual stream (inputs only): one permutation for the model, applied
//     to embedding/classifier columns, RMSNorm gains, the columns of wq wk
//     wv w1 w3 and the rows of wo w2.
// wq/wk rows are NOT permuted: the forward pass gives RoPE pair i of a head
// the frequency theta^(-2i/head_size), so moving a pair to another index
// changes its rotation and q.k (llama2.c's file has no per-pair frequency
// table the forward pass reads).
//
// The row grouping (GroupRowsForSharedMasks): rows are scored by Wanda
// importance |W_oj| * sqrt(S_j); a select group's cost is the importance
// its hardware-legal mask drops (LegalNmMask's optimal shared choice, summed
// over the given patterns). Groups are built one at a time: the unassigned
// row of largest total importance seeds a group, then the row whose addition
// increases the group's dropped importance least joins it, until it has G
// rows. The result is kept only if its total dropped importance is below the
// identity's, so it never increases it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/nm_pattern.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

// none: the model as given; rows: the output-channel grouping above (FFN
// hidden units, value channels); inputs: input channels paired
// (PairedInputOrder) for the residual stream, w2 and wo; both: rows
// grouped, then w2's and wo's inputs paired inside each select group.
enum class ChannelPermutationMethod { kNone, kRows, kInputs, kBoth };
std::string_view ChannelPermutationName(ChannelPermutationMethod m);
// UsageError "--permute-channels X: must be one of none, rows, inputs, both".
ChannelPermutationMethod ParseChannelPermutation(std::string_view text);

// The importance the hardware-legal masks (one per pattern, select group G)
// of `scores` drop, summed over `patterns`, with the rows in the order
// `order` (new row i = old row order[i]; empty = identity). Equal to
// summing the scores LegalNmMask(permuted scores, p, G) drops.
double SharedMaskDroppedScore(const Matrix& scores, const std::vector<NmPattern>& patterns, int sel_group,
                              const std::vector<int>& order = {});

// A row order (new row i = old row order[i]) grouping the rows of `scores`
// into select groups of G by the greedy above; the identity when it is not
// strictly better or when G = 1 or there is at most one group. Scores must
// be finite and >= 0.
std::vector<int> GroupRowsForSharedMasks(const Matrix& scores, const std::vector<NmPattern>& patterns,
                                         int sel_group);

// Input-channel balancing (Pool & Yu's aim, by a simple rule): channels
// sorted by importance, then laid out strongest, weakest, 2nd strongest,
// 2nd weakest, ... so each pair (2q, 2q+1) of inputs holds one strong and
// one weak channel and a group of M holds M/2 strong ones. A pair's first
// take keeps each row's larger element, so under a shared pair choice the
// rows still keep their strong channels. Returns the order (new position i
// holds channel order[i]).
std::vector<int> BalancedInputOrder(const std::vector<double>& importance);

// Input-channel pairing: the channels (columns of every matrix in
// `scores`, e.g. Wanda scores of the layers sharing that input) matched in
// pairs so that the summed min(s_rj, s_rk) over layers and rows is small
// (each layer weighted by 1 / its total score). That sum is what a legal
// mask drops when it takes every pair once (each row keeps the larger of
// each pair), so it bounds the shared masks' loss at every G. Start:
// BalancedInputOrder's pairs; then 2-opt exchanges between two pairs while
// one lowers the sum. The pairs are laid out by BalancedInputOrder of
// their importance, the stronger channel first. Returns the order.
std::vector<int> PairedInputOrder(const std::vector<Matrix>& scores, int threads);

// Permutes the residual stream of `model` (new channel i = old order[i]):
// embedding and classifier columns, every RMSNorm weight, the columns of
// wq wk wv w1 w3 and the rows of wo w2. Exact up to float summation order.
void PermuteResidualStream(LlamaModel& model, const std::vector<int>& order);

// One block's permutations: ffn over hidden units (rows of w1/w3, columns
// of w2), value over kv_dim (rows of wv, within each KV head); empty =
// identity.
struct BlockChannelPermutation {
  std::vector<int> ffn;
  std::vector<int> value;
};

// Applies the permutations to block `block` of `model` (exact: the logits
// do not change beyond float summation order). Throws Error when a
// permutation is not a bijection of the right size or moves a value
// channel to another head.
void PermuteBlockChannels(LlamaModel& model, int block, const BlockChannelPermutation& p);

// What the permutation changed in one block, as Wanda importance dropped by
// the legal masks at the grouping's patterns and G (before -> after):
// w1+w3 and wv (the grouped rows) and w2, wo (whose K moved).
struct BlockPermutationEffect {
  double rows_before = 0.0, rows_after = 0.0;      // w1 + w3 + wv
  double rows_free = 0.0;  // the same rows at G = 1: what no grouping can beat
  double k_moved_before = 0.0, k_moved_after = 0.0;  // w2 + wo
};

struct ChannelPermutationReport {
  std::vector<int> residual;  // the residual stream's order (inputs); empty = identity
  // ResidualInputLoss before and after (normalised dropped importance of
  // wq wk wv w1 w3 summed over blocks).
  double residual_before = 0.0, residual_after = 0.0;
  std::vector<BlockChannelPermutation> blocks;
  std::vector<BlockPermutationEffect> effects;
  std::vector<NmPattern> patterns;  // what the grouping minimised
};

// Chooses (by `method`) and applies the permutations of every block of
// `model` from the dense statistics `stats` (Wanda S_j of every layer's
// input), and permutes `stats` to match the permuted model, so the
// statistics stay those of the model. `patterns` are the non-dense
// patterns the pruning will use: the legal masks' dropped importance is
// scored at them (grouping, and the keep-only-if-lower checks). Rows: the
// value path is grouped only when G divides the head size (a select group
// then lies inside one head), the FFN when G < hidden_dim. Inputs: each
// permutation (residual stream, w2's K, wo's K) is kept only if the dropped
// importance of the layers whose K it moves falls. Nothing for none or no
// patterns.
ChannelPermutationReport PermuteChannelsForSharedMasks(LlamaModel& model, CalibrationStats& stats,
                                                       const std::vector<NmPattern>& patterns, int sel_group,
                                                       ChannelPermutationMethod method, int threads);

}  // namespace flexcim::pruner
