#include "flow_pruner/flow_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "core/errors.h"

namespace flexcim::pruner {
namespace {

// The O(n^2) definition: mean of |p_a - p_b| over unordered pairs a < b.
double MeanPairwiseDistanceBruteForce(const std::vector<int64_t>& pos) {
  __int128 total = 0;
  for (size_t a = 0; a < pos.size(); ++a) {
    for (size_t b = a + 1; b < pos.size(); ++b) {
      total += pos[a] > pos[b] ? pos[a] - pos[b] : pos[b] - pos[a];
    }
  }
  const __int128 pairs = static_cast<__int128>(pos.size()) * (pos.size() - 1) / 2;
  return static_cast<double>(static_cast<long double>(total) / static_cast<long double>(pairs));
}

Matrix MakeMatrix(int rows, int cols, std::vector<float> values) {
  Matrix m(rows, cols);
  m.data = std::move(values);
  return m;
}

TEST(WandaMetric, AbsWeightTimesRootOfActivationStatistic) {
  const Matrix w = MakeMatrix(2, 3, {1.0f, -2.0f, 0.5f, -3.0f, 0.0f, 4.0f});
  const std::vector<double> s = {4.0, 9.0, 0.25};
  const Matrix m = WandaMetric(w, s);
  EXPECT_EQ(m.rows, 2);
  EXPECT_EQ(m.cols, 3);
  const std::vector<float> want = {2.0f, 6.0f, 0.25f, 6.0f, 0.0f, 2.0f};
  EXPECT_EQ(m.data, want);
}

TEST(WandaMetric, RejectsBadInputs) {
  const Matrix w = MakeMatrix(1, 2, {1.0f, 2.0f});
  EXPECT_THROW(WandaMetric(w, std::vector<double>{1.0}), UsageError);
  EXPECT_THROW(WandaMetric(w, std::vector<double>{1.0, -1.0}), Error);
  EXPECT_THROW(WandaMetric(w, std::vector<double>{1.0, NAN}), Error);
  const Matrix bad = MakeMatrix(1, 2, {1.0f, INFINITY});
  EXPECT_THROW(WandaMetric(bad, std::vector<double>{1.0, 1.0}), Error);
}

TEST(MeanPairwiseDistance, HandExample) {
  // pairs of {0, 1, 5}: 1, 5, 4 -> mean 10/3
  EXPECT_DOUBLE_EQ(MeanPairwiseDistance(std::vector<int64_t>{0, 1, 5}), 10.0 / 3.0);
  EXPECT_DOUBLE_EQ(MeanPairwiseDistance(std::vector<int64_t>{7, 9}), 2.0);
}

TEST(MeanPairwiseDistance, EqualsQuadraticDefinitionOnRandomInputs) {
  std::mt19937_64 rng(1234);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + static_cast<int>(rng() % 300);
    const int64_t span = trial % 3 == 0 ? int64_t{1} << 40 : 5000;  // huge positions too
    std::set<int64_t> s;
    while (static_cast<int>(s.size()) < n) s.insert(static_cast<int64_t>(rng() % span));
    const std::vector<int64_t> pos(s.begin(), s.end());
    EXPECT_EQ(MeanPairwiseDistance(pos), MeanPairwiseDistanceBruteForce(pos)) << "trial " << trial;
  }
}

TEST(MeanPairwiseDistance, RejectsBadInputs) {
  EXPECT_THROW(MeanPairwiseDistance(std::vector<int64_t>{3}), UsageError);
  EXPECT_THROW(MeanPairwiseDistance(std::vector<int64_t>{}), UsageError);
  EXPECT_THROW(MeanPairwiseDistance(std::vector<int64_t>{3, 3}), UsageError);
  EXPECT_THROW(MeanPairwiseDistance(std::vector<int64_t>{4, 3}), UsageError);
  EXPECT_THROW(MeanPairwiseDistance(std::vector<int64_t>{-1, 3}), UsageError);
}

TEST(BlockOutlierStats, HandExampleAcrossTwoLayers) {
  // 10 values, mean = 2.0; hyper_m 2 -> threshold 4: outliers are the 10s.
  const Matrix a = MakeMatrix(2, 2, {10.0f, 0.0f, 0.0f, 0.0f});
  const Matrix b = MakeMatrix(2, 3, {0.0f, 0.0f, 10.0f, 0.0f, 0.0f, 0.0f});
  const std::vector<const Matrix*> layers = {&a, &b};
  OutlierOptions opt;
  opt.hyper_m = 2.0;
  const OutlierStats s = BlockOutlierStats(layers, opt);
  EXPECT_EQ(s.total, 10);
  EXPECT_EQ(s.outliers, 2);
  EXPECT_DOUBLE_EQ(s.ratio_percent, 20.0);
  // positions 0 and 4 + 2 = 6 -> mean distance 6
  EXPECT_TRUE(s.locality_defined);
  EXPECT_DOUBLE_EQ(s.locality, 1.0 / 6.0);
}

TEST(BlockOutlierStats, StrictlyAboveThreshold) {
  // mean 1, hyper_m 2 -> threshold 2: a value equal to 2 is not an outlier.
  const Matrix a = MakeMatrix(1, 4, {2.0f, 2.0f, 0.0f, 0.0f});
  const std::vector<const Matrix*> layers = {&a};
  OutlierOptions opt;
  opt.hyper_m = 2.0;
  const OutlierStats s = BlockOutlierStats(layers, opt);
  EXPECT_EQ(s.outliers, 0);
  EXPECT_EQ(s.ratio_percent, 0.0);
}

TEST(BlockOutlierStats, FewerThanTwoOutliersGivesZeroLocalityAndFlag) {
  const Matrix a = MakeMatrix(1, 5, {100.0f, 1.0f, 1.0f, 1.0f, 1.0f});
  const std::vector<const Matrix*> layers = {&a};
  OutlierOptions opt;
  opt.hyper_m = 3.0;
  OutlierStats s = BlockOutlierStats(layers, opt);
  EXPECT_EQ(s.outliers, 1);
  EXPECT_FALSE(s.locality_defined);
  EXPECT_EQ(s.locality, 0.0);
  const Matrix zeros(3, 3);
  const std::vector<const Matrix*> z = {&zeros};
  s = BlockOutlierStats(z, opt);
  EXPECT_EQ(s.outliers, 0);
  EXPECT_FALSE(s.locality_defined);
  EXPECT_EQ(s.locality, 0.0);
  EXPECT_EQ(s.ratio_percent, 0.0);
}

TEST(BlockOutlierStats, RandomBlocksMatchDefinitionExactAndTruncated) {
  std::mt19937_64 rng(99);
  std::exponential_distribution<float> dist(1.0f);
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<Matrix> mats;
    const int nl = 1 + static_cast<int>(rng() % 7);
    for (int l = 0; l < nl; ++l) {
      Matrix m(1 + static_cast<int>(rng() % 20), 1 + static_cast<int>(rng() % 30));
      for (auto& v : m.data) v = dist(rng) * (rng() % 50 == 0 ? 20.0f : 1.0f);
      mats.push_back(std::move(m));
    }
    std::vector<const Matrix*> layers;
    std::vector<float> flat;
    for (const auto& m : mats) {
      layers.push_back(&m);
      flat.insert(flat.end(), m.data.begin(), m.data.end());
    }
    double sum = 0;
    for (float v : flat) sum += v;
    const double hyper = trial % 2 ? 3.0 : 1.5;
    const double thr = hyper * (sum / flat.size());
    std::vector<int64_t> pos;
    for (size_t i = 0; i < flat.size(); ++i) {
      if (flat[i] > thr) pos.push_back(static_cast<int64_t>(i));
    }
    OutlierOptions opt;
    opt.hyper_m = hyper;
    const OutlierStats s = BlockOutlierStats(layers, opt);
    EXPECT_EQ(s.outliers, static_cast<int64_t>(pos.size()));
    EXPECT_DOUBLE_EQ(s.ratio_percent, 100.0 * pos.size() / flat.size());
    if (pos.size() >= 2) {
      EXPECT_DOUBLE_EQ(s.locality, 1.0 / MeanPairwiseDistanceBruteForce(pos));
      // Truncation to the first k outliers in position order.
      const int64_t k = 2 + static_cast<int64_t>(rng() % pos.size());
      opt.max_locality_outliers = k;
      const OutlierStats t = BlockOutlierStats(layers, opt);
      const std::vector<int64_t> first(pos.begin(), pos.begin() + std::min<int64_t>(k, pos.size()));
      EXPECT_EQ(t.outliers, s.outliers);
      EXPECT_EQ(t.locality_outliers, static_cast<int64_t>(first.size()));
      EXPECT_DOUBLE_EQ(t.locality, 1.0 / MeanPairwiseDistanceBruteForce(first));
    }
  }
}

