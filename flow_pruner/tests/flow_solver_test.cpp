#include "flow_pruner/flow_solver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/errors.h"

namespace flexcim::pruner {
namespace {

std::string Names(const std::vector<NmPattern>& ps) {
  std::string s;
  for (const auto& p : ps) s += p.ToString() + " ";
  return s;
}

bool MnLexLess(const std::vector<NmPattern>& a, const std::vector<NmPattern>& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](const NmPattern& x, const NmPattern& y) {
                                        return x.m != y.m ? x.m < y.m : x.n < y.n;
                                      });
}

// Exhaustive reference: enumerates every assignment of the free blocks.
FlowAssignment BruteForceCost(int L, const BlockCostFunction& cost, const FlowSolverOptions& opt) {
  std::vector<NmPattern> cands = opt.candidates;
  std::sort(cands.begin(), cands.end(),
            [](const NmPattern& x, const NmPattern& y) { return x.m != y.m ? x.m < y.m : x.n < y.n; });
  cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
  int max_n = 0, max_m = 0;
  long long unit = 1;
  for (const auto& p : cands) {
    max_n = std::max(max_n, p.n);
    max_m = std::max(max_m, p.m);
    unit = std::lcm(unit, static_cast<long long>(p.m));
  }
  const auto objective = [&](const std::vector<NmPattern>& ps) {
    double total = 0;
    for (int i = 0; i < L; ++i) total += cost(i, ps[i]);
    return total;
  };
  std::vector<bool> forced(L, false);
  for (int f : opt.forced_dense) forced[f] = true;
  auto dense_for = [&](int i) {
    NmPattern best{max_m, max_m};
    double bc = INFINITY;
    for (const auto& p : cands) {
      if (p.n != p.m) continue;
      const double c = cost(i, p);
      if (c < bc - 1e-9) best = p, bc = c;
    }
    return best;
  };
  const bool solve_others = opt.forced_mode == ForcedDenseMode::kSolveOthers;
  std::vector<int> free;
  for (int i = 0; i < L; ++i) {
    if (!solve_others || !forced[i]) free.push_back(i);
  }
  struct Cand {
    std::vector<NmPattern> ps;
    long long units;
    double obj;
  };
  std::vector<Cand> all;
  std::vector<int> idx(free.size(), 0);
  while (true) {
    std::vector<NmPattern> ps(L);
    for (int i = 0; i < L; ++i) {
      if (forced[i]) ps[i] = dense_for(i);
    }
    for (size_t f = 0; f < free.size(); ++f) ps[free[f]] = cands[idx[f]];
    long long units = 0;
    for (const auto& p : ps) units += (p.m - p.n) * (unit / p.m);
    all.push_back({ps, units, objective(ps)});
    size_t f = 0;
    while (f < idx.size() && ++idx[f] == static_cast<int>(cands.size())) idx[f++] = 0;
    if (f == idx.size()) break;
  }
  const double tu = opt.target_sparsity * L * unit;
  double nearest = INFINITY;
  for (const auto& c : all) nearest = std::min(nearest, std::fabs(c.units - tu));
  double best = INFINITY;
  for (const auto& c : all) {
    if (std::fabs(c.units - tu) <= nearest + 1e-9) best = std::min(best, c.obj);
  }
  const Cand* pick = nullptr;
  for (const auto& c : all) {
    if (std::fabs(c.units - tu) <= nearest + 1e-9 && c.obj < best + 1e-9 &&
        (pick == nullptr || MnLexLess(c.ps, pick->ps))) {
      pick = &c;
    }
  }
  FlowAssignment out;
  out.patterns = pick->ps;
  out.solve_exact = std::fabs(pick->units - tu) < 1e-9;
  if (!solve_others) {
    for (int i = 0; i < L; ++i) {
      if (forced[i]) out.patterns[i] = dense_for(i);
    }
  }
  long long units = 0;
  for (const auto& p : out.patterns) units += (p.m - p.n) * (unit / p.m);
  out.exact = std::fabs(units - tu) < 1e-9;
  out.achieved_sparsity = static_cast<double>(units) / (L * unit);
  out.objective = objective(out.patterns);
  return out;
}

FlowAssignment BruteForce(const std::vector<double>& o, const std::vector<double>& d,
                          const FlowSolverOptions& opt) {
  int max_n = 0, max_m = 0;
  for (const auto& p : opt.candidates) {
    max_n = std::max(max_n, p.n);
    max_m = std::max(max_m, p.m);
  }
  return BruteForceCost(
      static_cast<int>(o.size()),
      [&](int i, const NmPattern& p) { return BlockCost(p, o[i], d[i], opt.alpha, opt.beta, max_n, max_m); },
      opt);
}

