// Co-simulation of the generated dense_top / sparse12_top against the
// baseline golden models (golden/baseline_model.h), one TEST_P instance per
// checked-in baseline snapshot (testdata/gen/<arch>_<config>/), each its
// own Verilator prefix; bit- and cycle-exact.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "baseline_configs.inc"
#include "verif/baseline_cosim.h"
#include "verif/exact_latency_probe.h"
#include "verif/mac_style_twins.h"
#include "verif/same_edge_write_probe.h"
#include "verif/verilated_baseline_dut.h"

namespace flexcim::verif {
namespace {

struct BaselineCosimConfig {
  BaselineConfig config;
  std::function<std::unique_ptr<BaselineDut>()> make_dut;
};

std::vector<BaselineCosimConfig> AllConfigs() {
  std::vector<BaselineCosimConfig> out;
#define FLEXCIM_BASELINE_CONFIG(VTop, ARCH, P, R, C, A, W, MAC, STORAGE)                    \
  {                                                                                         \
    const BaselineConfig cfg = BaselineConfig::For(                                         \
        ParseArch(ARCH), MacroConfig::Create(MacroParams{.subs = P, .rows = R, .cols = C,   \
                                                         .sel_group = C, .a_bits = A,       \
                                                         .w_bits = W,                       \
                                                         .mac = ParseMacStyle(MAC),         \
                                                         .storage = ParseStorageKind(STORAGE)})); \
    out.push_back({cfg, [cfg] { return std::make_unique<VerilatedBaselineDut<VTop>>(cfg); }}); \
  }
  FLEXCIM_BASELINE_CONFIG_LIST
#undef FLEXCIM_BASELINE_CONFIG
  return out;
}

class BaselineCosim : public ::testing::TestWithParam<BaselineCosimConfig> {};

TEST_P(BaselineCosim, RandomTrafficWithRewritesAndResetsIsBitAndCycleExact) {
  const BaselineCosimConfig& p = GetParam();
  StimulusOptions options;
  options.vectors = 2500;
  options.seed = 20261124;
  const BaselineStimulus stimulus = RandomBaselineStimulus(p.config, options);
  ASSERT_GT(stimulus.stats.resets, 0);
  ASSERT_GT(stimulus.stats.dropped, 0);
  ASSERT_GT(stimulus.stats.writes, p.config.rows());  // rows rewritten mid-run
  auto dut = p.make_dut();
  const CosimResult result = RunBaselineCosim(*dut, stimulus);
  EXPECT_TRUE(result.ok()) << result.Summary(p.config.pipeline_latency());
  // Every accepted vector that no reset dropped comes out exactly once.
  EXPECT_EQ(result.vectors_checked, stimulus.stats.delivered());
  EXPECT_GE(result.vectors_checked, 2500);
}

TEST_P(BaselineCosim, SecondSeedBackToBackOnly) {
  const BaselineCosimConfig& p = GetParam();
  StimulusOptions options;
  options.vectors = 2000;
  options.seed = 7;
  options.mid_run_resets = false;
  const BaselineStimulus stimulus = RandomBaselineStimulus(p.config, options);
  auto dut = p.make_dut();
  const CosimResult result = RunBaselineCosim(*dut, stimulus);
  EXPECT_TRUE(result.ok()) << result.Summary(p.config.pipeline_latency());
  EXPECT_EQ(result.vectors_checked, stimulus.stats.vectors);
}

// FLEXCIM.md 5b counted the way a testbench counts: in_valid high during
// cycle c (one vector on a quiet pipeline), out_valid is high during cycle
// c + L and in no other cycle, with the hand-computed sums. Cycle(in) drives
// cycle n's pins and returns what the outputs hold during cycle n + 1.
TEST_P(BaselineCosim, LatencyIsExactlyTheConfiguredOne) {
  const BaselineCosimConfig& p = GetParam();
  const BaselineConfig& c = p.config;
  auto dut = p.make_dut();
  golden::BaselineCycleInput idle;
  idle.rst_n = false;
  dut->Cycle(idle);
  idle.rst_n = true;
  for (int r = 0; r < c.rows(); ++r) {
    golden::BaselineCycleInput w;
    w.wr_en = true;
    w.wr_row = r;
    w.wr_w.assign(c.cols(), 1);
    w.wr_e.assign(c.cols(), 1);
    EXPECT_FALSE(dut->Cycle(w).valid);
  }
  golden::BaselineCycleInput v;
  v.in_valid = true;
  // Dense: x[r] = 1. Sparse12: x[r] = (1, -2), every cell takes element 1.
  for (int lane = 0; lane < c.act_lanes(); ++lane) {
    v.in_act.push_back(c.has_elements() && lane % 2 == 1 ? -2 : 1);
  }
  EXPECT_FALSE(dut->Cycle(idle).valid);  // returns cycle c's outputs
  const golden::CycleOutput out_at_c_plus_l = ExpectOutputExactlyAfterLatency(*dut, v, idle, c.pipeline_latency());
  ASSERT_TRUE(out_at_c_plus_l.valid);
  const int64_t expected = c.has_elements() ? -2 * c.rows() : c.rows();
  for (int lane = 0; lane < c.output_lanes(); ++lane) EXPECT_EQ(out_at_c_plus_l.data[lane], expected);
}

// FLEXCIM.md 5b at the edge itself, for the baselines: the vector sampled
// at the same edge as a write reads the row as it was, the next edge's
// vector the new row. Every row goes from weight 1 to -1 one per vector
// pair, every activation 1: column sums P*R - 2r, then P*R - 2r - 2.
// Bit-serial cells: a write during a vector's cycles is out of contract.
TEST_P(BaselineCosim, AWriteIsSeenFromTheNextEdgeNotItsOwn) {
  const BaselineCosimConfig& p = GetParam();
  const BaselineConfig& c = p.config;
  if (c.bit_serial()) GTEST_SKIP() << "a write in a vector's own cycle is out of contract";
  auto write = [&c](int row, int32_t weight) {
    golden::BaselineCycleInput in;
    in.wr_en = true;
    in.wr_row = row;
    in.wr_w.assign(c.cols(), weight);
    in.wr_e.assign(c.cols(), 0);
    return in;
  };
  golden::BaselineCycleInput vector;
  vector.in_valid = true;
  vector.in_act.assign(c.act_lanes(), 1);
  BaselineStimulus s;
  s.cycles.emplace_back().rst_n = false;
  for (int r = 0; r < c.rows(); ++r) s.cycles.push_back(write(r, 1));
  for (int r = 0; r < c.rows(); ++r) {
    golden::BaselineCycleInput both = write(r, -1);
    both.in_valid = true;
    both.in_act = vector.in_act;
    s.cycles.push_back(both);
    s.cycles.push_back(vector);
  }
  s.cycles.resize(s.cycles.size() + c.pipeline_latency() + 1);
  s.stats.vectors = 2 * c.rows();
  ExpectSameEdgeWriteSums(
      p.make_dut, s, c.rows(), 0,
      [](BaselineDut& dut, const BaselineStimulus& st) { return RunBaselineCosim(dut, st); },
      c.pipeline_latency());
}

// The checker itself must catch and name a wrong lane on one vector.
class CorruptingDut final : public BaselineDut {
 public:
  CorruptingDut(std::unique_ptr<BaselineDut> inner, int64_t vector, int lane)
      : inner_(std::move(inner)), vector_(vector), lane_(lane) {}
  const BaselineConfig& config() const override { return inner_->config(); }
  golden::CycleOutput Cycle(const golden::BaselineCycleInput& in) override {
    golden::CycleOutput out = inner_->Cycle(in);
    if (out.valid && seen_++ == vector_) out.data[lane_] ^= 1;
    return out;
  }

