// BaselineModel on sparse12: hand-computed element selection, exact latency,
// reset, write order and the element-bit checks.
#include "golden/baseline_model.h"

#include <gtest/gtest.h>

#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;

// P=1, R=2, C=2, A=W=8: 2 rows, L = 1 + log2 2 = 2, O = 17. Pairs x[0] = (1, -2),
// x[1] = (3, 4) on lanes 2r+i.
BaselineConfig Small() {
  return BaselineConfig::For(Arch::kSparse12, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8}));
}
const std::vector<int32_t> kAct = {1, -2, 3, 4};

CycleInput Write(int row, std::vector<int32_t> w, std::vector<uint8_t> e) {
  return testing::WritePins(row, std::move(w), std::move(e));
}
CycleInput Vector(const std::vector<int32_t>& act = kAct) { return testing::VectorPins(act); }

// Edges 0, 1, then 2 and 3 idle while the last write is in flight (Lw = 3).
// out[0] = 3*x[0][1] + -2*x[1][0] = -6 - 6 = -12;
// out[1] = -1*x[0][0] + 5*x[1][1] = -1 + 20 = 19.
void Load(BaselineModel& m) {
  EXPECT_FALSE(m.Step(Write(0, {3, -1}, {1, 0})).valid);
  EXPECT_FALSE(m.Step(Write(1, {-2, 5}, {0, 1})).valid);
  EXPECT_FALSE(m.Step(CycleInput{}).valid);
  EXPECT_FALSE(m.Step(CycleInput{}).valid);
}

TEST(Sparse12BaselineModel, EachCellTakesItsElementOfTheRowPair) {
  BaselineModel m(Small());
  Load(m);
  EXPECT_EQ(m.Compute(kAct), (std::vector<int64_t>{-12, 19}));
  EXPECT_EQ(m.element(0, 0), 1);
  EXPECT_EQ(m.element(1, 0), 0);
  // Flip every element bit: out[0] = 3*1 + -2*4 = -5, out[1] = -1*-2 + 5*3 = 17.
  m.WriteRow(0, {3, -1}, {0, 1});
  m.WriteRow(1, {-2, 5}, {1, 0});
  EXPECT_EQ(m.Compute(kAct), (std::vector<int64_t>{-5, 17}));
}

TEST(Sparse12BaselineModel, LatencyTwoAndPipelined) {
  BaselineModel m(Small());
  EXPECT_EQ(m.latency(), 2);
  Load(m);
  CycleInput both = Write(1, {0, 0}, {0, 0});  // vector at the write edge: old weights
  both.in_valid = true;
  both.in_act = kAct;
  std::vector<CycleOutput> outs;
  for (const auto& in : {both, CycleInput{}, CycleInput{}, Vector(), CycleInput{}, CycleInput{}}) {
    outs.push_back(m.Step(in));  // edges 4..9
  }
  EXPECT_FALSE(outs[0].valid);
  ASSERT_TRUE(outs[1].valid);  // presented in cycle 4, valid in cycle 6 = 4 + L
  EXPECT_EQ(outs[1].data, (std::vector<int64_t>{-12, 19}));
  EXPECT_FALSE(outs[2].valid);
  EXPECT_FALSE(outs[3].valid);
  ASSERT_TRUE(outs[4].valid);  // presented in cycle 7 = 4 + Lw: sees the write
  EXPECT_EQ(outs[4].data, (std::vector<int64_t>{-6, -1}));  // row 1 cleared
  EXPECT_EQ(outs[4].vector_index, 1);
  EXPECT_FALSE(outs[5].valid);
}

TEST(Sparse12BaselineModel, DefaultMacroLatencyAndExtremes) {
  const BaselineConfig d = BaselineConfig::For(Arch::kSparse12, MacroConfig::Default());
  BaselineModel m(d);
  for (int r = 0; r < d.rows(); ++r) {
    m.WriteRow(r, std::vector<int32_t>(16, -128), std::vector<uint8_t>(16, r % 2));
  }
  std::vector<int32_t> act(d.act_lanes(), -128);
  for (int r = 0; r < d.rows(); ++r) act[2 * r + 1] = 127;  // element 1 of every pair
  // 32 rows take -128 * -128, 32 rows take -128 * 127: 32*16384 - 32*16256 = 4096.
  EXPECT_EQ(m.Compute(act), std::vector<int64_t>(16, 4096));
  CycleInput v;
  v.in_valid = true;
  v.in_act = act;
  int valid_at = -1;
  for (int edge = 0; edge < 10; ++edge) {
    if (m.Step(edge == 0 ? v : CycleInput{}).valid) valid_at = edge;
  }
  EXPECT_EQ(valid_at, 6);  // log2 64
}

TEST(Sparse12BaselineModel, BadElementBitsAndPairsAreRejected) {
  BaselineModel m(Small());
  Load(m);
  EXPECT_EQ(ErrorOf([&] { m.Step(Write(0, {0, 0}, {0, 2})); }), "wr_e bit 1 2: must be in [0, 1]");
  EXPECT_EQ(ErrorOf([&] { m.Step(Write(0, {0, 0}, {0})); }), "wr_e has 1 bits: must have C = 2");
  EXPECT_EQ(ErrorOf([&] { m.Step(Vector({1, 2})); }), "in_act has 2 lanes: must have P*R*2 = 4");
  EXPECT_EQ(ErrorOf([&] { m.Step(Vector({1, 2, 3, 128})); }),
            "in_act lane 3 (x[1][1]) 128: must be in [-128, 127] for A = 8");
  EXPECT_EQ(m.cycle(), 4);
  EXPECT_EQ(m.weight(0, 1), -1);
}

}  // namespace
}  // namespace flexcim::golden