TEST(FlowSolver, ReferenceCandidates) {
  EXPECT_EQ(Names(ReferenceCandidates()), "2:4 4:4 2:8 4:8 8:8 ");
}

TEST(FlowSolver, HandExampleTieTakesLexicographicallySmallest) {
  // Two identical blocks, O = D = 0.5, maxN = maxM = 8: targets N = 4, M = 4.
  // Costs: 2:4 -> 2, 4:4 -> 0, 2:8 -> 18, 4:8 -> 16, 8:8 -> 20.
  // Mean 0.375 needs sparsities {0, 0.75}: (4:4, 2:8) and (2:8, 4:4) tie at 18.
  FlowSolverOptions opt;
  opt.candidates = ReferenceCandidates();
  opt.target_sparsity = 0.375;
  const std::vector<double> o = {0.5, 0.5}, d = {0.5, 0.5};
  const FlowAssignment a = SolveFlow(o, d, opt);
  EXPECT_EQ(Names(a.patterns), "4:4 2:8 ");
  EXPECT_DOUBLE_EQ(a.objective, 18.0);
  EXPECT_TRUE(a.exact);
  EXPECT_DOUBLE_EQ(a.achieved_sparsity, 0.375);
  opt.target_sparsity = 0.5;
  EXPECT_EQ(Names(SolveFlow(o, d, opt).patterns), "2:4 2:4 ");
}

TEST(FlowSolver, InfeasibleTargetReturnsNearestWithExactFalse) {
  // Reference set, 2 blocks: reachable sums of sparsity*8 are 0,4,6,8,10,12;
  // 0.3 -> 4.8 is not an integer, nearest reachable is 4 (mean 0.25).
  FlowSolverOptions opt;
  opt.candidates = ReferenceCandidates();
  opt.target_sparsity = 0.3;
  const std::vector<double> o = {0.2, 0.9}, d = {0.1, 0.6};
  const FlowAssignment a = SolveFlow(o, d, opt);
  EXPECT_FALSE(a.exact);
  EXPECT_DOUBLE_EQ(a.achieved_sparsity, 0.25);
  EXPECT_DOUBLE_EQ(a.target_sparsity, 0.3);
  // One block, {1:2, 2:2}: 0.25 is not reachable; 0 and 0.5 are equally
  // near, so the smaller objective wins: 1:2 costs |1-1| + 4|2-1| = 4,
  // 2:2 costs |2-1| + 4|2-1| = 5.
  opt.candidates = {{1, 2}, {2, 2}};
  opt.target_sparsity = 0.25;
  const FlowAssignment b = SolveFlow(std::vector<double>{0.5}, std::vector<double>{0.5}, opt);
  EXPECT_FALSE(b.exact);
  EXPECT_EQ(Names(b.patterns), "1:2 ");
  EXPECT_DOUBLE_EQ(b.achieved_sparsity, 0.5);
  EXPECT_DOUBLE_EQ(b.objective, 4.0);
}

TEST(FlowSolver, ForcedDenseModes) {
  FlowSolverOptions opt;
  opt.candidates = ReferenceCandidates();
  opt.target_sparsity = 0.25;
  opt.forced_dense = {0, 3};
  const std::vector<double> o = {0.3, 0.4, 0.5, 0.6}, d = {0.2, 0.8, 0.4, 0.1};
  const FlowAssignment a = SolveFlow(o, d, opt);
  EXPECT_TRUE(a.exact);
  EXPECT_DOUBLE_EQ(a.achieved_sparsity, 0.25);
  EXPECT_TRUE(a.patterns[0].dense());
  EXPECT_TRUE(a.patterns[3].dense());
  opt.forced_mode = ForcedDenseMode::kOverrideAfterSolve;
  const FlowAssignment b = SolveFlow(o, d, opt);
  EXPECT_TRUE(b.patterns[0].dense());
  EXPECT_TRUE(b.patterns[3].dense());
  EXPECT_TRUE(b.solve_exact);
  EXPECT_LE(b.achieved_sparsity, 0.25);
}

