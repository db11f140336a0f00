#include "flow_pruner/gemm.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "core/errors.h"
#include "flow_pruner/forward.h"

namespace flexcim::pruner {
namespace {

Matrix Random(int rows, int cols, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  Matrix m(rows, cols);
  for (float& v : m.data) v = dist(rng);
  return m;
}

// Every kernel this CPU runs (generic, AVX2, AVX-512), every token tiling
// (1..4 vectors of tokens, partial tiles) and output remainder.
TEST(Gemm, BitIdenticalToNaiveLoopForAllShapesAndKernels) {
  std::mt19937 rng(7);
  const std::vector<GemmIsa> isas = SupportedGemmIsas();
  ASSERT_EQ(isas.front(), GemmIsa::kGeneric);
  EXPECT_EQ(BestGemmIsa(), isas.back());
  for (const int rows : {1, 2, 3, 4, 5, 9, 17, 31, 33, 47, 64, 65, 130}) {
    for (const int out : {1, 7, 8, 15, 16, 17, 32, 64, 172}) {
      for (const int in : {1, 3, 8, 64, 172}) {
        const Matrix x = Random(rows, in, rng);
        const Matrix w = Random(out, in, rng);
        for (const GemmIsa isa : isas) {
          Matrix y;
          LinearForward(x, w, y, isa);
          ASSERT_EQ(y.rows, rows);
          ASSERT_EQ(y.cols, out);
          for (int t = 0; t < rows; ++t) {
            for (int o = 0; o < out; ++o) {
              float expected = 0.0f;
              for (int k = 0; k < in; ++k) expected += x.at(t, k) * w.at(o, k);
              ASSERT_EQ(std::memcmp(&expected, &y.at(t, o), sizeof(float)), 0)
                  << GemmIsaName(isa) << " " << rows << "x" << in << " * " << out << " at " << t
                  << "," << o;
            }
          }
        }
      }
    }
  }
}

TEST(Gemm, EmptyInputGivesZeros) {
  Matrix x(3, 0), w(2, 0), y;
  LinearForward(x, w, y);
  EXPECT_EQ(y.rows, 3);
  EXPECT_EQ(y.cols, 2);
  EXPECT_EQ(y.data, std::vector<float>(6, 0.0f));
}

TEST(Gemm, ShapeMismatchIsAnError) {
  Matrix x(2, 3), w(4, 5), y;
  try {
    LinearForward(x, w, y);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "linear layer: input has 3 features but the weight is 4x5");
  }
}

TEST(RmsNorm, MatchesFormula) {
  Matrix x(1, 4);
  x.data = {1.0f, -2.0f, 3.0f, 0.5f};
  const std::vector<float> gain = {1.0f, 2.0f, 0.5f, -1.0f};
  Matrix y;
  RmsNormRows(x, gain, y);
  const double ms = (1.0 + 4.0 + 9.0 + 0.25) / 4.0;
  const double inv = 1.0 / std::sqrt(ms + 1e-5);
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(y.at(0, j), gain[j] * x.at(0, j) * inv, 1e-6);
}

}  // namespace
}  // namespace flexcim::pruner
