// Measured selection cost (`--method flow-measured`, docs/FLOW.md): instead
// of predicting a block's sensitivity from its outliers, prune the block
// with each candidate pattern and measure the damage on the calibration
// text. Block i pruned with pattern p (Wanda scores from the dense
// statistics, the mask kind the pruning uses: hardware-legal for the
// macro's select group, or free), every other block dense:
// - output error  r_i(p) = ||Y_i^p - Y_i||_F / ||Y_i||_F, Y_i the dense
//   block's output (the residual stream after block i) on the dense inputs
//   of block i over all calibration tokens, Y_i^p the pruned block's;
// - loss increase d_i(p) = mean next-token NLL of the calibration text
//   with block i pruned minus the dense model's (nats per prediction).
// The DP minimises sum_i c_i(p_i) with c_i(p) = d_i(p) - min_q d_i(q)
// (>= 0; a per-block constant does not change the argmin, and a sum of
// per-block loss increases is the first-order estimate of the pruned
// model's loss increase, i.e. of log perplexity). r_i(p) is reported beside
// it: summed over blocks it is no estimate of the loss (it saturates near
// 0.5 for every sparse pattern on stories260K, so the DP prefers dense
// blocks next to 1:8 ones; docs/FLOW.md has the numbers). Every block is
// measured on the dense model's inputs, so a block's cost does not depend
// on the patterns of the blocks before it and the exact DP over blocks
// applies unchanged; the pruning that follows is sequential as for every
// method. Samples run in parallel; per-sample sums (double) are added in
// sample order, so the costs do not depend on the thread count.
#pragma once

#include <vector>

#include "core/nm_pattern.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

struct MeasuredCosts {
  std::vector<NmPattern> candidates;            // as measured
  std::vector<std::vector<double>> loss_delta;  // [block][candidate]: d_i(p)
  std::vector<std::vector<double>> output_error;  // [block][candidate]: r_i(p)
  double dense_nll = 0.0;                       // calibration mean NLL, dense
  bool hardware_legal = true;
  int sel_group = 1;
  int samples = 0;
  int64_t predictions = 0;

  // c_i(p) = d_i(p) - min over candidates of d_i; d_i(p) = 0 for a dense p.
  // Throws Error for a sparse p not measured or a block out of range.
  double Cost(int block, const NmPattern& p) const;
};

struct MeasureOptions {
  bool hardware_legal = true;
  int sel_group = 1;
  int threads = 0;
  bool progress = true;
};

MeasuredCosts MeasureBlockCosts(const LlamaModel& dense, const CalibrationStats& dense_stats,
                                const std::vector<std::vector<int>>& calibration,
                                const std::vector<NmPattern>& candidates,
                                const MeasureOptions& options);

}  // namespace flexcim::pruner