TEST(FlowSolver, EqualsBruteForceOnRandomInputs) {
  const std::vector<NmPattern> pool = {{1, 2}, {2, 2}, {1, 4}, {2, 4}, {4, 4}, {1, 8},
                                       {2, 8}, {4, 8}, {8, 8}, {1, 3}, {3, 3}, {2, 6}};
  std::mt19937_64 rng(2024);
  int exact = 0, nearest = 0, forced_cases = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    FlowSolverOptions opt;
    // Candidate set: random subset of the pool, size 1..5 (non-power-of-two
    // M sometimes, exercising the lcm unit).
    const int k = 1 + static_cast<int>(rng() % 5);
    const bool pow2 = trial % 4 != 0;
    while (static_cast<int>(opt.candidates.size()) < k) {
      const NmPattern p = pool[rng() % (pow2 ? 9 : pool.size())];
      if (std::find(opt.candidates.begin(), opt.candidates.end(), p) == opt.candidates.end()) {
        opt.candidates.push_back(p);
      }
    }
    if (trial % 7 == 0) opt.candidates.push_back(opt.candidates.front());  // duplicate
    const int max_blocks = k <= 3 ? 8 : (k == 4 ? 7 : 6);
    const int L = 1 + static_cast<int>(rng() % max_blocks);
    // Grid values make exact objective ties frequent; continuous otherwise.
    const bool grid = trial % 2 == 0;
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> o(L), d(L);
    for (int i = 0; i < L; ++i) {
      o[i] = grid ? (rng() % 5) / 4.0 : u(rng);
      d[i] = grid ? (rng() % 5) / 4.0 : u(rng);
    }
    const double weights[] = {0.0, 0.5, 1.0, 4.0};
    opt.alpha = grid ? weights[rng() % 4] : 1.0;
    opt.beta = grid ? weights[rng() % 4] : 4.0;
    // Target: half the time the mean sparsity of a random assignment, else random.
    if (trial % 2 == 0) {
      double s = 0;
      for (int i = 0; i < L; ++i) s += opt.candidates[rng() % opt.candidates.size()].sparsity();
      opt.target_sparsity = std::min(s / L, 0.99);
    } else {
      opt.target_sparsity = std::floor(u(rng) * 100) / 100;
    }
    if (trial % 3 == 0) {
      for (int i = 0; i < L; ++i) {
        if (rng() % 3 == 0) opt.forced_dense.push_back(i);
      }
      opt.forced_mode = rng() % 2 ? ForcedDenseMode::kSolveOthers
                                  : ForcedDenseMode::kOverrideAfterSolve;
      forced_cases += !opt.forced_dense.empty();
    }
    // Every third trial: an arbitrary cost table through SolveAssignment
    // (grid values: ties), else FLOW's objective through SolveFlow.
    const bool table = trial % 3 == 1;
    std::vector<std::vector<double>> costs(L, std::vector<double>(64));
    for (auto& row : costs) {
      for (double& c : row) c = grid ? static_cast<double>(rng() % 4) : u(rng);
    }
    const BlockCostFunction cost = [&](int i, const NmPattern& p) { return costs[i][p.n * 8 + p.m - 9]; };
    const FlowAssignment got = table ? SolveAssignment(L, cost, opt) : SolveFlow(o, d, opt);
    const FlowAssignment want = table ? BruteForceCost(L, cost, opt) : BruteForce(o, d, opt);
    ASSERT_EQ(Names(got.patterns), Names(want.patterns))
        << "trial " << trial << " candidates " << Names(opt.candidates) << " target "
        << opt.target_sparsity;
    EXPECT_EQ(got.exact, want.exact) << "trial " << trial;
    EXPECT_EQ(got.solve_exact, want.solve_exact) << "trial " << trial;
    EXPECT_DOUBLE_EQ(got.achieved_sparsity, want.achieved_sparsity) << "trial " << trial;
    EXPECT_NEAR(got.objective, want.objective, 1e-9) << "trial " << trial;
    (got.exact ? exact : nearest)++;
  }
  // The random cases cover both outcomes and forced blocks.
  EXPECT_GT(exact, 300);
  EXPECT_GT(nearest, 100);
  EXPECT_GT(forced_cases, 100);
}

TEST(FlowSolver, ReferenceSetMatchesBruteForce) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 100; ++trial) {
    FlowSolverOptions opt;
    opt.candidates = ReferenceCandidates();
    opt.target_sparsity = 0.5;
    const int L = 2 + static_cast<int>(rng() % 5);
    std::vector<double> o(L), d(L);
    for (int i = 0; i < L; ++i) o[i] = u(rng), d[i] = u(rng);
    const FlowAssignment got = SolveFlow(o, d, opt);
    EXPECT_TRUE(got.exact);
    EXPECT_DOUBLE_EQ(got.achieved_sparsity, 0.5);
    EXPECT_EQ(Names(got.patterns), Names(BruteForce(o, d, opt).patterns));
  }
}

TEST(FlowSolver, OwlBaselineUsesOneMAndNoLocality) {
  FlowSolverOptions opt;
  opt.candidates = ReferenceCandidates();
  opt.target_sparsity = 0.5;
  const std::vector<double> o = {0.1, 0.9, 0.5, 0.3};
  const FlowAssignment a = SolveOwl(o, opt, 8);
  for (const auto& p : a.patterns) EXPECT_EQ(p.m, 8);
  EXPECT_TRUE(a.exact);
  FlowSolverOptions manual = opt;
  manual.beta = 0;
  manual.candidates = {{2, 8}, {4, 8}, {8, 8}};
  EXPECT_EQ(Names(a.patterns),
            Names(SolveFlow(o, std::vector<double>(4, 0.3), manual).patterns));
  EXPECT_THROW(SolveOwl(o, opt, 16), UsageError);
}

