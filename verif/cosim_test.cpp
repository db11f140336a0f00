// Co-simulation of the generated flexcim_top against the golden cycle model,
// one TEST_P instance per configuration (each its own Verilator prefix).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "cosim_configs.inc"
#include "verif/cosim_check.h"
#include "verif/exact_latency_probe.h"
#include "verif/mac_style_twins.h"
#include "verif/same_edge_write_probe.h"
#include "verif/verilated_dut.h"

namespace flexcim::verif {
namespace {

struct CosimConfig {
  MacroConfig config;
  std::function<std::unique_ptr<CosimDut>()> make_dut;
};

std::vector<CosimConfig> AllConfigs() {
  std::vector<CosimConfig> out;
#define FLEXCIM_COSIM_CONFIG(VTop, P, R, C, G, A, W, MAC, STORAGE)             \
  {                                                                            \
    const MacroConfig cfg = MacroConfig::Create(MacroParams{                   \
        .subs = P, .rows = R, .cols = C, .sel_group = G, .a_bits = A, .w_bits = W, \
        .mac = ParseMacStyle(MAC), .storage = ParseStorageKind(STORAGE)});     \
    out.push_back({cfg, [cfg] { return std::make_unique<VerilatedDut<VTop>>(cfg); }}); \
  }
  FLEXCIM_COSIM_CONFIG_LIST
#undef FLEXCIM_COSIM_CONFIG
  return out;
}

class Cosim : public ::testing::TestWithParam<CosimConfig> {};

TEST_P(Cosim, RandomTrafficWithRewritesAndResetsIsBitAndCycleExact) {
  const CosimConfig& p = GetParam();
  StimulusOptions options;
  options.vectors = 2500;
  options.seed = 20261124;
  const Stimulus stimulus = RandomStimulus(p.config, options);
  ASSERT_GT(stimulus.stats.resets, 0);
  ASSERT_GT(stimulus.stats.dropped, 0);
  auto dut = p.make_dut();
  const CosimResult result = RunCosim(*dut, stimulus);
  EXPECT_TRUE(result.ok()) << result.Summary(p.config.pipeline_latency());
  // Every accepted vector that no reset dropped comes out exactly once.
  EXPECT_EQ(result.vectors_checked, stimulus.stats.delivered());
  EXPECT_GE(result.vectors_checked, 2500);
}

TEST_P(Cosim, SecondSeedBackToBackOnly) {
  const CosimConfig& p = GetParam();
  StimulusOptions options;
  options.vectors = 2000;
  options.seed = 7;
  options.mid_run_resets = false;
  const Stimulus stimulus = RandomStimulus(p.config, options);
  auto dut = p.make_dut();
  const CosimResult result = RunCosim(*dut, stimulus);
  EXPECT_TRUE(result.ok()) << result.Summary(p.config.pipeline_latency());
  EXPECT_EQ(result.vectors_checked, stimulus.stats.vectors);
}

// FLEXCIM.md 5b counted the way a testbench counts: in_valid high during
// cycle c (one vector on a quiet pipeline), out_valid is high during cycle
// c + L (L = manifest latency = register stages) and in no other cycle.
// Cycle(in) drives cycle n's pins and returns what the outputs hold during
// cycle n + 1.
TEST_P(Cosim, LatencyIsExactlyTheConfiguredOne) {
  const CosimConfig& p = GetParam();
  const MacroConfig& c = p.config;
  auto dut = p.make_dut();
  golden::CycleInput idle;
  idle.rst_n = false;
  dut->Cycle(idle);
  idle.rst_n = true;
  for (int k = 0; k < c.subs(); ++k) {
    for (int r = 0; r < c.rows(); ++r) {
      golden::CycleInput w;
      w.wr_en = true;
      w.wr_sub = k;
      w.wr_row = r;
      w.wr_w.assign(c.cols(), 1);
      w.wr_e.assign(c.cols(), 0);
      w.wr_sel.assign(c.select_groups(), 0);
      EXPECT_FALSE(dut->Cycle(w).valid);
    }
  }
  EXPECT_FALSE(dut->Cycle(idle).valid);  // returns cycle c's outputs
  golden::CycleInput v;
  v.in_valid = true;
  v.in_nlog2 = 0;
  v.in_act.assign(c.act_lanes(), 1);
  const golden::CycleOutput out_at_c_plus_l = ExpectOutputExactlyAfterLatency(*dut, v, idle, c.pipeline_latency());
  ASSERT_TRUE(out_at_c_plus_l.valid);
  EXPECT_EQ(c.pipeline_latency(), c.pipeline_register_stages());
  // Every weight 1, element 0 of pair 0 is 1: each column sums R ones.
  for (int lane = 0; lane < c.output_lanes(); ++lane) EXPECT_EQ(out_at_c_plus_l.data[lane], c.rows());
}

// FLEXCIM.md 5b at the edge itself: the vector sampled at the same edge as
// a write reads the row as it was, the vector of the next edge the new row
// (latch storage opens a row's latches only in the half cycle after the
// write's edge). Rows of the last sub-macro go from weight 1 to -1 one per
// vector pair, with every activation 1: its column sums are R - 2r, then
// R - 2r - 2. Bit-serial cells: a write during a vector's cycles is out of
// contract (FLEXCIM.md 5c).
TEST_P(Cosim, AWriteIsSeenFromTheNextEdgeNotItsOwn) {
  const CosimConfig& p = GetParam();
  const MacroConfig& c = p.config;
  if (c.bit_serial()) GTEST_SKIP() << "a write in a vector's own cycle is out of contract";
  auto write = [&c](int sub, int row, int32_t weight) {
    golden::CycleInput in;
    in.wr_en = true;
    in.wr_sub = sub;
    in.wr_row = row;
    in.wr_w.assign(c.cols(), weight);
    in.wr_e.assign(c.cols(), 0);
    in.wr_sel.assign(c.select_groups(), 0);
    return in;
  };
  golden::CycleInput vector;
  vector.in_valid = true;
  vector.in_act.assign(c.act_lanes(), 1);
  Stimulus s;
  s.cycles.emplace_back().rst_n = false;
  for (int k = 0; k < c.subs(); ++k) {
    for (int r = 0; r < c.rows(); ++r) s.cycles.push_back(write(k, r, 1));
  }
  for (int r = 0; r < c.rows(); ++r) {
    golden::CycleInput both = write(c.subs() - 1, r, -1);
    both.in_valid = true;
    both.in_act = vector.in_act;
    s.cycles.push_back(both);
    s.cycles.push_back(vector);
  }
  s.cycles.resize(s.cycles.size() + c.pipeline_latency() + 1);
  s.stats.vectors = 2 * c.rows();
  ExpectSameEdgeWriteSums(p.make_dut, s, c.rows(), (c.subs() - 1) * c.cols(),
                          [](CosimDut& dut, const Stimulus& st) { return RunCosim(dut, st); },
                          c.pipeline_latency());
}

// The checker itself must catch and name a wrong lane on one vector.
class CorruptingDut final : public CosimDut {
 public:
  CorruptingDut(std::unique_ptr<CosimDut> inner, int64_t vector, int lane)
      : inner_(std::move(inner)), vector_(vector), lane_(lane) {}
  const MacroConfig& config() const override { return inner_->config(); }
  golden::CycleOutput Cycle(const golden::CycleInput& in) override {
    golden::CycleOutput out = inner_->Cycle(in);
    if (out.valid && seen_++ == vector_) out.data[lane_] ^= 1;
    return out;
  }

