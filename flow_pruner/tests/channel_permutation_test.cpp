// Channel permutations before N:M pruning (channel_permutation.h) on a
// tiny hand-made model and random layers: the permutation moves exactly the
// entries it names, keeps the function, the grouping never increases the
// shared masks' dropped importance, and the dropped-importance sum is the
// one LegalNmMask's masks drop.
#include "flow_pruner/channel_permutation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/errors.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/nm_mask.h"
#include "flow_pruner/prune_pipeline.h"

namespace flexcim::pruner {
namespace {

Matrix RandomScores(std::mt19937_64& rng, int rows, int cols) {
  std::exponential_distribution<float> e(1.0f);
  Matrix m(rows, cols);
  for (float& v : m.data) v = e(rng);
  return m;
}

// Dropped importance the way the pruner would see it: LegalNmMask on the
// rows in `order`, summed over the patterns.
double DroppedByLegalMasks(const Matrix& scores, const std::vector<NmPattern>& patterns, int g,
                           const std::vector<int>& order) {
  Matrix permuted(scores.rows, scores.cols);
  for (int r = 0; r < scores.rows; ++r) {
    for (int c = 0; c < scores.cols; ++c) permuted.at(r, c) = scores.at(order[r], c);
  }
  double dropped = 0.0;
  for (const NmPattern& p : patterns) {
    const Mask mask = LegalNmMask(permuted, p, g);
    for (size_t i = 0; i < mask.size(); ++i) dropped += mask[i] ? 0.0 : permuted.data[i];
  }
  return dropped;
}

TEST(ChannelPermutation, SharedMaskDroppedScoreIsWhatLegalMasksDrop) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const int rows = 5 + trial % 13, cols = 6 + 2 * (trial % 7) + trial % 2;  // odd cols: a padded pair
    const Matrix s = RandomScores(rng, rows, cols);
    std::vector<int> order(rows);
    for (int i = 0; i < rows; ++i) order[i] = (i * 5 + 3) % rows;
    if (std::gcd(5, rows) != 1) std::iota(order.begin(), order.end(), 0);
    const std::vector<NmPattern> patterns = {{2, 4}, {1, 4}, {4, 8}, {2, 8}};
    for (int g : {1, 2, 4, 16}) {
      EXPECT_NEAR(SharedMaskDroppedScore(s, patterns, g, order), DroppedByLegalMasks(s, patterns, g, order),
                  1e-4)
          << rows << "x" << cols << " G=" << g;
    }
  }
}

TEST(ChannelPermutation, GroupingNeverIncreasesTheDroppedImportanceAndIsABijection) {
  std::mt19937_64 rng(11);
  int improved = 0;
  for (int trial = 0; trial < 30; ++trial) {
    const int rows = 16 + 8 * (trial % 5), cols = 32;
    Matrix s = RandomScores(rng, rows, cols);
    // Half the rows prefer the first pair of each group of 4, half the second.
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) s.at(r, c) *= ((c / 2) % 2 == (r * 7 % 3 == 0 ? 0 : 1)) ? 4.0f : 1.0f;
    }
    const std::vector<NmPattern> patterns = {trial % 2 ? NmPattern{4, 8} : NmPattern{2, 4}};
    for (int g : {2, 4, 8}) {
      const std::vector<int> order = GroupRowsForSharedMasks(s, patterns, g);
      std::vector<int> sorted = order;
      std::sort(sorted.begin(), sorted.end());
      for (int i = 0; i < rows; ++i) ASSERT_EQ(sorted[i], i);
      const double before = SharedMaskDroppedScore(s, patterns, g);
      const double after = SharedMaskDroppedScore(s, patterns, g, order);
      EXPECT_LE(after, before);
      improved += after < before;
    }
  }
  // The grouping finds the two row families on these layers.
  EXPECT_GE(improved, 80);
  // G = 1: nothing to group.
  const Matrix s = RandomScores(rng, 8, 8);
  const std::vector<int> one = GroupRowsForSharedMasks(s, {{2, 4}}, 1);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(one[i], i);
}

TEST(ChannelPermutation, BalancedInputOrderPairsStrongWithWeak) {
  EXPECT_EQ(BalancedInputOrder({5, 1, 4, 2, 3, 0}), (std::vector<int>{0, 5, 2, 1, 4, 3}));
  EXPECT_EQ(BalancedInputOrder({1, 2, 3}), (std::vector<int>{2, 0, 1}));
}

