#include "verif/stimulus_contract.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "verif/stimulus.h"

namespace flexcim::verif {
namespace {

// p2_r4_c4_g2_a4_w3: SB = 1, log2 R = 2, C/G = 2 select lanes, 16 act lanes,
// L = output_edge_offset() = pipeline_latency() - 1: edges a vector is in flight.
const ArchConfig kConfig(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 4, .w_bits = 3}));

golden::CycleInput Idle() {
  golden::CycleInput in;
  in.wr_w.assign(4, 0);
  in.wr_e.assign(4, 0);
  in.wr_sel.assign(2, 0);
  in.in_act.assign(16, 0);
  return in;
}

std::string CheckOne(const golden::CycleInput& in) { return StimulusContract(kConfig).Check(in); }

TEST(StimulusContract, RandomStimuliStayInContract) {
  for (const ArchConfig& c : {kConfig, ArchConfig(Arch::kFlexcim, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2})),
                              ArchConfig(Arch::kFlexcim, MacroConfig::Default()),
                              ArchConfig(Arch::kFlexcim, MacroConfig::Create({.subs = 8, .rows = 8, .cols = 4, .sel_group = 1, .a_bits = 5, .w_bits = 7})),
                              ArchConfig(Arch::kDense, MacroConfig::Create({.subs = 2, .rows = 4, .cols = 8, .sel_group = 8, .a_bits = 3, .w_bits = 5})),
                              ArchConfig(Arch::kSparse12, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 3}).WithMac(MacStyle::kBitSerial))}) {
    StimulusContract contract(c);
    const Stimulus s = RandomStimulus(c, {.vectors = 300, .seed = 11});
    for (size_t i = 0; i < s.cycles.size(); ++i) ASSERT_EQ(contract.Check(s.cycles[i]), "") << c.Name() << " edge " << i;
  }
}

TEST(StimulusContract, LanesMustFitTheirPinsEnabledOrNot) {
  golden::CycleInput in = Idle();
  in.wr_sub = 2;
  EXPECT_EQ(CheckOne(in), "wr_sub = 2 does not fit the pin (1 bit: 0..1)");
  in = Idle();
  in.wr_row = 4;
  EXPECT_EQ(CheckOne(in), "wr_row = 4 does not fit the pin (2 bits: 0..3)");
  in = Idle();
  in.in_nlog2 = 16;
  EXPECT_EQ(CheckOne(in), "in_nlog2 = 16 does not fit the pin (4 bits: 0..15)");
  in = Idle();
  in.wr_w[3] = 4;
  EXPECT_EQ(CheckOne(in), "wr_w lane 3 = 4 does not fit 3 signed bits (-4..3)");
  in = Idle();
  in.wr_e[1] = 2;
  EXPECT_EQ(CheckOne(in), "wr_e lane 1 = 2 does not fit the pin (1 bit: 0..1)");
  in = Idle();
  in.wr_sel[1] = -1;
  EXPECT_EQ(CheckOne(in), "wr_sel lane 1 = -1 does not fit the pin (1 bit: 0..1)");
  in = Idle();
  in.in_act[15] = -9;
  EXPECT_EQ(CheckOne(in), "in_act lane 15 = -9 does not fit 4 signed bits (-8..7)");
  in.in_act[15] = -8;
  EXPECT_EQ(CheckOne(in), "");
}

TEST(StimulusContract, VectorNeedsALegalN) {
  golden::CycleInput in = Idle();
  in.in_nlog2 = 2;  // junk while in_valid is low
  EXPECT_EQ(CheckOne(in), "");
  in.in_valid = true;
  EXPECT_EQ(CheckOne(in), "in_nlog2 = 2 on a valid vector: must be in 0..log2 P = 1");
  in.rst_n = false;  // ignored during reset
  EXPECT_EQ(CheckOne(in), "");
}