 private:
  std::unique_ptr<CosimDut> inner_;
  int64_t vector_;
  int lane_;
  int64_t seen_ = 0;
};

TEST_P(Cosim, CheckerNamesTheCorruptedLane) {
  const CosimConfig& p = GetParam();
  StimulusOptions options;
  options.vectors = 50;
  options.mid_run_resets = false;
  const Stimulus stimulus = RandomStimulus(p.config, options);
  const int lane = p.config.output_lanes() - 1;
  CorruptingDut dut(p.make_dut(), 17, lane);
  const CosimResult result = RunCosim(dut, stimulus);
  ASSERT_EQ(result.mismatch_count, 1);
  EXPECT_EQ(result.first_mismatches[0].vector, 17);
  EXPECT_EQ(result.first_mismatches[0].lane, lane);
  EXPECT_EQ(result.first_mismatches[0].got, result.first_mismatches[0].expected ^ 1);
}

// FLEXCIM.md 5c: bit-serial cells compute the same exact integers. Every
// bit-serial snapshot and its bit-parallel twin (same P, R, C, G, A, W) get
// the same pin stream (random traffic spaced by the bit-serial II, rewrites,
// resets); their outputs, in order, are identical, and both match golden.
TEST(CosimMacStyles, BitSerialOutputsEqualBitParallelOnTheSameStimulus) {
  const int pairs = CheckBitSerialTwins(
      AllConfigs(), [](const MacroConfig& c) { return c.WithMac(MacStyle::kBitParallel); },
      [](const MacroConfig& c) { return RandomStimulus(c, {.vectors = 300, .seed = 5, .mid_run_resets = false}); },
      [](CosimDut& dut, const Stimulus& s) { return RunCosim(dut, s); },
      [](const MacroConfig& c) { return c.Name(); });
  EXPECT_GE(pairs, 5);  // the bit-serial snapshots of generator/tests/test_configs.h
}

// Latch storage holds the same weights, element bits and selects with the
// same write timing (a write sampled at edge t is seen from the vector of
// edge t+1): every latch snapshot and its flip-flop twin give identical
// outputs on the same pin stream (random traffic with rewrites and resets).
TEST(CosimStorage, LatchOutputsEqualFlipFlopOnTheSameStimulus) {
  const int pairs = CheckTwins(
      AllConfigs(), [](const MacroConfig& c) { return c.storage() == StorageKind::kLatch; },
      [](const MacroConfig& c) { return c.WithStorage(StorageKind::kFlipFlop); },
      [](const MacroConfig& c) { return RandomStimulus(c, {.vectors = 600, .seed = 11}); },
      [](CosimDut& dut, const Stimulus& s) { return RunCosim(dut, s); },
      [](const MacroConfig& c) { return c.Name(); });
  EXPECT_GE(pairs, 2);  // the latch snapshots of generator/tests/test_configs.h
}

INSTANTIATE_TEST_SUITE_P(Configs, Cosim, ::testing::ValuesIn(AllConfigs()),
                         [](const auto& info) { return info.param.config.Name(); });

}  // namespace
}  // namespace flexcim::verif
