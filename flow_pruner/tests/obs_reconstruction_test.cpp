#include "flow_pruner/obs_reconstruction.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/errors.h"
#include "flow_pruner/block_pruning.h"
#include "flow_pruner/layer_search_selection.h"

namespace flexcim::pruner {
namespace {

// Calibration inputs X (tokens x inputs) with a few correlated columns, so
// H = X^T X is far from diagonal.
Matrix RandomInputs(std::mt19937_64& rng, int tokens, int inputs) {
  std::normal_distribution<double> g(0.0, 1.0);
  Matrix x(tokens, inputs);
  for (int t = 0; t < tokens; ++t) {
    const double common = g(rng);
    for (int j = 0; j < inputs; ++j) {
      x.at(t, j) = static_cast<float>(g(rng) + (j % 3 == 0 ? 0.8 * common : 0.0) + 0.1 * j);
    }
  }
  return x;
}

std::vector<double> Gram(const Matrix& x) {
  std::vector<double> h(static_cast<size_t>(x.cols) * x.cols, 0.0);
  for (int t = 0; t < x.rows; ++t) {
    for (int i = 0; i < x.cols; ++i) {
      for (int j = 0; j < x.cols; ++j) h[static_cast<size_t>(i) * x.cols + j] += double{x.at(t, i)} * x.at(t, j);
    }
  }
  return h;
}

Matrix RandomWeights(std::mt19937_64& rng, int rows, int cols) {
  std::normal_distribution<float> g(0.0f, 1.0f);
  Matrix w(rows, cols);
  for (float& v : w.data) v = g(rng);
  return w;
}

Matrix Masked(Matrix w, const Mask& mask) {
  ApplyMask(w, mask);
  return w;
}

// Brute force, independent of the library: per row, minimise
// ||X w - X w'||^2 over the kept w' by Gauss-Jordan elimination with partial
// pivoting on the normal equations built from X itself.
Matrix BruteForceLeastSquares(const Matrix& w, const Matrix& x, const Mask& mask) {
  Matrix out(w.rows, w.cols);
  for (int r = 0; r < w.rows; ++r) {
    std::vector<int> kept;
    for (int j = 0; j < w.cols; ++j) {
      if (mask[static_cast<size_t>(r) * w.cols + j]) kept.push_back(j);
    }
    const int k = static_cast<int>(kept.size());
    std::vector<double> y(x.rows, 0.0);  // X w
    for (int t = 0; t < x.rows; ++t) {
      for (int j = 0; j < w.cols; ++j) y[t] += double{x.at(t, j)} * w.at(r, j);
    }
    std::vector<std::vector<double>> a(k, std::vector<double>(k + 1, 0.0));
    for (int p = 0; p < k; ++p) {
      for (int t = 0; t < x.rows; ++t) {
        for (int q = 0; q < k; ++q) a[p][q] += double{x.at(t, kept[p])} * x.at(t, kept[q]);
        a[p][k] += double{x.at(t, kept[p])} * y[t];
      }
    }
    for (int c = 0; c < k; ++c) {
      int piv = c;
      for (int i = c + 1; i < k; ++i) {
        if (std::fabs(a[i][c]) > std::fabs(a[piv][c])) piv = i;
      }
      std::swap(a[c], a[piv]);
      for (int i = 0; i < k; ++i) {
        if (i == c) continue;
        const double f = a[i][c] / a[c][c];
        for (int q = c; q <= k; ++q) a[i][q] -= f * a[c][q];
      }
    }
    for (int p = 0; p < k; ++p) out.at(r, kept[p]) = static_cast<float>(a[p][k] / a[p][p]);
  }
  return out;
}

void ExpectNear(const Matrix& a, const Matrix& b, double tol) {
  ASSERT_EQ(a.data.size(), b.data.size());
  for (size_t i = 0; i < a.data.size(); ++i) {
    EXPECT_NEAR(a.data[i], b.data[i], tol) << "weight [" << i / a.cols << "][" << i % a.cols << "]";
  }
}

TEST(ObsReconstruction, TwoInputsByHand) {
  // H = [[2, 1], [1, 2]], w = (1, 1), input 0 dropped: the kept weight is
  // (H w)_1 / H_11 = 3 / 2, and the error (w - w')^T H (w - w') falls from 2 to 1.5.
  Matrix w(1, 2);
  w.data = {1.0f, 1.0f};
  const std::vector<double> h = {2, 1, 1, 2};
  const Mask mask = {0, 1};
  Matrix ls = w;
  ReconstructUnderMask(ls, h, mask);
  EXPECT_EQ(ls.data, (std::vector<float>{0.0f, 1.5f}));
  Matrix obs = w;
  ObsOptions exact;
  exact.damping = 0.0;
  ObsReconstructWithMask(obs, h, mask, exact);
  EXPECT_EQ(obs.data, (std::vector<float>{0.0f, 1.5f}));
  EXPECT_DOUBLE_EQ(LayerOutputError(w, Masked(w, mask), h), 2.0);
  EXPECT_DOUBLE_EQ(LayerOutputError(w, ls, h), 1.5);
}

TEST(ObsReconstruction, TinyLayerEqualsBruteForceLeastSquares) {
  std::mt19937_64 rng(17);
  const Matrix x = RandomInputs(rng, 24, 8);
  const std::vector<double> h = Gram(x);
  const Matrix w = RandomWeights(rng, 2, 8);
  // A fixed 2:4 mask per row.
  const Mask mask = {0, 1, 1, 0, 1, 0, 0, 1,  //
                     1, 0, 1, 0, 0, 1, 1, 0};
  const Matrix brute = BruteForceLeastSquares(w, x, mask);
  Matrix ls = w;
  ReconstructUnderMask(ls, h, mask);
  ExpectNear(ls, brute, 1e-4);
  // Sequential OBS (SparseGPT's column order) reaches this optimum exactly
  // when every row's dropped inputs come before its kept ones: each removal
  // is then compensated by all the weights that remain.
  const Mask prefix = {0, 0, 0, 0, 1, 1, 1, 1,  //
                       0, 0, 0, 1, 1, 1, 1, 1};
  Matrix obs = w;
  ObsOptions exact;
  exact.damping = 0.0;
  ObsReconstructWithMask(obs, h, prefix, exact);
  ExpectNear(obs, BruteForceLeastSquares(w, x, prefix), 1e-4);
  // With the 2:4 mask it does not (kept weights before a dropped one are
  // frozen) but lies between the optimum and no update.
  Matrix seq = w;
  ObsReconstructWithMask(seq, h, mask, exact);
  const double e_seq = LayerOutputError(w, seq, h);
  EXPECT_GE(e_seq, LayerOutputError(w, ls, h) * (1 - 1e-6));
  EXPECT_LT(e_seq, LayerOutputError(w, Masked(w, mask), h));
}

TEST(ObsReconstruction, RefinementReachesTheLeastSquaresOptimum) {
  std::mt19937_64 rng(23);
  const Matrix x = RandomInputs(rng, 24, 8);
  const std::vector<double> h = Gram(x);
  const Matrix w = RandomWeights(rng, 2, 8);
  const Mask mask = {0, 1, 1, 0, 1, 0, 0, 1,  //
                     1, 0, 1, 0, 0, 1, 1, 0};
  Matrix seq = w;
  ObsOptions exact;
  exact.damping = 0.0;
  ObsReconstructWithMask(seq, h, mask, exact);
  // Four kept weights per row: conjugate gradient is exact after 4 steps.
  Matrix refined = seq;
  RefineUnderMask(refined, w, h, mask, 0.0, 4);
  ExpectNear(refined, BruteForceLeastSquares(w, x, mask), 1e-4);
  // One step already lowers the error of the sequential pass.
  Matrix one = seq;
  RefineUnderMask(one, w, h, mask, 0.0, 1);
  EXPECT_LT(LayerOutputError(w, one, h), LayerOutputError(w, seq, h));
  EXPECT_GE(LayerOutputError(w, one, h), LayerOutputError(w, refined, h));
}

TEST(ObsReconstruction, NeverWorseThanNoUpdateOverRandomLayers) {
  const NmPattern patterns[] = {{2, 4}, {4, 8}, {1, 2}, {1, 4}, {2, 8}};
  int cases = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    std::mt19937_64 rng(seed);
    const int rows = 8, cols = 24;
    const Matrix x = RandomInputs(rng, 64, cols);
    const std::vector<double> h = Gram(x);
    const Matrix w = RandomWeights(rng, rows, cols);
    for (const NmPattern& p : patterns) {
      for (int g : {1, 2, 8}) {
        for (bool legal : {true, false}) {
          for (double damping : {0.0, 0.01}) {
            Matrix obs = w;
            ObsOptions o;
            o.damping = damping;
            o.block_size = 8;  // several lazy-update blocks
            const ObsLayerResult r = ObsPruneLayer(obs, h, p, legal, g, o);
            // Measured in the damped objective the pass minimises.
            std::vector<double> hd = h;
            double mean = 0;
            for (int j = 0; j < cols; ++j) mean += h[static_cast<size_t>(j) * cols + j] / cols;
            for (int j = 0; j < cols; ++j) hd[static_cast<size_t>(j) * cols + j] += damping * mean;
            const double e_obs = LayerOutputError(w, obs, hd);
            const double e_none = LayerOutputError(w, Masked(w, r.mask), hd);
            Matrix ls = w;
            ReconstructUnderMask(ls, hd, r.mask);
            EXPECT_LE(e_obs, e_none * (1 + 1e-9)) << "seed " << seed << " " << p.ToString() << " G=" << g;
            EXPECT_GE(e_obs, LayerOutputError(w, ls, hd) * (1 - 1e-6));
            Matrix refined = w;
            o.refine_iterations = 3;
            const ObsLayerResult rr = ObsPruneLayer(refined, h, p, legal, g, o);
            EXPECT_EQ(rr.mask, r.mask);
            EXPECT_LE(LayerOutputError(w, refined, hd), e_obs * (1 + 1e-9));
            if (legal) {
              EXPECT_TRUE(IsLegalMask(r.mask, rows, cols, p, g, nullptr));
            }
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 8 * 5 * 3 * 2 * 2);
}

TEST(ObsReconstruction, MasksLegalForEverySelectGroup) {
  std::mt19937_64 rng(5);
  const int rows = 16, cols = 32;
  const std::vector<double> h = Gram(RandomInputs(rng, 80, cols));
  const Matrix w = RandomWeights(rng, rows, cols);
  for (const NmPattern& p : {NmPattern{1, 2}, NmPattern{2, 4}, NmPattern{1, 4}, NmPattern{4, 8},
                             NmPattern{2, 8}, NmPattern{1, 8}}) {
    for (int g = 1; g <= rows; g *= 2) {
      Matrix obs = w;
      const ObsLayerResult r = ObsPruneLayer(obs, h, p, true, g);
      std::string why;
      EXPECT_TRUE(IsLegalMask(r.mask, rows, cols, p, g, &why)) << p.ToString() << " G=" << g << ": " << why;
      // Every row keeps exactly N of every group of M, and nothing else.
      for (int o = 0; o < rows; ++o) {
        for (int g0 = 0; g0 < cols; g0 += p.m) {
          int kept = 0;
          for (int e = 0; e < p.m; ++e) kept += r.mask[static_cast<size_t>(o) * cols + g0 + e];
          EXPECT_EQ(kept, p.n);
        }
      }
      for (size_t i = 0; i < r.mask.size(); ++i) {
        if (!r.mask[i]) {
          EXPECT_EQ(obs.data[i], 0.0f);
        }
      }
    }
  }
}

// Mask re-selection (ObsOptions::reselect_iterations) never increases the
// layer's output error against the pass + refinement it starts from, keeps
// every mask legal for its G and N per group, zeroes what it drops, and
// changes some mask over these random layers.
TEST(ObsReconstruction, MaskReselectionNeverIncreasesTheErrorAndStaysLegal) {
  int changed = 0, cases = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    const int rows = 16, cols = 32;
    const std::vector<double> h = Gram(RandomInputs(rng, 80, cols));
    const Matrix w = RandomWeights(rng, rows, cols);
    for (const NmPattern& p : {NmPattern{2, 4}, NmPattern{4, 8}, NmPattern{1, 4}}) {
      for (int g : {1, 4, 16}) {
        ObsOptions o;
        o.refine_iterations = 10;
        Matrix base = w;
        const ObsLayerResult r0 = ObsPruneLayer(base, h, p, true, g, o);
        o.reselect_iterations = 4;
        Matrix again = w;
        const ObsLayerResult r1 = ObsPruneLayer(again, h, p, true, g, o);
        EXPECT_LE(LayerOutputError(w, again, h), LayerOutputError(w, base, h))
            << "seed " << seed << " " << p.ToString() << " G=" << g;
        std::string why;
        EXPECT_TRUE(IsLegalMask(r1.mask, rows, cols, p, g, &why)) << p.ToString() << " G=" << g << ": " << why;
        for (int row = 0; row < rows; ++row) {
          for (int g0 = 0; g0 < cols; g0 += p.m) {
            int kept = 0;
            for (int e = 0; e < p.m; ++e) kept += r1.mask[static_cast<size_t>(row) * cols + g0 + e];
            EXPECT_EQ(kept, p.n);
          }
        }
        for (size_t i = 0; i < r1.mask.size(); ++i) {
          if (!r1.mask[i]) {
            EXPECT_EQ(again.data[i], 0.0f);
          }
        }
        changed += r1.mask != r0.mask;
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 6 * 3 * 3);
  EXPECT_GT(changed, 0);
}

TEST(ObsReconstruction, DeadInputsZeroedWithoutNan) {
  std::mt19937_64 rng(9);
  Matrix x = RandomInputs(rng, 40, 8);
  for (int t = 0; t < x.rows; ++t) {
    x.at(t, 2) = 0.0f;
    x.at(t, 5) = 0.0f;
  }
  const std::vector<double> h = Gram(x);
  const Matrix w = RandomWeights(rng, 4, 8);
  Matrix obs = w;
  const ObsLayerResult r = ObsPruneLayer(obs, h, {2, 4}, true, 2);
  EXPECT_EQ(r.dead_inputs, 2);
  EXPECT_FALSE(r.all_inputs_zero);
  EXPECT_DOUBLE_EQ(r.damping, 0.01);
  for (int o = 0; o < 4; ++o) {
    EXPECT_EQ(obs.at(o, 2), 0.0f);
    EXPECT_EQ(obs.at(o, 5), 0.0f);
  }
  for (float v : obs.data) EXPECT_TRUE(std::isfinite(v));
  EXPECT_TRUE(IsLegalMask(r.mask, 4, 8, {2, 4}, 2, nullptr));
  EXPECT_LE(LayerOutputError(w, obs, h), LayerOutputError(w, Masked(w, r.mask), h));
}

TEST(ObsReconstruction, AllZeroInputsPrunedByMagnitudeWithoutUpdate) {
  Matrix w(2, 4);
  w.data = {0.5f, -2.0f, 1.0f, 0.25f,  //
            3.0f, 0.1f, -0.2f, -4.0f};
  const std::vector<double> h(16, 0.0);
  Matrix obs = w;
  const ObsLayerResult r = ObsPruneLayer(obs, h, {2, 4}, false, 1);
  EXPECT_TRUE(r.all_inputs_zero);
  EXPECT_EQ(r.mask, (Mask{0, 1, 1, 0, 1, 0, 0, 1}));
  EXPECT_EQ(obs.data, (std::vector<float>{0.0f, -2.0f, 1.0f, 0.0f, 3.0f, 0.0f, 0.0f, -4.0f}));
}

TEST(ObsReconstruction, BlockWithAllZeroInputsToOneLayerNamesIt) {
  std::mt19937_64 rng(11);
  LlamaLayer layer;
  for (LinearKind k : kAllLinearKinds) layer.linear(k) = RandomWeights(rng, 4, 8);
  BlockHessians h;
  const auto zero = std::make_shared<const std::vector<double>>(64, 0.0);
  const auto gram = std::make_shared<const std::vector<double>>(Gram(RandomInputs(rng, 30, 8)));
  for (LinearKind k : kAllLinearKinds) h.h[LinearIndex(k)] = k == LinearKind::kW2 ? zero : gram;
  const Matrix w2 = layer.w2;
  std::vector<std::string> warnings;
  const auto masks = ReconstructBlockLinears(layer, 3, h, {2, 4}, true, 2, 2, warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "block 3 layer w2: every calibration input is zero; pruned by |W| without the OBS update");
  // w2: the legal mask of |W|, kept weights untouched.
  Matrix mag = w2;
  for (float& v : mag.data) v = std::fabs(v);
  EXPECT_EQ(masks[LinearIndex(LinearKind::kW2)], LegalNmMask(mag, {2, 4}, 2));
  EXPECT_EQ(layer.w2.data, Masked(w2, masks[LinearIndex(LinearKind::kW2)]).data);
}

TEST(ObsReconstruction, IndefiniteHessianGetsMoreDamping) {
  // Eigenvalues 4 and -2 (mean diagonal 1): positive definite only once the
  // damping exceeds 2, i.e. after three retries (0.01 -> 0.1 -> 1 -> 10).
  Matrix w(1, 2);
  w.data = {1.0f, 2.0f};
  const ObsLayerResult r = ObsPruneLayer(w, {1, 3, 3, 1}, {1, 2}, false, 1);
  EXPECT_NEAR(r.damping, 10.0, 1e-9);
  for (float v : w.data) EXPECT_TRUE(std::isfinite(v));
  EXPECT_EQ(KeptCount(r.mask), 1);
}

TEST(ObsReconstruction, DensePatternLeavesWeights) {
  std::mt19937_64 rng(3);
  const Matrix w = RandomWeights(rng, 3, 8);
  Matrix obs = w;
  const ObsLayerResult r = ObsPruneLayer(obs, Gram(RandomInputs(rng, 20, 8)), {4, 4}, true, 1);
  EXPECT_EQ(obs.data, w.data);
  EXPECT_EQ(KeptCount(r.mask), 24);
}

TEST(ObsReconstruction, BadShapesNameTheArgument) {
  Matrix w(2, 3);
  try {
    ObsPruneLayer(w, std::vector<double>(4, 0.0), {1, 2}, true, 1);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "ObsPruneLayer: Hessian of 4 values for 3 inputs (needs 9)");
  }
  std::vector<double> h(9, 1.0);
  h[4] = std::nan("");
  try {
    ObsPruneLayer(w, h, {1, 2}, true, 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "ObsPruneLayer: H[1][1] = nan is not finite");
  }
}

}  // namespace
}  // namespace flexcim::pruner

// The per-layer search's exact weighted choice (layer_search_selection.h):
// against every combination of small random instances, and by hand.
namespace flexcim::pruner {
namespace {

TEST(WeightedLevels, ByHand) {
  // Two layers of weight 3 and one of weight 8 at sparsity 0, 4/8 and 6/8.
  const std::vector<std::vector<std::pair<int64_t, double>>> options = {
      {{0, 0.0}, {12, 1.0}, {18, 5.0}},
      {{0, 0.0}, {12, 1.5}, {18, 5.0}},
      {{0, 0.0}, {32, 1.0}, {48, 2.5}},
  };
  // 56 = 4/8 of all 14 weights: only every layer at 4/8.
  EXPECT_EQ(SolveWeightedLevels(options, 56), (std::vector<int>{1, 1, 1}));
  // 36 = 18 + 18 + 0 only.
  EXPECT_EQ(SolveWeightedLevels(options, 36), (std::vector<int>{2, 2, 0}));
  // 60 = 12 + 0 + 48 (cost 3.5) or 0 + 12 + 48 (cost 4).
  EXPECT_EQ(SolveWeightedLevels(options, 60), (std::vector<int>{1, 0, 2}));
  EXPECT_TRUE(SolveWeightedLevels(options, 7).empty());
  EXPECT_TRUE(SolveWeightedLevels({}, 0).empty());
}

TEST(WeightedLevels, EqualsExhaustiveSearchOverRandomInstances) {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> level(0, 3), weight(1, 4), count(2, 5);
  std::uniform_real_distribution<double> cost(0.0, 1.0);
  const int64_t units[4] = {0, 4, 6, 7};
  for (int trial = 0; trial < 200; ++trial) {
    const int n = count(rng);
    std::vector<std::vector<std::pair<int64_t, double>>> options(n);
    for (auto& o : options) {
      const int w = weight(rng);
      for (int64_t u : units) o.push_back({u * w, cost(rng)});
    }
    int64_t target = 0;
    for (auto& o : options) target += o[level(rng)].first;
    // Exhaustive: the least cost over the 4^n choices adding to the target.
    double best = 1e300;
    for (int code = 0; code < (1 << (2 * n)); ++code) {
      int64_t sum = 0;
      double c = 0.0;
      for (int i = 0; i < n; ++i) {
        const int k = (code >> (2 * i)) & 3;
        sum += options[i][k].first;
        c += options[i][k].second;
      }
      if (sum == target) best = std::min(best, c);
    }
    const std::vector<int> chosen = SolveWeightedLevels(options, target);
    ASSERT_EQ(chosen.size(), static_cast<size_t>(n)) << "trial " << trial;
    int64_t sum = 0;
    double c = 0.0;
    for (int i = 0; i < n; ++i) {
      sum += options[i][chosen[i]].first;
      c += options[i][chosen[i]].second;
    }
    EXPECT_EQ(sum, target) << "trial " << trial;
    EXPECT_NEAR(c, best, 1e-12) << "trial " << trial;
  }
}

}  // namespace
}  // namespace flexcim::pruner
