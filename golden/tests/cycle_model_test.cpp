#include "golden/cycle_model.h"

#include <gtest/gtest.h>

#include "golden/reference_model.h"
#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;
using testing::RunEdges;
using testing::ValidEdges;

// P=2, R=2, C=1, G=1: L = 1 + log2 R + max(1, log2 P) = 3.
MacroConfig Small() { return MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8}); }
const std::vector<int32_t> kAct = {1, -2, 3, 4, -5, 6, 7, -8};

CycleInput Idle() { return CycleInput{}; }
CycleInput Write(int sub, int row, int32_t w, uint8_t e, int sel) { return testing::WritePins(row, {w}, {e}, sub, {sel}); }
CycleInput Vector(int nlog2, const std::vector<int32_t>& act = kAct) { return testing::VectorPins(act, nlog2); }
CycleInput Reset() { return testing::ResetPins(); }

// Edges 0..3 load the hand case of reference_model_test: col = {22, 61};
// edges 4 and 5 idle while the last write is in flight (write latency
// Lw = 3, FLEXCIM.md 5b): the first vector may come at edge 6.
void Load(CycleModel& m) {
  EXPECT_FALSE(m.Step(Write(0, 0, 3, 1, 1)).valid);
  EXPECT_FALSE(m.Step(Write(0, 1, -2, 0, 0)).valid);
  EXPECT_FALSE(m.Step(Write(1, 0, 5, 0, 0)).valid);
  EXPECT_FALSE(m.Step(Write(1, 1, -7, 1, 1)).valid);
  EXPECT_FALSE(m.Step(Idle()).valid);
  EXPECT_FALSE(m.Step(Idle()).valid);
}

// L = register stages = 1 + log2 R + max(1, log2 P) (FLEXCIM.md 5b).
TEST(CycleModel, LatencyIsTheRegisterStageCount) {
  EXPECT_EQ(CycleModel(Small()).latency(), 3);
  EXPECT_EQ(CycleModel(MacroConfig::Default()).latency(), 7);
  EXPECT_EQ(CycleModel(MacroConfig::Create({.subs = 1, .rows = 4, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8})).latency(), 4);
  EXPECT_EQ(CycleModel(MacroConfig::Create({.subs = 16, .rows = 256, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8})).latency(), 13);
}

// The Step of cycle t returns cycle t+1's pins: a vector presented in cycle 6
// is valid in cycle 6 + L = 9, i.e. returned by the Step of cycle 8.
TEST(CycleModel, OutputAppearsInCycleTPlusLatency) {
  CycleModel m(Small());
  Load(m);
  EXPECT_EQ(m.cycle(), 6);
  const auto outs = RunEdges(m, {Vector(0), Idle(), Idle(), Idle()});  // edges 6..9
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{8}));           // 6 + L - 1
  EXPECT_EQ(outs[2].data, (std::vector<int64_t>{22, 61}));
  EXPECT_EQ(outs[2].vector_index, 0);
  EXPECT_TRUE(outs[3].data.empty());
  EXPECT_EQ(outs[3].vector_index, -1);
  EXPECT_EQ(m.cycle(), 10);
}

TEST(CycleModel, FullyPipelinedOneVectorPerCycle) {
  CycleModel m(Small());
  Load(m);
  const auto outs = RunEdges(m, {Vector(0), Vector(1), Vector(0), Idle(), Idle(), Idle()});  // 6..11
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{8, 9, 10}));
  EXPECT_EQ(outs[2].data, (std::vector<int64_t>{22, 61}));
  EXPECT_EQ(outs[3].data, (std::vector<int64_t>{83, 0}));
  EXPECT_EQ(outs[4].data, (std::vector<int64_t>{22, 61}));
  EXPECT_EQ(outs[2].vector_index, 0);
  EXPECT_EQ(outs[3].vector_index, 1);
  EXPECT_EQ(outs[4].vector_index, 2);
}

