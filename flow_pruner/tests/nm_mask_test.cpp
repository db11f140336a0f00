#include "flow_pruner/nm_mask.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "core/errors.h"

namespace flexcim::pruner {
namespace {

Matrix MakeMatrix(int rows, int cols, std::vector<float> values) {
  Matrix m(rows, cols);
  m.data = std::move(values);
  return m;
}

Matrix RandomScores(std::mt19937_64& rng, int rows, int cols, bool coarse) {
  Matrix m(rows, cols);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (auto& v : m.data) v = coarse ? static_cast<float>(rng() % 4) : u(rng);
  return m;
}

double KeptScore(const Matrix& s, const Mask& mask) {
  double t = 0;
  for (size_t i = 0; i < mask.size(); ++i) t += mask[i] ? s.data[i] : 0.0;
  return t;
}

// The best kept score over all legal masks of one group [g0, g0+M) and select
// group [o0, o1), enumerating slot choices: N slots, each a pair shared by the
// outputs (multisets suffice) and, per output, an element of that pair.
double BruteForceGroup(const Matrix& s, int g0, int o0, int o1, const NmPattern& p) {
  const int m = p.m, n = p.n, pairs = m / 2;
  auto score = [&](int o, int i) { return g0 + i < s.cols ? static_cast<double>(s.at(o, g0 + i)) : 0.0; };
  double best = -1;
  std::vector<int> slots(n, 0);
  std::function<void(int, int)> rec = [&](int k, int from) {
    if (k == n) {
      double total = 0;
      for (int o = o0; o < o1; ++o) {
        double out_best = 0;
        for (int bits = 0; bits < (1 << n); ++bits) {
          std::vector<bool> kept(m, false);
          for (int j = 0; j < n; ++j) kept[2 * slots[j] + ((bits >> j) & 1)] = true;
          double v = 0;
          for (int i = 0; i < m; ++i) v += kept[i] ? score(o, i) : 0.0;
          out_best = std::max(out_best, v);
        }
        total += out_best;
      }
      best = std::max(best, total);
      return;
    }
    for (int q = from; q < pairs; ++q) {
      slots[k] = q;
      rec(k + 1, q);
    }
  };
  rec(0, 0);
  return best;
}

TEST(FreeNmMask, KeepsLargestPerGroupTiesToLowerIndex) {
  const Matrix s = MakeMatrix(2, 8, {1, 5, 3, 2, 7, 7, 7, 0,  //
                                     0, 0, 0, 0, 9, 1, 9, 9});
  const Mask m = FreeNmMask(s, {2, 4});
  EXPECT_EQ(m, (Mask{0, 1, 1, 0, 1, 1, 0, 0,  //
                     1, 1, 0, 0, 1, 0, 1, 0}));
}

TEST(FreeNmMask, PartialLastGroupKeepsAtMostN) {
  // 10 inputs with M = 8: the last group has 2 real positions.
  const Matrix s = MakeMatrix(1, 10, {1, 2, 3, 4, 5, 6, 7, 8, 0, 0.5f});
  EXPECT_EQ(FreeNmMask(s, {4, 8}), (Mask{0, 0, 0, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(FreeNmMask(s, {1, 8}), (Mask{0, 0, 0, 0, 0, 0, 0, 1, 0, 1}));
  // 172 inputs with M = 8, 2:8: 21 full groups * 2 + min(2, 4).
  std::mt19937_64 rng(3);
  const Matrix big = RandomScores(rng, 3, 172, false);
  EXPECT_EQ(KeptCount(FreeNmMask(big, {2, 8})), 3 * (21 * 2 + 2));
}

TEST(FreeNmMask, ExactlyNPerFullGroup) {
  std::mt19937_64 rng(11);
  for (const NmPattern p : {NmPattern{1, 2}, NmPattern{1, 4}, NmPattern{2, 4}, NmPattern{2, 8},
                            NmPattern{4, 8}, NmPattern{3, 7}}) {
    const Matrix s = RandomScores(rng, 5, p.m * 6, true);
    const Mask m = FreeNmMask(s, p);
    for (int r = 0; r < s.rows; ++r) {
      for (int g = 0; g < s.cols; g += p.m) {
        int kept = 0;
        for (int i = 0; i < p.m; ++i) kept += m[static_cast<size_t>(r) * s.cols + g + i];
        EXPECT_EQ(kept, p.n) << p.ToString();
      }
    }
  }
}

TEST(NmMask, DenseKeepsEverything) {
  std::mt19937_64 rng(1);
  const Matrix s = RandomScores(rng, 3, 13, false);
  EXPECT_EQ(KeptCount(FreeNmMask(s, {8, 8})), 39);
  EXPECT_EQ(KeptCount(LegalNmMask(s, {4, 4}, 2)), 39);
  EXPECT_EQ(KeptCount(LegalNmMask(s, {3, 3}, 2)), 39);  // odd dense M is fine
  const Mask all(39, 1);
  EXPECT_TRUE(IsLegalMask(all, 3, 13, {8, 8}, 3, nullptr));
}

TEST(LegalNmMask, HandExampleSharedPairs) {
  // G = 2, 1:4. Pair gains: pair 0 first = max(9,1) + max(0,2) = 11,
  // pair 1 first = max(3,4) + max(8,0) = 12 -> pair 1; output 0 keeps
  // element 3 (4 > 3), output 1 keeps element 2.
  const Matrix s = MakeMatrix(2, 4, {9, 1, 3, 4,  //
                                     0, 2, 8, 0});
  EXPECT_EQ(LegalNmMask(s, {1, 4}, 2), (Mask{0, 0, 0, 1,  //
                                              0, 0, 1, 0}));
  // 2:4: gains 12 (p1 first), 11 (p0 first), 1 (p0 second: 1 + 0),
  // 3 (p1 second: 3 + 0) -> first takes of both pairs.
  EXPECT_EQ(LegalNmMask(s, {2, 4}, 2), (Mask{1, 0, 0, 1,  //
                                              0, 1, 1, 0}));
}

TEST(LegalNmMask, TiesTowardFirstTakeThenLowerPair) {
  const Matrix s = MakeMatrix(1, 4, {5, 5, 5, 5});
  // All gains 5: first takes (pair 0, pair 1) win over second takes; each
  // first take keeps element 0 of its pair.
  EXPECT_EQ(LegalNmMask(s, {2, 4}, 1), (Mask{1, 0, 1, 0}));
  EXPECT_EQ(LegalNmMask(s, {1, 4}, 1), (Mask{1, 0, 0, 0}));
  EXPECT_EQ(LegalNmMask(s, {3, 4}, 1), (Mask{1, 1, 1, 0}));
}

TEST(LegalNmMask, GreedyEqualsBruteForceAndIsLegal) {
  std::mt19937_64 rng(77);
  const NmPattern patterns[] = {{1, 2}, {1, 4}, {2, 4}, {3, 4}, {1, 8}, {2, 8},
                                {4, 8}, {6, 8}, {2, 6}};
  for (int trial = 0; trial < 400; ++trial) {
    const NmPattern p = patterns[rng() % std::size(patterns)];
    const int g = 1 + static_cast<int>(rng() % 4);
    const int rows = 1 + static_cast<int>(rng() % 5);
    const int cols = 1 + static_cast<int>(rng() % (2 * p.m + 3));  // partial groups too
    const Matrix s = RandomScores(rng, rows, cols, trial % 2 == 0);
    const Mask mask = LegalNmMask(s, p, g);
    std::string why;
    ASSERT_TRUE(IsLegalMask(mask, rows, cols, p, g, &why)) << why;
    // Optimal per (group, select group) and hence overall.
    for (int g0 = 0; g0 < cols; g0 += p.m) {
      for (int o0 = 0; o0 < rows; o0 += g) {
        const int o1 = std::min(rows, o0 + g);
        double got = 0;
        for (int o = o0; o < o1; ++o) {
          int kept = 0;
          for (int i = g0; i < std::min(cols, g0 + p.m); ++i) {
            const size_t at = static_cast<size_t>(o) * cols + i;
            got += mask[at] ? s.data[at] : 0.0;
            kept += mask[at];
          }
          if (g0 + p.m <= cols) {
            EXPECT_EQ(kept, p.n);  // full group: exactly N per output
          } else {
            EXPECT_LE(kept, std::min(p.n, cols - g0));
          }
        }
        EXPECT_NEAR(got, BruteForceGroup(s, g0, o0, o1, p), 1e-9)
            << "trial " << trial << " " << p.ToString() << " G=" << g;
      }
    }
  }
}

TEST(LegalNmMask, SelectGroupOneEqualsFreeMask) {
  std::mt19937_64 rng(5);
  for (const NmPattern p : {NmPattern{1, 2}, NmPattern{1, 4}, NmPattern{2, 4}, NmPattern{2, 8},
                            NmPattern{4, 8}, NmPattern{8, 16}}) {
    const Matrix s = RandomScores(rng, 6, 3 * p.m + p.m / 2, false);  // continuous: no ties
    EXPECT_EQ(LegalNmMask(s, p, 1), FreeNmMask(s, p)) << p.ToString();
  }
}

TEST(LegalNmMask, WideSelectGroupCostsScoreButStaysLegal) {
  std::mt19937_64 rng(8);
  const Matrix s = RandomScores(rng, 16, 64, false);
  const Mask free = FreeNmMask(s, {2, 8});
  const Mask g16 = LegalNmMask(s, {2, 8}, 16);
  EXPECT_TRUE(IsLegalMask(g16, 16, 64, {2, 8}, 16, nullptr));
  EXPECT_EQ(KeptCount(g16), KeptCount(free));
  EXPECT_LE(KeptScore(s, g16), KeptScore(s, free));
  // Rows not a multiple of G: the last select group is smaller.
  const Matrix s5 = RandomScores(rng, 5, 16, false);
  EXPECT_TRUE(IsLegalMask(LegalNmMask(s5, {2, 4}, 2), 5, 16, {2, 4}, 2, nullptr));
}

TEST(IsLegalMask, DetectsViolations) {
  // Output 0 keeps pair 0 twice, output 1 keeps pair 1 twice: 4 slots > 2.
  const Mask crossed = {1, 1, 0, 0,  //
                        0, 0, 1, 1};
  std::string why;
  EXPECT_FALSE(IsLegalMask(crossed, 2, 4, {2, 4}, 2, &why));
  EXPECT_NE(why.find("need 4 pair slots"), std::string::npos) << why;
  EXPECT_TRUE(IsLegalMask(crossed, 2, 4, {2, 4}, 1, nullptr));
  // Different elements of the same pairs share slots.
  const Mask shared = {1, 0, 1, 0,  //
                       0, 1, 0, 1};
  EXPECT_TRUE(IsLegalMask(shared, 2, 4, {2, 4}, 2, nullptr));
  // Too many kept in one row.
  EXPECT_FALSE(IsLegalMask(Mask{1, 1, 1, 0}, 1, 4, {2, 4}, 1, &why));
  // Not 0/1.
  EXPECT_FALSE(IsLegalMask(Mask{2, 0, 0, 0}, 1, 4, {2, 4}, 1, &why));
}

TEST(NmMask, RejectsBadInputs) {
  const Matrix s = MakeMatrix(1, 4, {1, 2, 3, 4});
  EXPECT_THROW(FreeNmMask(s, {5, 4}), UsageError);
  EXPECT_THROW(FreeNmMask(s, {0, 4}), UsageError);
  EXPECT_THROW(LegalNmMask(s, {2, 4}, 0), UsageError);
  EXPECT_THROW(LegalNmMask(s, {1, 3}, 1), UsageError);
  const Matrix neg = MakeMatrix(1, 4, {1, -2, 3, 4});
  EXPECT_THROW(FreeNmMask(neg, {2, 4}), Error);
  const Matrix nan = MakeMatrix(1, 4, {1, NAN, 3, 4});
  EXPECT_THROW(LegalNmMask(nan, {2, 4}, 1), Error);
  EXPECT_THROW(IsLegalMask(Mask{1, 0, 0}, 1, 4, {2, 4}, 1, nullptr), UsageError);
  Matrix w = MakeMatrix(1, 4, {1, 2, 3, 4});
  EXPECT_THROW(ApplyMask(w, Mask{1, 0}), UsageError);
  ApplyMask(w, Mask{1, 0, 0, 1});
  EXPECT_EQ(w.data, (std::vector<float>{1, 0, 0, 4}));
}

}  // namespace
}  // namespace flexcim::pruner
