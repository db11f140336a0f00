#include "flow_pruner/flow_solver.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/errors.h"

namespace flexcim::pruner {

namespace {

constexpr double kTieEps = 1e-9;     // objectives closer than this are tied
constexpr double kTargetEps = 1e-9;  // target*L*unit must be this close to an integer
constexpr long long kMaxUnit = 1 << 16;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Lexicographic order on (M, N), the order ties are broken in.
bool MnLess(const NmPattern& a, const NmPattern& b) {
  return a.m != b.m ? a.m < b.m : a.n < b.n;
}

void RequirePattern(const NmPattern& p, std::string_view what) {
  if (p.n < 1 || p.m < 1 || p.n > p.m) {
    throw UsageError(fmt::format("{} {}: must be N:M with 1 <= N <= M", what, p.ToString()));
  }
}

void RequireTarget(double target) {
  if (!std::isfinite(target) || target < 0 || target >= 1) {
    throw UsageError(fmt::format("--sparsity {}: must be in [0, 1)", target));
  }
}

std::vector<int> ValidForced(std::span<const int> forced, int blocks) {
  std::vector<int> out(forced.begin(), forced.end());
  for (int f : out) {
    if (f < 0 || f >= blocks) {
      throw UsageError(
          fmt::format("forced-dense block {}: must be in [0, {}) ({} blocks)", f, blocks, blocks));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Sum of units (sparsity * unit) of `patterns`; every M divides `unit`.
long long SparsityUnits(std::span<const NmPattern> patterns, long long unit) {
  long long s = 0;
  for (const auto& p : patterns) s += static_cast<long long>(p.m - p.n) * (unit / p.m);
  return s;
}

}  // namespace

std::vector<NmPattern> ReferenceCandidates() {
  return {{2, 4}, {4, 4}, {2, 8}, {4, 8}, {8, 8}};
}

double BlockCost(const NmPattern& p, double o, double d, double alpha, double beta, int max_n,
                 int max_m) {
  return alpha * std::fabs(p.n - o * max_n) + beta * std::fabs(p.m - (1.0 - d) * max_m);
}

double FlowObjective(std::span<const NmPattern> patterns, std::span<const double> outlier_norm,
                     std::span<const double> locality_norm, double alpha, double beta,
                     int max_n, int max_m) {
  if (patterns.size() != outlier_norm.size() || patterns.size() != locality_norm.size()) {
    throw UsageError(fmt::format("FlowObjective: {} patterns, {} outlier ratios, {} localities",
                                 patterns.size(), outlier_norm.size(), locality_norm.size()));
  }
  double total = 0;
  for (size_t i = 0; i < patterns.size(); ++i) {
    total += BlockCost(patterns[i], outlier_norm[i], locality_norm[i], alpha, beta, max_n, max_m);
  }
  return total;
}

std::string_view LocalityDirectionName(LocalityDirection d) {
  return d == LocalityDirection::kFigure ? "figure" : "code";
}

LocalityDirection ParseLocalityDirection(std::string_view text) {
  if (text == "code") return LocalityDirection::kCode;
  if (text == "figure") return LocalityDirection::kFigure;
  throw UsageError(fmt::format("--locality-direction {}: must be one of code, figure", text));
}

FlowAssignment SolveFlow(std::span<const double> outlier_norm,
                         std::span<const double> locality_norm, const FlowSolverOptions& options) {
  if (outlier_norm.empty()) throw UsageError("SolveFlow: no blocks");
  if (outlier_norm.size() != locality_norm.size()) {
    throw UsageError(fmt::format("SolveFlow: {} outlier ratios but {} localities",
                                 outlier_norm.size(), locality_norm.size()));
  }
  if (outlier_norm.size() > 100000) {
    throw UsageError(fmt::format("SolveFlow: {} blocks is too many", outlier_norm.size()));
  }
  const int blocks = static_cast<int>(outlier_norm.size());
  for (int i = 0; i < blocks; ++i) {
    for (auto [name, v] : {std::pair{"outlier ratio", outlier_norm[i]},
                           std::pair{"locality", locality_norm[i]}}) {
      if (!std::isfinite(v) || v < 0 || v > 1) {
        throw UsageError(
            fmt::format("SolveFlow: normalised {} of block {} = {} must be in [0, 1]", name, i, v));
      }
    }
  }
  if (!std::isfinite(options.alpha) || options.alpha < 0) {
    throw UsageError(fmt::format("--alpha {}: must be finite and >= 0", options.alpha));
  }
  if (!std::isfinite(options.beta) || options.beta < 0) {
    throw UsageError(fmt::format("--beta {}: must be finite and >= 0", options.beta));
  }
  int max_n = 0, max_m = 0;
  for (const auto& p : options.candidates) {
    max_n = std::max(max_n, p.n);
    max_m = std::max(max_m, p.m);
  }
  // The figure's direction is the code's term with D_i replaced by 1 - D_i.
  std::vector<double> d(locality_norm.begin(), locality_norm.end());
  if (options.locality_direction == LocalityDirection::kFigure) {
    for (double& v : d) v = 1.0 - v;
  }
  const double alpha = options.alpha, beta = options.beta;
  return SolveAssignment(
      blocks,
      [&](int block, const NmPattern& p) {
        return BlockCost(p, outlier_norm[block], d[block], alpha, beta, max_n, max_m);
      },
      options);
}

FlowAssignment SolveAssignment(int blocks, const BlockCostFunction& cost_fn,
                               const FlowSolverOptions& options) {
  // ---- validation
  if (blocks < 1) throw UsageError("SolveAssignment: no blocks");
  if (blocks > 100000) throw UsageError(fmt::format("SolveAssignment: {} blocks is too many", blocks));
  RequireTarget(options.target_sparsity);
  if (options.candidates.empty()) throw UsageError("--candidates: the candidate set is empty");
  std::vector<NmPattern> cands = options.candidates;
  for (const auto& p : cands) RequirePattern(p, "--candidates");
  std::sort(cands.begin(), cands.end(), MnLess);
  cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
  const std::vector<int> forced = ValidForced(options.forced_dense, blocks);

  int max_m = 0;
  long long unit = 1;
  for (const auto& p : cands) {
    max_m = std::max(max_m, p.m);
    unit = std::lcm(unit, static_cast<long long>(p.m));
    if (unit > kMaxUnit) {
      throw UsageError(fmt::format(
          "--candidates: the least common multiple of the M values exceeds {}", kMaxUnit));
    }
  }
  // Every cost once, checked: cost_table[block][candidate].
  std::vector<std::vector<double>> cost_table(blocks, std::vector<double>(cands.size()));
  for (int b = 0; b < blocks; ++b) {
    for (size_t k = 0; k < cands.size(); ++k) {
      const double c = cost_fn(b, cands[k]);
      if (!std::isfinite(c) || c < 0) {
        throw UsageError(fmt::format("block {} pattern {}: cost {} must be finite and >= 0", b,
                                     cands[k].ToString(), c));
      }
      cost_table[b][k] = c;
    }
  }
  auto cost_of = [&](int block, size_t k) { return cost_table[block][k]; };
  std::vector<long long> units(cands.size());
  for (size_t k = 0; k < cands.size(); ++k) {
    units[k] = static_cast<long long>(cands[k].m - cands[k].n) * (unit / cands[k].m);
  }

  // The dense pattern a forced block gets.
  auto dense_for = [&](int block) {
    NmPattern best{max_m, max_m};
    double best_cost = kInf;
    for (size_t k = 0; k < cands.size(); ++k) {
      if (!cands[k].dense()) continue;
      const double c = cost_of(block, k);
      if (c < best_cost - kTieEps) best = cands[k], best_cost = c;  // sorted: ties keep first
    }
    return best;
  };

  // ---- which blocks the DP solves
  const bool solve_others = options.forced_mode == ForcedDenseMode::kSolveOthers;
  std::vector<int> free_blocks;
  for (int i = 0; i < blocks; ++i) {
    if (!solve_others || !std::binary_search(forced.begin(), forced.end(), i)) {
      free_blocks.push_back(i);
    }
  }
  const int nf = static_cast<int>(free_blocks.size());
  const long long max_unit = *std::max_element(units.begin(), units.end());
  const long long max_sum = static_cast<long long>(nf) * max_unit;
  if (max_sum > 20'000'000 / (nf + 1)) {
    throw UsageError(fmt::format("SolveAssignment: {} blocks with sparsity unit {} is too large a DP",
                                 blocks, unit));
  }
  const long long width = max_sum + 1;

  // best[f][s]: minimal objective of free blocks f.. whose units sum to s.
  std::vector<double> best(static_cast<size_t>(nf + 1) * width, kInf);
  auto at = [&](int f, long long s) -> double& { return best[static_cast<size_t>(f) * width + s]; };
  at(nf, 0) = 0.0;
  for (int f = nf - 1; f >= 0; --f) {
    for (size_t k = 0; k < cands.size(); ++k) {
      const double c = cost_of(free_blocks[f], k);
      for (long long s = units[k]; s <= max_sum; ++s) {
        const double rest = at(f + 1, s - units[k]);
        if (rest == kInf) continue;
        double& cell = at(f, s);
        cell = std::min(cell, c + rest);
      }
    }
  }

  // ---- the final sums allowed: the target, or the nearest reachable ones
  const double target_units = options.target_sparsity * blocks * static_cast<double>(unit);
  const long long target_int = std::llround(target_units);
  const bool hittable = std::fabs(target_units - static_cast<double>(target_int)) < kTargetEps;
  std::vector<long long> finals;
  if (hittable && target_int <= max_sum && at(0, target_int) < kInf) {
    finals.push_back(target_int);
  } else {
    double nearest = kInf;
    for (long long s = 0; s <= max_sum; ++s) {
      if (at(0, s) < kInf) nearest = std::min(nearest, std::fabs(s - target_units));
    }
    for (long long s = 0; s <= max_sum; ++s) {
      if (at(0, s) < kInf && std::fabs(s - target_units) <= nearest + kTargetEps) {
        finals.push_back(s);
      }
    }
  }
  double opt = kInf;
  for (long long s : finals) opt = std::min(opt, at(0, s));

  // ---- forward reconstruction: lexicographically smallest within kTieEps
  std::vector<NmPattern> patterns(blocks);
  double prefix = 0.0;
  long long used = 0;
  for (int f = 0; f < nf; ++f) {
    bool chosen = false;
    for (size_t k = 0; k < cands.size() && !chosen; ++k) {
      const double c = prefix + cost_of(free_blocks[f], k);
      double rest = kInf;
      for (long long s : finals) {
        const long long r = s - used - units[k];
        if (r >= 0 && r <= max_sum) rest = std::min(rest, at(f + 1, r));
      }
      if (rest < kInf && c + rest < opt + kTieEps) {
        patterns[free_blocks[f]] = cands[k];
        prefix = c;
        used += units[k];
        chosen = true;
      }
    }
    if (!chosen) throw Error(fmt::format("SolveAssignment: internal error reconstructing block {}", f));
  }
  for (int i : forced) patterns[i] = dense_for(i);

  FlowAssignment out;
  out.target_sparsity = options.target_sparsity;
  const long long solved_units = used;  // forced blocks add 0 in kSolveOthers
  out.solve_exact = hittable && solved_units == target_int;
  const long long total_units = SparsityUnits(patterns, unit);
  out.exact = hittable && total_units == target_int;
  out.achieved_sparsity = static_cast<double>(total_units) / (static_cast<double>(blocks) * unit);
  out.objective = 0.0;
  for (int i = 0; i < blocks; ++i) out.objective += cost_fn(i, patterns[i]);
  out.patterns = std::move(patterns);
  return out;
}

FlowAssignment SolveOwl(std::span<const double> outlier_norm, const FlowSolverOptions& options,
                        int m) {
  FlowSolverOptions owl = options;
  owl.beta = 0.0;
  owl.candidates.clear();
  for (const auto& p : options.candidates) {
    if (p.m == m) owl.candidates.push_back(p);
  }
  if (owl.candidates.empty()) {
    throw UsageError(fmt::format("--owl-m {}: no candidate pattern has M = {}", m, m));
  }
  const std::vector<double> no_locality(outlier_norm.size(), 0.0);
  return SolveFlow(outlier_norm, no_locality, owl);
}

FlowAssignment UniformAssignment(int blocks, const NmPattern& pattern, double target_sparsity,
                                 std::span<const int> forced_dense) {
  if (blocks < 1) throw UsageError(fmt::format("UniformAssignment: {} blocks, need >= 1", blocks));
  RequirePattern(pattern, "--pattern");
  RequireTarget(target_sparsity);
  const std::vector<int> forced = ValidForced(forced_dense, blocks);
  FlowAssignment out;
  out.patterns.assign(blocks, pattern);
  for (int i : forced) out.patterns[i] = NmPattern{pattern.m, pattern.m};
  const long long unit = pattern.m;
  const long long units = SparsityUnits(out.patterns, unit);
  const double target_units = target_sparsity * blocks * static_cast<double>(unit);
  out.target_sparsity = target_sparsity;
  out.achieved_sparsity = static_cast<double>(units) / (static_cast<double>(blocks) * unit);
  out.exact = std::fabs(target_units - static_cast<double>(units)) < kTargetEps;
  out.solve_exact = out.exact;
  out.objective = 0.0;
  return out;
}

}  // namespace flexcim::pruner