TEST(BlockOutlierStats, RejectsBadInputs) {
  const Matrix a = MakeMatrix(1, 2, {1.0f, 2.0f});
  const std::vector<const Matrix*> ok = {&a};
  OutlierOptions opt;
  EXPECT_THROW(BlockOutlierStats(std::vector<const Matrix*>{}, opt), UsageError);
  EXPECT_THROW(BlockOutlierStats(std::vector<const Matrix*>{nullptr}, opt), UsageError);
  opt.hyper_m = NAN;
  EXPECT_THROW(BlockOutlierStats(ok, opt), UsageError);
  opt.hyper_m = 5.0;
  opt.max_locality_outliers = -1;
  EXPECT_THROW(BlockOutlierStats(ok, opt), UsageError);
  opt.max_locality_outliers = 0;
  const Matrix nan = MakeMatrix(1, 2, {1.0f, NAN});
  EXPECT_THROW(BlockOutlierStats(std::vector<const Matrix*>{&nan}, opt), Error);
  Matrix malformed(2, 2);
  malformed.data.pop_back();
  EXPECT_THROW(BlockOutlierStats(std::vector<const Matrix*>{&malformed}, opt), UsageError);
}

// The reference's three steps, written out.
std::vector<double> ReferenceNormalise(const std::vector<double>& v, double lamda) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const double mn = *lo, mx = *hi;
  std::vector<double> s(v.size());
  for (size_t i = 0; i < v.size(); ++i) s[i] = (v[i] - mn) / (mx - mn) * lamda;
  double mean = 0;
  for (double x : s) mean += x;
  mean /= s.size();
  for (double& x : s) x -= mean;
  const auto [lo2, hi2] = std::minmax_element(s.begin(), s.end());
  const double mn2 = *lo2, mx2 = *hi2;
  for (double& x : s) x = (x - mn2) / (mx2 - mn2);
  return s;
}

