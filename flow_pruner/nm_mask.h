// N:M pruning masks over a [out][in] score matrix (FLEXCIM.md sections 4, 7):
// the free N:M mask, the hardware-legal mask for select group G (the exactly
// optimal greedy of section 4) and a legality checker. A mask is a flat
// row-major vector of 0/1 bytes, one per weight (1 = keep).
//
// Groups are M consecutive inputs of one output row, starting at input 0.
// A last group that does not fill M (cols % M != 0) is treated as padded with
// zero-score, zero-weight positions, as the hardware pads K: it keeps at most
// min(N, real positions) real weights. Select groups are aligned sets of G
// consecutive outputs starting at output 0; when rows % G != 0 the last
// select group is just smaller. See docs/FLOW.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/nm_pattern.h"
#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

using Mask = std::vector<uint8_t>;

// Free N:M: in every group keep the N largest scores (ties -> lower input
// index); a partial last group keeps min(N, its size). N = M keeps all.
// Throws UsageError on a bad pattern or malformed matrix, Error on a score
// that is negative or not finite.
Mask FreeNmMask(const Matrix& scores, const NmPattern& pattern);

// The optimal mask legal for select group G: per group of M inputs and per
// select group, take the N largest pair gains (first take of pair p:
// sum_o max(score[o][2p], score[o][2p+1]); second take: sum_o min(...));
// ties -> first takes before second takes, then lower pair index. For each
// output a first take keeps the element with the larger score (ties ->
// element 0), a second take keeps the other. N = M keeps all. Non-dense
// patterns need an even M. Every output of a full group keeps exactly N.
Mask LegalNmMask(const Matrix& scores, const NmPattern& pattern, int sel_group);

// True when `mask` (rows*cols bytes, each 0 or 1) is legal for `pattern`
// and select group G: for every group and select group the kept positions
// fit in N slots whose pairs the outputs share, i.e.
// sum over pairs p of max over outputs of (kept elements of p) <= N.
// On false, *why (when non-null) names the first violation. Throws
// UsageError on bad arguments (size mismatch, bad pattern, G < 1).
bool IsLegalMask(std::span<const uint8_t> mask, int rows, int cols, const NmPattern& pattern,
                 int sel_group, std::string* why);

// Zeroes the weights the mask drops. Throws UsageError on a size mismatch.
void ApplyMask(Matrix& weight, std::span<const uint8_t> mask);

// Kept count of `mask`.
int64_t KeptCount(std::span<const uint8_t> mask);

}  // namespace flexcim::pruner