TEST(ChannelPermutation, PairedInputOrderMatchesChannelsARowNeedsApart) {
  // Importance 10, 3, 3, 0: strongest-with-weakest pairs (0,3), (1,2), but
  // row 1 needs both 1 and 2, so keeping one per pair costs it 3; the
  // exchange to (0,1), (2,3) costs nothing.
  Matrix m(2, 4);
  m.at(0, 0) = 10;
  m.at(1, 1) = 3;
  m.at(1, 2) = 3;
  EXPECT_EQ(BalancedInputOrder({10, 3, 3, 0}), (std::vector<int>{0, 3, 1, 2}));
  EXPECT_EQ(PairedInputOrder({m}, 1), (std::vector<int>{0, 1, 2, 3}));
  // Dropped at 1:2 (G = 1): 3 with the balanced order, 0 with the paired one.
  auto ordered = [&](const std::vector<int>& order) {
    Matrix x(2, 4);
    for (int r = 0; r < 2; ++r) {
      for (int j = 0; j < 4; ++j) x.at(r, j) = m.at(r, order[j]);
    }
    return SharedMaskDroppedScore(x, {{1, 2}}, 1);
  };
  EXPECT_EQ(ordered({0, 3, 1, 2}), 3.0);
  EXPECT_EQ(ordered({0, 1, 2, 3}), 0.0);
}

TEST(ChannelPermutation, UnknownMethodListsTheSet) {
  try {
    ParseChannelPermutation("greedy");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--permute-channels greedy: must be one of none, rows, inputs, both");
  }
  EXPECT_EQ(ParseChannelPermutation("both"), ChannelPermutationMethod::kBoth);
  EXPECT_EQ(ChannelPermutationName(ChannelPermutationMethod::kInputs), "inputs");
}

// dim 8, hidden 6, 2 query heads of size 4 sharing 1 KV head (GQA), vocab 7.
LlamaModel TinyModel() {
  LlamaConfig c;
  c.dim = 8;
  c.hidden_dim = 6;
  c.n_layers = 1;
  c.n_heads = 2;
  c.n_kv_heads = 1;
  c.vocab_size = 7;
  c.seq_len = 8;
  c.shared_classifier = false;
  LlamaModel m = AllocateLlamaModel(c);
  std::mt19937_64 rng(3);
  std::normal_distribution<float> g(0.0f, 0.5f);
  for (TensorRef t : TensorsInFileOrder(m)) {
    if (t.name == "freq_cis_real" || t.name == "freq_cis_imag") continue;
    for (size_t i = 0; i < t.size; ++i) t.data[i] = g(rng);
  }
  for (float& v : m.layers[0].rms_att) v = 1.0f + std::fabs(v);
  m.layers[0].bv = {0.1f, -0.2f, 0.3f, 0.05f};
  return m;
}

TEST(ChannelPermutation, BlockPermutationMovesTheNamedEntriesAndKeepsTheLogits) {
  const LlamaModel before = TinyModel();
  LlamaModel after = before;
  BlockChannelPermutation p;
  p.ffn = {3, 0, 5, 1, 4, 2};
  p.value = {2, 0, 3, 1};  // the one KV head's 4 channels
  PermuteBlockChannels(after, 0, p);
  const LlamaLayer& a = after.layers[0];
  const LlamaLayer& b = before.layers[0];
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 8; ++j) {
      EXPECT_EQ(a.w1.at(i, j), b.w1.at(p.ffn[i], j));
      EXPECT_EQ(a.w3.at(i, j), b.w3.at(p.ffn[i], j));
      EXPECT_EQ(a.w2.at(j, i), b.w2.at(j, p.ffn[i]));
    }
  }
  for (int d = 0; d < 4; ++d) {
    EXPECT_EQ(a.bv[d], b.bv[p.value[d]]);
    for (int j = 0; j < 8; ++j) {
      EXPECT_EQ(a.wv.at(d, j), b.wv.at(p.value[d], j));
      // Both query heads read the KV head: wo's columns of each follow it.
      EXPECT_EQ(a.wo.at(j, d), b.wo.at(j, p.value[d]));
      EXPECT_EQ(a.wo.at(j, 4 + d), b.wo.at(j, 4 + p.value[d]));
    }
  }
  EXPECT_EQ(a.wq.data, b.wq.data);
  EXPECT_EQ(a.wk.data, b.wk.data);
  const std::vector<int> tokens = {1, 4, 2, 6, 0, 3};
  const Matrix x = ForwardLogits(before, tokens), y = ForwardLogits(after, tokens);
  for (size_t i = 0; i < x.data.size(); ++i) EXPECT_NEAR(x.data[i], y.data[i], 1e-5) << i;

  LlamaModel residual = after;
  const std::vector<int> order = {7, 2, 0, 5, 1, 6, 3, 4};
  PermuteResidualStream(residual, order);
  for (int j = 0; j < 8; ++j) {
    EXPECT_EQ(residual.token_embedding.at(3, j), after.token_embedding.at(3, order[j]));
    EXPECT_EQ(residual.wcls->at(5, j), after.wcls->at(5, order[j]));
    EXPECT_EQ(residual.rms_final[j], after.rms_final[order[j]]);
    EXPECT_EQ(residual.layers[0].rms_att[j], after.layers[0].rms_att[order[j]]);
    EXPECT_EQ(residual.layers[0].wq.at(1, j), after.layers[0].wq.at(1, order[j]));
    EXPECT_EQ(residual.layers[0].w2.at(j, 2), after.layers[0].w2.at(order[j], 2));
    EXPECT_EQ(residual.layers[0].wo.at(j, 1), after.layers[0].wo.at(order[j], 1));
  }
  const Matrix z = ForwardLogits(residual, tokens);
  for (size_t i = 0; i < x.data.size(); ++i) EXPECT_NEAR(x.data[i], z.data[i], 1e-5) << i;
}