TEST(NormalizeAcrossBlocks, IsMinMaxAndMatchesReferenceSteps) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-3.0, 7.0);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> v(2 + rng() % 30);
    for (double& x : v) x = u(rng);
    const double lamda = trial % 2 ? 0.08 : 1.0;
    const Normalized n = NormalizeAcrossBlocks(v, lamda);
    const std::vector<double> ref = ReferenceNormalise(v, lamda);
    EXPECT_FALSE(n.all_equal);
    for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(n.values[i], ref[i], 1e-12);
    // lamda has no effect
    EXPECT_EQ(n.values, NormalizeAcrossBlocks(v, 123.0).values);
  }
  const Normalized h = NormalizeAcrossBlocks(std::vector<double>{2.0, 4.0, 3.0});
  EXPECT_EQ(h.values, (std::vector<double>{0.0, 1.0, 0.5}));
}

TEST(NormalizeAcrossBlocks, AllEqualGivesHalfAndFlag) {
  const Normalized n = NormalizeAcrossBlocks(std::vector<double>{3.0, 3.0, 3.0});
  EXPECT_TRUE(n.all_equal);
  EXPECT_EQ(n.values, (std::vector<double>{0.5, 0.5, 0.5}));
  const Normalized one = NormalizeAcrossBlocks(std::vector<double>{7.0});
  EXPECT_TRUE(one.all_equal);
  EXPECT_EQ(one.values, std::vector<double>{0.5});
}

TEST(NormalizeAcrossBlocks, RejectsBadInputs) {
  EXPECT_THROW(NormalizeAcrossBlocks(std::vector<double>{}), UsageError);
  EXPECT_THROW(NormalizeAcrossBlocks(std::vector<double>{1.0, NAN}), UsageError);
  EXPECT_THROW(NormalizeAcrossBlocks(std::vector<double>{1.0, 2.0}, 0.0), UsageError);
  EXPECT_THROW(NormalizeAcrossBlocks(std::vector<double>{1.0, 2.0}, INFINITY), UsageError);
}

}  // namespace
}  // namespace flexcim::pruner