TEST(CycleModel, VectorAtTheWriteEdgeSeesTheOldWeights) {
  CycleModel m(Small());
  Load(m);
  CycleInput both = Write(0, 0, 0, 0, 0);  // clears w[0][0][0] (was 3 * x[0][3] = 12)
  both.in_valid = true;
  both.in_nlog2 = 0;
  both.in_act = kAct;
  // 6..11: the vector of edge 9 = 6 + Lw is the first that may see the write.
  const auto outs = RunEdges(m, {both, Idle(), Idle(), Vector(0), Idle(), Idle()});
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{8, 11}));
  EXPECT_EQ(outs[2].data, (std::vector<int64_t>{22, 61}));  // old weights
  EXPECT_EQ(outs[5].data, (std::vector<int64_t>{10, 61}));  // new weights
  EXPECT_EQ(m.storage().weight(0, 0, 0), 0);
}

// FLEXCIM.md 5b: a write sampled at edge t is seen from edge t + Lw (3);
// a vector at t+1 .. t+Lw-1 is out of contract and changes nothing.
TEST(CycleModel, WriteIsSeenWriteLatencyEdgesLater) {
  CycleModel m(Small());
  EXPECT_EQ(m.write_latency(), 3);
  const auto first = RunEdges(m, {Write(0, 0, 3, 1, 1), Idle()});  // 0, 1
  EXPECT_EQ(ErrorOf([&] { m.Step(Vector(0)); }),
            "cycle 2: in_valid while the write of cycle 0 is in flight (write latency 3: vectors from "
            "cycle 3 on see it): out of contract");
  EXPECT_EQ(m.cycle(), 2);
  const auto outs = RunEdges(m, {Idle(),                 // 2
                                 Vector(0),              // 3: only w[0][0][0] written: {12, 0}
                                 Write(1, 1, -7, 1, 1),  // 4
                                 Idle(), Idle(),         // 5, 6
                                 Vector(0),              // 7: sees the write at edge 4
                                 Idle(), Idle()});       // 8, 9
  EXPECT_EQ(ValidEdges(outs, 2), (std::vector<int64_t>{5, 9}));
  EXPECT_EQ(outs[3].data, (std::vector<int64_t>{12, 0}));
  EXPECT_EQ(outs[7].data, (std::vector<int64_t>{12, 56}));
}

// A reset after a write does not cancel it (the write pipeline has no reset).
TEST(CycleModel, ResetDoesNotCancelAWriteInFlight) {
  CycleModel m(Small());
  const auto outs = RunEdges(m, {Write(0, 0, 3, 1, 1), Reset(), Idle(), Vector(0), Idle(), Idle()});
  EXPECT_EQ(ValidEdges(outs, 0), (std::vector<int64_t>{5}));
  EXPECT_EQ(outs[5].data, (std::vector<int64_t>{12, 0}));
}

TEST(CycleModel, ResetDropsEveryVectorInFlight) {
  CycleModel m(Small());
  Load(m);
  const auto outs = RunEdges(m, {Vector(0),                 // 6 (index 0), would exit at 8
                                 Vector(1),                 // 7 (index 1), would exit at 9
                                 Reset(),                   // 8
                                 Idle(),                    // 9
                                 Vector(0),                 // 10 (index 2)
                                 Idle(), Idle(), Idle()});  // 11..13
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{12}));
  EXPECT_EQ(outs[6].vector_index, 2);
  EXPECT_EQ(outs[6].data, (std::vector<int64_t>{22, 61}));
}

TEST(CycleModel, ResetAtTheExitEdgeDropsTheVector) {
  CycleModel m(Small());
  Load(m);
  const auto outs =
      RunEdges(m, {Vector(0), Idle(), Reset(), Idle(), Idle()});  // exit edge 8 = reset
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{}));
}

TEST(CycleModel, WritesAndVectorsDuringResetAreIgnored) {
  CycleModel m(Small());
  Load(m);
  CycleInput in = Write(0, 0, -100, 0, 0);
  in.rst_n = false;
  in.in_valid = true;
  in.in_nlog2 = 9;  // junk: ignored during reset, no error
  in.in_act = {};
  const auto during = RunEdges(m, {in, in, Idle(), Idle(), Idle()});  // 6..10
  EXPECT_EQ(ValidEdges(during, 6), (std::vector<int64_t>{}));
  EXPECT_EQ(m.storage().weight(0, 0, 0), 3);
  const auto outs = RunEdges(m, {Vector(0), Idle(), Idle()});  // 11..13
  EXPECT_EQ(ValidEdges(outs, 11), (std::vector<int64_t>{13}));
  EXPECT_EQ(outs[2].vector_index, 0);  // the vectors during reset were not accepted
  EXPECT_EQ(outs[2].data, (std::vector<int64_t>{22, 61}));
}

