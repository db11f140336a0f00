// BaselineModel on dense: a hand-computed case, the exact latency 1 + log2(P*R),
// pipelining, write-after-vector order, reset, and input checks.
#include "golden/baseline_model.h"

#include <gtest/gtest.h>

#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;
using testing::RunEdges;
using testing::ValidEdges;

// P=2, R=2, C=2, A=W=8: 4 rows, L = 1 + log2 4 = 3, O = 8+8+2 = 18.
BaselineConfig Small() { return BaselineConfig::For(Arch::kDense, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8})); }
const std::vector<int32_t> kAct = {1, -2, 3, 4};

CycleInput Idle() { return CycleInput{}; }
CycleInput Write(int row, std::vector<int32_t> w) { return testing::WritePins(row, std::move(w)); }
CycleInput Vector(const std::vector<int32_t>& act = kAct) { return testing::VectorPins(act); }
CycleInput Reset() { return testing::ResetPins(); }

// Edges 0..3, then 4 and 5 idle while the last write is in flight (Lw = 3,
// FLEXCIM.md 5b). out[0] = 3*1 + -2*-2 + 7*3 + 1*4 = 32,
//             out[1] = -1*1 + 5*-2 + 0*3 + -128*4 = -523.
void Load(BaselineModel& m) {
  EXPECT_FALSE(m.Step(Write(0, {3, -1})).valid);
  EXPECT_FALSE(m.Step(Write(1, {-2, 5})).valid);
  EXPECT_FALSE(m.Step(Write(2, {7, 0})).valid);
  EXPECT_FALSE(m.Step(Write(3, {1, -128})).valid);
  EXPECT_FALSE(m.Step(Idle()).valid);
  EXPECT_FALSE(m.Step(Idle()).valid);
}

TEST(DenseBaselineModel, HandComputedColumnSums) {
  BaselineModel m(Small());
  Load(m);
  EXPECT_EQ(m.Compute(kAct), (std::vector<int64_t>{32, -523}));
  EXPECT_EQ(m.weight(3, 1), -128);
}

TEST(DenseBaselineModel, ExtremesFitTheOutputWidth) {
  BaselineModel m(Small());
  for (int r = 0; r < 4; ++r) m.WriteRow(r, {-128, 127}, {});
  // 4 * (-128 * -128) = 65536 and 4 * (127 * -128) = -65024: inside 18 bits.
  EXPECT_EQ(m.Compute({-128, -128, -128, -128}), (std::vector<int64_t>{65536, -65024}));
}

// Presented in cycle 6, valid in cycle 6 + L = 9 (returned by Step of cycle 8).
TEST(DenseBaselineModel, OutputInCycleTPlusLatency) {
  BaselineModel m(Small());
  EXPECT_EQ(m.latency(), 3);
  Load(m);
  const auto outs = RunEdges(m, {Vector(), Idle(), Idle(), Idle()});  // edges 6..9
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{8}));
  EXPECT_EQ(outs[2].data, (std::vector<int64_t>{32, -523}));
  EXPECT_EQ(outs[2].vector_index, 0);
  EXPECT_EQ(m.cycle(), 10);
}

TEST(DenseBaselineModel, BackToBackAndSmallestLatency) {
  BaselineModel m(Small());
  Load(m);
  const auto outs = RunEdges(m, {Vector(), Vector({0, 0, 0, 1}), Idle(), Idle()});  // 6..9
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{8, 9}));
  EXPECT_EQ(outs[3].data, (std::vector<int64_t>{1, -128}));
  EXPECT_EQ(outs[3].vector_index, 1);

  // P*R = 2: L = 2, the vector of cycle 4 (Lw = 3 after the last write) is
  // out during cycle 6.
  BaselineModel tiny(BaselineConfig::For(Arch::kDense, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2})));
  EXPECT_EQ(tiny.latency(), 2);
  const auto t = RunEdges(tiny, {Write(0, {-2}), Write(1, {1}), Idle(), Idle(), Vector({-2, -2}), Idle()});
  EXPECT_EQ(ValidEdges(t, 0), (std::vector<int64_t>{5}));
  EXPECT_EQ(t[5].data, (std::vector<int64_t>{2}));  // -2*-2 + 1*-2
}

TEST(DenseBaselineModel, VectorAtTheWriteEdgeSeesTheOldWeights) {
  BaselineModel m(Small());
  Load(m);
  CycleInput both = Write(0, {0, 0});
  both.in_valid = true;
  both.in_act = kAct;
  const auto outs = RunEdges(m, {both, Idle(), Idle(), Vector(), Idle(), Idle()});  // 6..11
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{8, 11}));
  EXPECT_EQ(outs[2].data, (std::vector<int64_t>{32, -523}));  // old row 0
  EXPECT_EQ(outs[5].data, (std::vector<int64_t>{29, -522}));  // row 0 cleared, seen from 6 + Lw
}

TEST(DenseBaselineModel, ResetDropsVectorsInFlightAndIgnoresPins) {
  BaselineModel m(Small());
  Load(m);
  CycleInput junk = Write(0, {100, 100});
  junk.rst_n = false;
  junk.in_valid = true;
  const auto outs = RunEdges(m, {Vector(), junk, Idle(), Vector(), Idle(), Idle()});  // 6..11
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{11}));
  EXPECT_EQ(outs[5].data, (std::vector<int64_t>{32, -523}));  // weights kept through reset
  EXPECT_EQ(outs[5].vector_index, 1);
  const auto after = RunEdges(m, {Vector(), Idle(), Reset(), Idle()});  // 12..15, exit edge 14 resets
  EXPECT_EQ(ValidEdges(after, 12), (std::vector<int64_t>{}));
}

TEST(DenseBaselineModel, BadInputsThrowAndChangeNothing) {
  BaselineModel m(Small());
  Load(m);
  EXPECT_EQ(ErrorOf([&] { m.Step(Write(4, {0, 0})); }), "wr_row 4: must be in [0, 3] for P*R = 4");
  EXPECT_EQ(ErrorOf([&] { m.Step(Write(0, {128, 0})); }),
            "wr_w lane 0 128: must be in [-128, 127] for W = 8");
  EXPECT_EQ(ErrorOf([&] { m.Step(Write(0, {1})); }), "wr_w has 1 lanes: must have C = 2");
  EXPECT_EQ(ErrorOf([&] { m.Step(Vector({1, 2, 3})); }), "in_act has 3 lanes: must have P*R = 4");
  EXPECT_EQ(ErrorOf([&] { m.Step(Vector({1, 2, -129, 4})); }),
            "in_act lane 2 (x[2]) -129: must be in [-128, 127] for A = 8");
  EXPECT_EQ(m.cycle(), 6);
  EXPECT_EQ(m.weight(0, 0), 3);
  const auto outs = RunEdges(m, {Idle(), Idle(), Idle()});
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{}));
}

}  // namespace
}  // namespace flexcim::golden