TEST(StimulusContract, NoWriteWhileAVectorIsInFlight) {
  const int L = kConfig.output_edge_offset();  // edges in flight after the sampling edge
  golden::CycleInput vec = Idle(), write = Idle(), reset = Idle();
  vec.in_valid = true;
  write.wr_en = true;
  reset.rst_n = false;
  {
    StimulusContract c(kConfig);
    ASSERT_EQ(c.Check(Idle()), "");
    ASSERT_EQ(c.Check(vec), "");  // edge 1
    for (int i = 0; i < L - 1; ++i) ASSERT_EQ(c.Check(Idle()), "");
    EXPECT_EQ(c.Check(write),
              fmt::format("wr_en while the vector sampled at edge 1 is in flight (it is delivered at edge {}): "
                          "writing while a vector is in flight is out of contract (FLEXCIM.md 5b)",
                          1 + L));
  }
  {
    StimulusContract c(kConfig);
    ASSERT_EQ(c.Check(vec), "");
    for (int i = 0; i < L; ++i) ASSERT_EQ(c.Check(Idle()), "");
    EXPECT_EQ(c.Check(write), "");  // the vector has been delivered
  }
  {
    StimulusContract c(kConfig);
    ASSERT_EQ(c.Check(vec), "");
    ASSERT_EQ(c.Check(reset), "");  // drops it
    EXPECT_EQ(c.Check(write), "");
  }
  {
    StimulusContract c(kConfig);
    golden::CycleInput both = vec;
    both.wr_en = true;  // a write sampled with a vector is seen from the next vector on
    EXPECT_EQ(c.Check(both), "");
  }
}

}  // namespace
// The baselines: their own pin widths (wr_row addresses P*R array rows),
// and the pins they lack carry nothing.
// FLEXCIM.md 5b: a write sampled at edge t is seen from edge t + Lw (3); a
// vector at t+1 .. t+Lw-1 is refused, one at t itself or at t + Lw is not,
// and a reset in between does not cancel the write in flight.
TEST(StimulusContract, NoVectorWhileAWriteIsInFlight) {
  ASSERT_EQ(kConfig.write_latency(), 3);
  golden::CycleInput write = Idle();
  write.wr_en = true;
  golden::CycleInput vector = Idle();
  vector.in_valid = true;
  golden::CycleInput both = write;
  both.in_valid = true;
  golden::CycleInput reset = Idle();
  reset.rst_n = false;
  const std::string refused =
      "in_valid while the write sampled at edge 0 is in flight (write latency 3: vectors from edge 3 on see "
      "it): out of contract (FLEXCIM.md 5b)";
  for (int gap = 1; gap < 3; ++gap) {
    StimulusContract c(kConfig);
    ASSERT_EQ(c.Check(write), "");
    for (int i = 1; i < gap; ++i) ASSERT_EQ(c.Check(i == 1 ? reset : Idle()), "");
    EXPECT_EQ(c.Check(vector), refused) << "gap " << gap;
  }
  StimulusContract ok(kConfig);
  EXPECT_EQ(ok.Check(both), "");  // the vector at the write's own edge reads the old row
  EXPECT_EQ(ok.Check(Idle()), "");
  EXPECT_EQ(ok.Check(Idle()), "");
  EXPECT_EQ(ok.Check(vector), "");  // edge 3 = 0 + Lw
}

TEST(StimulusContract, BaselinePinsAreTheirOwn) {
  const ArchConfig dense(Arch::kDense, MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 4, .w_bits = 3}));  // 8 rows: wr_row 3 bits
  golden::CycleInput in;
  in.wr_w.assign(4, 0);
  in.in_act.assign(8, 0);
  in.wr_row = 7;
  EXPECT_EQ(StimulusContract(dense).Check(in), "");
  in.wr_row = 8;
  EXPECT_EQ(StimulusContract(dense).Check(in), "wr_row = 8 does not fit the pin (3 bits: 0..7)");
  in.wr_row = 0;
  in.wr_sub = 1;
  EXPECT_EQ(StimulusContract(dense).Check(in), "wr_sub carries a value: dense_top has no wr_sub pin");
  in.wr_sub = 0;
  in.wr_e.assign(4, 0);  // zeros: as if absent
  EXPECT_EQ(StimulusContract(dense).Check(in), "");
  in.wr_e[2] = 1;
  EXPECT_EQ(StimulusContract(dense).Check(in), "wr_e carries a value: dense_top has no wr_e pin");
  const ArchConfig sparse(Arch::kSparse12, MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 4, .w_bits = 3}));  // 16 act lanes
  golden::CycleInput v;
  v.in_valid = true;
  v.in_act.assign(16, 0);
  v.in_act[15] = 8;
  EXPECT_EQ(StimulusContract(sparse).Check(v), "in_act lane 15 = 8 does not fit 4 signed bits (-8..7)");
  v.in_act[15] = 0;
  v.in_nlog2 = 1;
  EXPECT_EQ(StimulusContract(sparse).Check(v), "in_nlog2 carries a value: sparse12_top has no in_nlog2 pin");
}

}  // namespace flexcim::verif