TEST(CycleModel, VectorRightAfterResetIsAccepted) {
  CycleModel m(Small());
  Load(m);
  const auto outs = RunEdges(m, {Reset(), Vector(1), Idle(), Idle()});  // 6..9
  EXPECT_EQ(ValidEdges(outs, 6), (std::vector<int64_t>{9}));
  EXPECT_EQ(outs[3].data, (std::vector<int64_t>{83, 0}));
}

TEST(CycleModel, IllegalInputThrowsAndChangesNothing) {
  CycleModel m(Small());
  Load(m);
  EXPECT_EQ(ErrorOf([&] { m.Step(Vector(2)); }), "in_nlog2 2: must be in [0, 1] for P = 2");
  EXPECT_EQ(m.cycle(), 6);
  CycleInput junk = Idle();
  junk.in_nlog2 = 15;  // junk while in_valid is low
  junk.wr_w = {100000};
  EXPECT_FALSE(m.Step(junk).valid);  // 6
  CycleInput bad_write = Write(0, 0, 128, 0, 0);
  bad_write.in_valid = true;
  bad_write.in_act = kAct;
  EXPECT_EQ(ErrorOf([&] { m.Step(bad_write); }),
            "wr_w lane 0 128: must be in [-128, 127] for W = 8");
  EXPECT_EQ(m.cycle(), 7);
  EXPECT_EQ(m.storage().weight(0, 0, 0), 3);
  const auto outs = RunEdges(m, {Idle(), Idle(), Idle(), Idle()});
  EXPECT_EQ(ValidEdges(outs, 7), (std::vector<int64_t>{}));  // the rejected vectors never entered
}

TEST(CycleModel, SingleSubMacroAndDefaultMacro) {
  CycleModel one(MacroConfig::Create({.subs = 1, .rows = 4, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8}));  // L = 1 + 2 + 1 output stage
  CycleInput w = Write(1, 3, 0, 0, 1);                    // wr_sub and wr_sel ignored when P = 1
  w.wr_w = {5, -1};
  w.wr_e = {1, 0};
  const auto outs =
      RunEdges(one, {w, Idle(), Idle(), Vector(0, {0, 0, 0, 0, 0, 0, 2, 9}), Idle(), Idle(), Idle(), Idle()});
  EXPECT_EQ(ValidEdges(outs, 0), (std::vector<int64_t>{6}));  // 3 + L - 1, L = 4
  EXPECT_EQ(outs[6].data, (std::vector<int64_t>{45, -2}));

  const MacroConfig d = MacroConfig::Default();
  CycleModel dm(d);
  std::vector<CycleInput> in(8);
  in[0] = Vector(2, std::vector<int32_t>(d.act_lanes(), 1));
  const auto douts = RunEdges(dm, in);
  EXPECT_EQ(ValidEdges(douts, 0), (std::vector<int64_t>{6}));
  EXPECT_EQ(douts[6].data, std::vector<int64_t>(64, 0));
}