TEST(ChannelPermutation, InputPairingNeverIncreasesTheDroppedImportanceAndKeepsTheLogits) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.1, 4.0);
  int permuted = 0;
  for (int trial = 0; trial < 10; ++trial) {
    const LlamaModel before = TinyModel();
    LlamaModel after = before;
    // The one block's statistics: random S_j.
    CalibrationStats stats;
    stats.layers.resize(1);
    for (LinearKind k : kAllLinearKinds) {
      const int n = before.layers[0].linear(k).cols;
      for (int j = 0; j < n; ++j) stats.layers[0][k].push_back(u(rng));
    }
    const ChannelPermutationReport r = PermuteChannelsForSharedMasks(
        after, stats, {{2, 4}}, trial % 2 ? 2 : 4, ChannelPermutationMethod::kInputs, 1);
    EXPECT_LE(r.residual_after, r.residual_before);
    EXPECT_LE(r.effects[0].k_moved_after, r.effects[0].k_moved_before);
    permuted += !r.residual.empty() || !r.blocks[0].ffn.empty();
    const std::vector<int> tokens = {2, 5, 1, 6};
    const Matrix x = ForwardLogits(before, tokens), y = ForwardLogits(after, tokens);
    for (size_t i = 0; i < x.data.size(); ++i) EXPECT_NEAR(x.data[i], y.data[i], 1e-5) << i;
  }
  EXPECT_GT(permuted, 0);
}

TEST(ChannelPermutation, ABadPermutationIsAnErrorNamingIt) {
  LlamaModel m = TinyModel();
  BlockChannelPermutation p;
  p.ffn = {0, 1, 2, 3, 4, 4};
  try {
    PermuteBlockChannels(m, 0, p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "block 0 ffn: permutation is not a bijection of 0..5");
  }
  p.ffn.clear();
  p.value = {0, 1, 2};
  try {
    PermuteBlockChannels(m, 0, p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "block 0 value: permutation has 3 entries, expected 4");
  }
}

std::string Names(const std::vector<NmPattern>& patterns) {
  std::string out;
  for (const NmPattern& p : patterns) out += (out.empty() ? "" : ",") + p.ToString();
  return out;
}

TEST(ChannelPermutation, PatternsScoredAreTheMethodsOwn) {
  PruneSettings s;
  s.method = PruneMethod::kUniform;
  s.nm = NmPattern{1, 2};
  EXPECT_EQ(Names(PermutationPatterns(s)), "1:2");
  s.nm = NmPattern{4, 8};
  EXPECT_EQ(Names(PermutationPatterns(s)), "4:8");
  s.method = PruneMethod::kSearch;  // the default macro's patterns nearest 0.5
  s.target = 0.5;
  EXPECT_EQ(Names(PermutationPatterns(s)), "1:2,2:4,4:8");
  s.target = 0.7;
  EXPECT_EQ(Names(PermutationPatterns(s)), "1:4,2:8");
  s.method = PruneMethod::kAssigned;
  s.assigned = {{2, 2}, {2, 4}, {2, 4}, {1, 8}};
  EXPECT_EQ(Names(PermutationPatterns(s)), "2:4,1:8");
}

}  // namespace
}  // namespace flexcim::pruner