 private:
  std::unique_ptr<BaselineDut> inner_;
  int64_t vector_;
  int lane_;
  int64_t seen_ = 0;
};

TEST_P(BaselineCosim, CheckerNamesTheCorruptedLane) {
  const BaselineCosimConfig& p = GetParam();
  StimulusOptions options;
  options.vectors = 50;
  options.mid_run_resets = false;
  const BaselineStimulus stimulus = RandomBaselineStimulus(p.config, options);
  const int lane = p.config.output_lanes() - 1;
  CorruptingDut dut(p.make_dut(), 17, lane);
  const CosimResult result = RunBaselineCosim(dut, stimulus);
  ASSERT_EQ(result.mismatch_count, 1);
  EXPECT_EQ(result.first_mismatches[0].vector, 17);
  EXPECT_EQ(result.first_mismatches[0].lane, lane);
  EXPECT_EQ(result.first_mismatches[0].got, result.first_mismatches[0].expected ^ 1);
}

// FLEXCIM.md 5c for the baselines: each bit-serial snapshot and its
// bit-parallel twin give identical outputs on the same pin stream.
TEST(BaselineCosimMacStyles, BitSerialOutputsEqualBitParallelOnTheSameStimulus) {
  const int pairs = CheckBitSerialTwins(
      AllConfigs(),
      [](const BaselineConfig& c) {
        return BaselineConfig::For(c.arch(), c.macro().WithMac(MacStyle::kBitParallel));
      },
      [](const BaselineConfig& c) { return RandomBaselineStimulus(c, {.vectors = 300, .seed = 5, .mid_run_resets = false}); },
      [](BaselineDut& dut, const BaselineStimulus& s) { return RunBaselineCosim(dut, s); },
      [](const BaselineConfig& c) { return c.QualifiedName(); });
  EXPECT_GE(pairs, 4);  // the bit-serial baseline snapshots of generator/tests/test_configs.h
}

// Latch storage: each latch baseline snapshot and its flip-flop twin give
// identical outputs on the same pin stream (rewrites and resets included).
TEST(BaselineCosimStorage, LatchOutputsEqualFlipFlopOnTheSameStimulus) {
  const int pairs = CheckTwins(
      AllConfigs(),
      [](const BaselineConfig& c) { return c.macro().storage() == StorageKind::kLatch; },
      [](const BaselineConfig& c) {
        return BaselineConfig::For(c.arch(), c.macro().WithStorage(StorageKind::kFlipFlop));
      },
      [](const BaselineConfig& c) { return RandomBaselineStimulus(c, {.vectors = 600, .seed = 11}); },
      [](BaselineDut& dut, const BaselineStimulus& s) { return RunBaselineCosim(dut, s); },
      [](const BaselineConfig& c) { return c.QualifiedName(); });
  EXPECT_GE(pairs, 4);  // the latch baseline snapshots of generator/tests/test_configs.h
}

INSTANTIATE_TEST_SUITE_P(Configs, BaselineCosim, ::testing::ValuesIn(AllConfigs()),
                         [](const auto& info) { return info.param.config.QualifiedName(); });

}  // namespace
}  // namespace flexcim::verif