// Bit-serial cells (FLEXCIM.md 5c): L = 3 + A + 1 = 12 for A = 8, II = A.
// A vector closer than II to the previous one, or a write while the vector
// still reads the storage, is out of contract and changes nothing; reset
// drops a vector in progress and the next may follow at once.
TEST(CycleModel, BitSerialHonoursTheInitiationInterval) {
  const MacroConfig c = Small().WithMac(MacStyle::kBitSerial);
  CycleModel m(c);
  EXPECT_EQ(m.latency(), 12);
  EXPECT_EQ(c.initiation_interval(), 8);
  Load(m);
  EXPECT_FALSE(m.Step(Vector(0)).valid);  // cycle 6
  EXPECT_EQ(ErrorOf([&] { m.Step(Vector(1)); }),
            "cycle 7: in_valid 1 cycle(s) after the vector of cycle 6: the initiation interval "
            "is 8 (out of contract)");
  EXPECT_EQ(ErrorOf([&] { m.Step(Write(0, 0, 0, 0, 0)); }),
            "cycle 7: wr_en while the vector of cycle 6 still reads the storage (bit-serial, "
            "initiation interval 8): out of contract");
  EXPECT_EQ(m.cycle(), 7);
  EXPECT_EQ(m.storage().weight(0, 0, 0), 3);
  std::vector<CycleInput> in(7, Idle());  // cycles 7..13
  in.push_back(Vector(1));                // cycle 14 = 6 + II
  for (int i = 0; i < 12; ++i) in.push_back(Idle());
  const auto outs = RunEdges(m, in);
  // Valid in cycles 6 + 12 = 18 and 14 + 12 = 26 (Steps of cycles 17 and 25).
  EXPECT_EQ(ValidEdges(outs, 7), (std::vector<int64_t>{17, 25}));
  EXPECT_EQ(outs[10].data, (std::vector<int64_t>{22, 61}));
  EXPECT_EQ(outs[18].data, (std::vector<int64_t>{83, 0}));

  // Reset drops the vector in progress; a vector right after reset is in contract.
  const auto r = RunEdges(m, {Vector(0), Reset(), Vector(0), Idle(), Idle(), Idle(), Idle(), Idle(),
                              Idle(), Idle(), Idle(), Idle(), Idle(), Idle(), Idle()});
  EXPECT_EQ(ValidEdges(r, 0), (std::vector<int64_t>{13}));  // 2 + L - 1
}

TEST(CycleModel, MatchesReferenceComputeOnRandomTraffic) {
  const MacroConfig c = MacroConfig::Create({.subs = 4, .rows = 4, .cols = 8, .sel_group = 2, .a_bits = 6, .w_bits = 5});
  testing::RandomValues rv(7);
  CycleModel m(c);
  MacroStorage shadow(c);
  std::vector<std::pair<int64_t, std::vector<int64_t>>> expected;  // (exit edge, data)
  int64_t last_write = -1000;  // no vector while a write is in flight (Lw)
  for (int t = 0; t < 400; ++t) {
    CycleInput in;
    in.rst_n = !rv.Chance(3);
    const bool draining = !expected.empty() && expected.back().first >= t;
    in.wr_en = !draining && rv.Chance(30);
    in.wr_sub = static_cast<int>(rv.Uniform(0, 3));
    in.wr_row = static_cast<int>(rv.Uniform(0, 3));
    for (int i = 0; i < 8; ++i) in.wr_w.push_back(rv.Signed(5));
    for (int i = 0; i < 8; ++i) in.wr_e.push_back(static_cast<uint8_t>(rv.Uniform(0, 1)));
    for (int i = 0; i < 4; ++i) in.wr_sel.push_back(static_cast<int>(rv.Uniform(0, 3)));
    in.in_valid = !in.wr_en && t >= last_write + c.write_latency() && rv.Chance(60);
    in.in_nlog2 = static_cast<int>(rv.Uniform(0, 2));
    for (int i = 0; i < c.act_lanes(); ++i) in.in_act.push_back(rv.Signed(6));
    if (!in.rst_n) {
      expected.clear();
    } else {
      if (in.in_valid)
        expected.emplace_back(t + c.output_edge_offset(),
                              ReferenceCompute(shadow, in.in_act, in.in_nlog2));
      if (in.wr_en) {
        shadow.WriteRow(in.wr_sub, in.wr_row, in.wr_w, in.wr_e, in.wr_sel);
        last_write = t;
      }
    }
    const CycleOutput out = m.Step(in);
    if (!expected.empty() && expected.front().first == t) {
      ASSERT_TRUE(out.valid) << "edge " << t;
      EXPECT_EQ(out.data, expected.front().second) << "edge " << t;
      expected.erase(expected.begin());
    } else {
      EXPECT_FALSE(out.valid) << "edge " << t;
    }
  }
}

}  // namespace
}  // namespace flexcim::golden
