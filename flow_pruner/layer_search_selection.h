// `flexcim prune --method search --search-granularity layer` (issue 17): the
// N:M pattern of every linear layer on its own, so the parameter-weighted
// mean sparsity can be met with denser and sparser layers inside a block
// (e.g. attention denser, the FFN sparser) at the macro's few sparsity
// levels (0, 1/2, 3/4, 7/8).
//
// 1. Variants: every linear layer pruned with every sparse candidate from
//    the DENSE model's inputs of its block (as the per-block search does);
//    per layer and sparsity level only the candidate with the smallest
//    layer output error ||W X^T - W' X^T||^2 is kept (LayerOutputError).
// 2. Single-layer loss d_l(level): mean next-token NLL of the score samples
//    with only layer l replaced by that variant, minus the dense model's:
//    one forward pass from the layer's block on (the dense inputs of every
//    block are cached).
// 3. Start: the better (joint NLL, one forward pass each) of the exact
//    weighted DP over sum_l d_l (SolveWeightedLevels: the sum over layers of
//    weights x sparsity equals target x all weights exactly) and every layer
//    at the target's level.
// 4. Local search: a move changes two or three layers' levels so the
//    weighted sum stays exactly the same; each round ranks every move by its
//    additive estimate, evaluates the best `moves_per_round` by the joint NLL
//    (from the first changed block on, from cached residual streams) and
//    takes the best if it lowers the NLL; at most `max_rounds` rounds.
// Selection never sees text outside the calibration slice. In the result,
// loss_delta has one row per layer (block-major, the seven linear layers of
// a block in file order) and +infinity where a candidate was not measured
// (another one of its sparsity had the smaller output error).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "flow_pruner/search_selection.h"

namespace flexcim::pruner {

SearchResult SearchLayerAssignment(const LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                                   const SearchOptions& options);

// One option per item, (units, cost) each, such that the units add up to
// `target` exactly at the least total cost (units >= 0). Returns the chosen
// option of every item, or an empty vector when no choice adds up to
// `target` (or there are no items).
std::vector<int> SolveWeightedLevels(const std::vector<std::vector<std::pair<int64_t, double>>>& options,
                                     int64_t target);

}  // namespace flexcim::pruner
