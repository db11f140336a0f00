#include "flow_pruner/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/errors.h"

namespace flexcim::pruner {
namespace {

Matrix MakeMatrix(int rows, int cols, std::vector<float> values) {
  Matrix m(rows, cols);
  m.data = std::move(values);
  return m;
}

TEST(Quantize, QuantMax) {
  EXPECT_EQ(QuantMax(2), 1);
  EXPECT_EQ(QuantMax(4), 7);
  EXPECT_EQ(QuantMax(8), 127);
  EXPECT_EQ(QuantMax(16), 32767);
  EXPECT_THROW(QuantMax(1), UsageError);
  EXPECT_THROW(QuantMax(17), UsageError);
}

TEST(Quantize, RoundHalfAwayFromZero) {
  EXPECT_EQ(RoundHalfAwayFromZero(2.5), 3);
  EXPECT_EQ(RoundHalfAwayFromZero(-2.5), -3);
  EXPECT_EQ(RoundHalfAwayFromZero(0.5), 1);
  EXPECT_EQ(RoundHalfAwayFromZero(-0.5), -1);
  EXPECT_EQ(RoundHalfAwayFromZero(1.4999), 1);
  EXPECT_EQ(RoundHalfAwayFromZero(-1.5001), -2);
  EXPECT_EQ(RoundHalfAwayFromZero(0.0), 0);
  EXPECT_THROW(RoundHalfAwayFromZero(NAN), Error);
  EXPECT_THROW(RoundHalfAwayFromZero(1e300), Error);
}

TEST(Quantize, HandExamplePerRow) {
  // Row 0: absmax 7, 4 bits -> qmax 7, scale 1: 2.5 -> 3, -2.5 -> -3.
  // Row 1: absmax 2, 2 bits -> qmax 1, scale 2: 1.0/2 = 0.5 -> 1, -0.9/2 -> 0.
  const Matrix w = MakeMatrix(2, 4, {7.0f, 2.5f, -2.5f, 0.4f,  //
                                     -2.0f, 1.0f, -0.9f, 0.0f});
  const QuantizedRows q4 = QuantizeRows(w, 4);
  EXPECT_EQ(q4.scale[0], 1.0);
  EXPECT_EQ((std::vector<int32_t>(q4.q.begin(), q4.q.begin() + 4)),
            (std::vector<int32_t>{7, 3, -3, 0}));
  const QuantizedRows q2 = QuantizeWeights(w, 2);
  EXPECT_EQ(q2.scale[1], 2.0);
  EXPECT_EQ((std::vector<int32_t>(q2.q.begin() + 4, q2.q.end())),
            (std::vector<int32_t>{-1, 1, 0, 0}));
  const Matrix f = FakeQuantizeWeights(w, 2);
  EXPECT_EQ((std::vector<float>(f.data.begin() + 4, f.data.end())),
            (std::vector<float>{-2.0f, 2.0f, 0.0f, 0.0f}));
}

TEST(Quantize, EightBitExample) {
  // absmax 127 -> scale 1 exactly; halves round away from zero.
  const Matrix x = MakeMatrix(1, 5, {127.0f, -127.0f, 0.5f, -0.5f, 63.5f});
  const QuantizedRows q = QuantizeActivations(x, 8);
  EXPECT_EQ(q.q, (std::vector<int32_t>{127, -127, 1, -1, 64}));
  EXPECT_EQ(FakeQuantizeActivations(x, 8).data,
            (std::vector<float>{127.0f, -127.0f, 1.0f, -1.0f, 64.0f}));
}

TEST(Quantize, ZeroRowHasScaleOneAndZeroCodes) {
  const Matrix z = MakeMatrix(2, 2, {0.0f, 0.0f, 1.0f, -1.0f});
  const QuantizedRows q = QuantizeRows(z, 8);
  EXPECT_EQ(q.scale[0], 1.0);
  EXPECT_EQ(q.q[0], 0);
  EXPECT_EQ(q.q[1], 0);
  EXPECT_EQ(q.q[2], 127);
  EXPECT_EQ(q.q[3], -127);
  EXPECT_EQ(Dequantize(q).data, z.data);
}

TEST(Quantize, BoundsAndErrorOnRandomRows) {
  std::mt19937_64 rng(42);
  std::normal_distribution<float> n(0.0f, 3.0f);
  for (int bits : {2, 3, 4, 8, 12, 16}) {
    Matrix m(7, 33);
    for (auto& v : m.data) v = n(rng);
    const QuantizedRows q = QuantizeRows(m, bits);
    const Matrix f = Dequantize(q);
    const int qmax = QuantMax(bits);
    for (int r = 0; r < m.rows; ++r) {
      bool hit_max = false;
      for (int c = 0; c < m.cols; ++c) {
        const int32_t code = q.q[static_cast<size_t>(r) * m.cols + c];
        EXPECT_LE(std::abs(code), qmax);
        hit_max |= std::abs(code) == qmax;
        // Error at most half a step (plus float storage rounding).
        EXPECT_LE(std::fabs(f.at(r, c) - m.at(r, c)), q.scale[r] / 2 * (1 + 1e-6) + 1e-6);
      }
      EXPECT_TRUE(hit_max) << "the absmax element maps to +-qmax";
    }
  }
}

TEST(Quantize, RejectsBadInputs) {
  const Matrix m = MakeMatrix(1, 2, {1.0f, NAN});
  EXPECT_THROW(QuantizeRows(m, 8), Error);
  const Matrix ok = MakeMatrix(1, 2, {1.0f, 2.0f});
  EXPECT_THROW(QuantizeRows(ok, 1), UsageError);
  EXPECT_THROW(FakeQuantizeActivations(ok, 40), UsageError);
  Matrix bad(2, 2);
  bad.data.pop_back();
  EXPECT_THROW(QuantizeWeights(bad, 8), UsageError);
  QuantizedRows q = QuantizeRows(ok, 8);
  q.scale.clear();
  EXPECT_THROW(Dequantize(q), UsageError);
}

}  // namespace
}  // namespace flexcim::pruner