TEST(FlowSolver, UniformAssignment) {
  const FlowAssignment a = UniformAssignment(4, {2, 4}, 0.5);
  EXPECT_EQ(Names(a.patterns), "2:4 2:4 2:4 2:4 ");
  EXPECT_TRUE(a.exact);
  EXPECT_DOUBLE_EQ(a.achieved_sparsity, 0.5);
  const std::vector<int> forced = {0, 3};
  const FlowAssignment b = UniformAssignment(4, {2, 4}, 0.5, forced);
  EXPECT_EQ(Names(b.patterns), "4:4 2:4 2:4 4:4 ");
  EXPECT_FALSE(b.exact);
  EXPECT_DOUBLE_EQ(b.achieved_sparsity, 0.25);
}

// --locality-direction figure is the code's objective with D_i -> 1 - D_i.
TEST(FlowSolver, FigureDirectionFlipsLocality) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  int differ = 0;
  for (int trial = 0; trial < 200; ++trial) {
    FlowSolverOptions opt;
    opt.candidates = {{1, 2}, {2, 2}, {1, 4}, {2, 4}, {4, 4}, {1, 8}, {2, 8}, {4, 8}};
    opt.target_sparsity = 0.5;
    std::vector<double> o(5), d(5), flipped(5);
    for (int i = 0; i < 5; ++i) {
      o[i] = u(rng);
      d[i] = u(rng);
      flipped[i] = 1.0 - d[i];
    }
    FlowSolverOptions figure = opt;
    figure.locality_direction = LocalityDirection::kFigure;
    const FlowAssignment a = SolveFlow(o, d, figure);
    const FlowAssignment b = SolveFlow(o, flipped, opt);
    ASSERT_EQ(Names(a.patterns), Names(b.patterns)) << trial;
    EXPECT_EQ(a.objective, b.objective);
    differ += Names(a.patterns) != Names(SolveFlow(o, d, opt).patterns);
  }
  EXPECT_GT(differ, 50);  // the direction matters
  EXPECT_EQ(ParseLocalityDirection("code"), LocalityDirection::kCode);
  EXPECT_EQ(ParseLocalityDirection("figure"), LocalityDirection::kFigure);
  try {
    ParseLocalityDirection("up");
    ADD_FAILURE() << "no throw";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--locality-direction up: must be one of code, figure");
  }
}

TEST(FlowSolver, SolveAssignmentRejectsBadCosts) {
  FlowSolverOptions opt;
  opt.candidates = ReferenceCandidates();
  try {
    SolveAssignment(2, [](int b, const NmPattern& p) { return b == 1 && p.n == 2 && p.m == 8 ? -1.0 : 0.0; }, opt);
    ADD_FAILURE() << "no throw";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "block 1 pattern 2:8: cost -1 must be finite and >= 0");
  }
  EXPECT_THROW(SolveAssignment(0, [](int, const NmPattern&) { return 0.0; }, opt), UsageError);
}

TEST(FlowSolver, RejectsBadInputs) {
  FlowSolverOptions opt;
  opt.candidates = ReferenceCandidates();
  const std::vector<double> v = {0.5, 0.5};
  EXPECT_THROW(SolveFlow(v, std::vector<double>{0.5}, opt), UsageError);
  EXPECT_THROW(SolveFlow(std::vector<double>{}, std::vector<double>{}, opt), UsageError);
  EXPECT_THROW(SolveFlow(std::vector<double>{0.5, 1.5}, v, opt), UsageError);
  EXPECT_THROW(SolveFlow(v, std::vector<double>{0.5, NAN}, opt), UsageError);
  FlowSolverOptions bad = opt;
  bad.candidates.clear();
  EXPECT_THROW(SolveFlow(v, v, bad), UsageError);
  bad = opt;
  bad.candidates.push_back({5, 4});
  EXPECT_THROW(SolveFlow(v, v, bad), UsageError);
  bad = opt;
  bad.target_sparsity = 1.0;
  EXPECT_THROW(SolveFlow(v, v, bad), UsageError);
  bad.target_sparsity = -0.1;
  EXPECT_THROW(SolveFlow(v, v, bad), UsageError);
  bad = opt;
  bad.alpha = -1;
  EXPECT_THROW(SolveFlow(v, v, bad), UsageError);
  bad = opt;
  bad.forced_dense = {2};
  EXPECT_THROW(SolveFlow(v, v, bad), UsageError);
  EXPECT_THROW(UniformAssignment(0, {2, 4}, 0.5), UsageError);
}

}  // namespace
}  // namespace flexcim::pruner
