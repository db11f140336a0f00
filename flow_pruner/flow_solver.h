// The FLOW pattern assignment (FLEXCIM.md section 7): choose one N:M
// pattern per transformer block minimising
//   sum_i alpha*|N_i - O_i*maxN| + beta*|M_i - (1-D_i)*maxM|
// subject to mean_i (M_i-N_i)/M_i == target, by an exact dynamic programme
// over integer sparsity sums. Also the OWL-style and uniform baselines.
// See docs/FLOW.md for every decision.
#pragma once

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "core/nm_pattern.h"

namespace flexcim::pruner {

// How blocks forced dense (the reference's keep-first/last) are handled.
enum class ForcedDenseMode {
  // Default: forced blocks are fixed dense (sparsity 0) and the others are
  // solved so the mean over ALL blocks equals the target when possible.
  kSolveOthers,
  // Reference behaviour: solve every block for the target, then override
  // the forced blocks to dense (the achieved mean is then below target).
  kOverrideAfterSolve,
};

// Which way outlier locality D_i pulls a block's M (FLEXCIM.md section 7):
// kCode is the reference code's term |M - (1-D_i)*maxM| (clustered outliers
// -> small M); kFigure is its README figure's |M - D_i*maxM| (clustered
// outliers -> large M).
enum class LocalityDirection { kCode, kFigure };
std::string_view LocalityDirectionName(LocalityDirection d);
LocalityDirection ParseLocalityDirection(std::string_view text);  // UsageError naming the flag

struct FlowSolverOptions {
  double alpha = 1.0;
  double beta = 4.0;
  // Candidate patterns; duplicates are ignored. maxN / maxM of the objective
  // are the largest N and largest M in this set.
  std::vector<NmPattern> candidates;
  double target_sparsity = 0.5;  // mean of (M-N)/M over all blocks, in [0, 1)
  std::vector<int> forced_dense;  // block indices kept dense
  ForcedDenseMode forced_mode = ForcedDenseMode::kSolveOthers;
  LocalityDirection locality_direction = LocalityDirection::kCode;  // SolveFlow only
};

struct FlowAssignment {
  std::vector<NmPattern> patterns;  // one per block
  // Per-layer assignments (`--search-granularity layer`): [block][linear
  // layer] the pattern of each layer, patterns[block] then the pattern of
  // most of the block's weights, and achieved_sparsity the fraction of
  // linear-layer weights pruned. Empty: every layer has patterns[block].
  std::vector<std::vector<NmPattern>> layer_patterns;
  double objective = 0.0;           // over all blocks, forced ones included
  double achieved_sparsity = 0.0;   // mean over all blocks, forced ones included
  double target_sparsity = 0.0;
  // achieved_sparsity equals the target (the sums match exactly). When false
  // the assignment is the nearest achievable one and callers must refuse it
  // unless the user allowed it (--allow-nearest).
  bool exact = true;
  // kOverrideAfterSolve only: whether the solve before the override hit the
  // target exactly (equals `exact` in kSolveOthers mode).
  bool solve_exact = true;
};

// The reference repository's candidate set {2:4, 4:4, 2:8, 4:8, 8:8}.
std::vector<NmPattern> ReferenceCandidates();

// The cost of one block: alpha*|N - o*maxN| + beta*|M - (1-d)*maxM|.
double BlockCost(const NmPattern& p, double o, double d, double alpha, double beta, int max_n,
                 int max_m);

// The objective of a full assignment, summed in block order.
double FlowObjective(std::span<const NmPattern> patterns, std::span<const double> outlier_norm,
                     std::span<const double> locality_norm, double alpha, double beta,
                     int max_n, int max_m);

// Solves FLOW. outlier_norm and locality_norm are the normalised O_i and D_i
// (in [0,1], one per block). Ties: among assignments whose objective is within
// 1e-9 of the optimum, the lexicographically smallest list of (M, N) pairs in
// block order. When no assignment hits the target, returns the one whose mean
// sparsity is closest (then minimal objective, then the same tie rule) with
// exact = false. Forced-dense blocks get the dense candidate with the smallest
// cost (ties: smallest (M, N)), or maxM:maxM when the set has no dense
// pattern. Throws UsageError naming the bad value.
FlowAssignment SolveFlow(std::span<const double> outlier_norm,
                         std::span<const double> locality_norm, const FlowSolverOptions& options);

// The same exact DP for any per-block cost: cost(block, pattern) >= 0 and
// finite for every block and candidate (UsageError otherwise). Targets,
// forced-dense blocks, the nearest-sum fallback and the tie rule are exactly
// SolveFlow's; objective is the sum of cost over all blocks. alpha, beta and
// locality_direction of `options` are not used.
using BlockCostFunction = std::function<double(int block, const NmPattern& pattern)>;
FlowAssignment SolveAssignment(int blocks, const BlockCostFunction& cost,
                               const FlowSolverOptions& options);

// OWL-style baseline: the same solver with beta = 0 and the candidate set
// restricted to patterns with M == m (UsageError when none remains).
FlowAssignment SolveOwl(std::span<const double> outlier_norm, const FlowSolverOptions& options,
                        int m);

// Uniform baseline: every block gets `pattern` (forced-dense blocks of
// `forced_dense` get pattern.m:pattern.m). objective is 0 (not evaluated);
// exact tells whether the mean hits target_sparsity.
FlowAssignment UniformAssignment(int blocks, const NmPattern& pattern, double target_sparsity,
                                 std::span<const int> forced_dense = {});

}  // namespace flexcim::pruner
