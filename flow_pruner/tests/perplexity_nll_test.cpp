// NllOfLogits against a long-double log-sum-exp (no data files).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "flow_pruner/perplexity.h"

namespace flexcim::pruner {
namespace {

// The protocol's steps (max subtracted in float) in long double.
long double ReferenceNll(const Matrix& logits, int t, int target) {
  const float* row = logits.row(t);
  float max = row[0];
  for (int j = 0; j < logits.cols; ++j) max = std::max(max, row[j]);
  long double sum = 0.0L;
  for (int j = 0; j < logits.cols; ++j) sum += std::exp(static_cast<long double>(row[j] - max));
  return max + std::log(sum) - row[target];
}

TEST(NllOfLogits, MatchesLongDoubleLogSumExpForEveryWidth) {
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(0.0f, 6.0f);
  for (const int vocab : {1, 2, 7, 8, 9, 15, 16, 17, 512, 32000}) {
    Matrix logits(3, vocab);
    for (float& v : logits.data) v = dist(rng);
    const std::vector<int> tokens = {0, vocab - 1, vocab / 2, 0};
    const SequenceNll got = NllOfLogits(logits, tokens);
    long double want = 0.0L;
    for (int t = 0; t < 3; ++t) want += ReferenceNll(logits, t, tokens[t + 1]);
    EXPECT_EQ(got.predictions, 3);
    EXPECT_NEAR(got.sum_nll, static_cast<double>(want), 1e-13 * (1.0 + std::fabs(static_cast<double>(want))))
        << "vocab " << vocab;
  }
}

TEST(NllOfLogits, EqualLogitsGiveLogVocabAndFarTailsVanish) {
  Matrix equal(1, 32000);
  EXPECT_NEAR(NllOfLogits(equal, std::vector<int>{0, 5}).sum_nll, std::log(32000.0), 1e-14);
  // Logits 2000 below the maximum contribute nothing: NLL of the maximum is 0.
  Matrix far(1, 20);
  for (int j = 0; j < 20; ++j) far.at(0, j) = j == 7 ? 1000.0f : -1000.0f;
  EXPECT_EQ(NllOfLogits(far, std::vector<int>{0, 7}).sum_nll, 0.0);
  EXPECT_NEAR(NllOfLogits(far, std::vector<int>{0, 3}).sum_nll, 2000.0, 1e-9);
  // exp over the whole clamped range [-708, 0] keeps its accuracy.
  Matrix ramp(1, 709);
  for (int j = 0; j < 709; ++j) ramp.at(0, j) = -static_cast<float>(j);
  long double want = 0.0L;
  for (int j = 0; j < 709; ++j) want += std::exp(-static_cast<long double>(j));
  EXPECT_NEAR(NllOfLogits(ramp, std::vector<int>{0, 0}).sum_nll,
              static_cast<double>(std::log(want)), 1e-15);
}

TEST(NllOfLogits, NanLogitGivesNan) {
  Matrix logits(1, 40);
  logits.at(0, 33) = std::nanf("");
  EXPECT_TRUE(std::isnan(NllOfLogits(logits, std::vector<int>{0, 1}).sum_nll));
}

}  // namespace
}  // namespace flexcim::pruner
