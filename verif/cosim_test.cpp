// Co-simulation of every checked-in snapshot of every architecture
// (testdata/gen/<dir>/: flexcim_top, dense_top, sparse12_top) against the
// golden cycle model its manifest's arch selects, one TEST_P instance per
// snapshot, named by its directory (which says the arch and config), each
// its own Verilator prefix; bit- and cycle-exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <memory>
#include <ostream>
#include <string>

#include "core/design_manifest.h"
#include "golden/arch_layer_schedule.h"
#include "golden/layer_runner.h"
#include "cosim_configs.inc"
#include "verif/cosim_check.h"
#include "verif/exact_latency_probe.h"
#include "verif/mac_style_twins.h"
#include "verif/same_edge_write_probe.h"
#include "verif/stimulus_file.h"
#include "verif/verilated_dut.h"

#ifndef FLEXCIM_COSIM_FAILURE_DIR
#error "FLEXCIM_COSIM_FAILURE_DIR must be defined by the build"
#endif

namespace flexcim::verif {
namespace {

namespace fs = std::filesystem;

struct CosimSnapshot {
  std::string dir;     // testdata/gen/<name>
  std::string name;    // the directory's name: test instance names
  ArchConfig config;   // from its manifest
  std::function<std::unique_ptr<CosimDut>()> make_dut;
};

// gtest prints a parameter in test listings: the snapshot's directory.
void PrintTo(const CosimSnapshot& s, std::ostream* os) { *os << s.dir; }

std::vector<CosimSnapshot> AllSnapshots() {
  std::vector<CosimSnapshot> out;
#define FLEXCIM_COSIM_SNAPSHOT(VTop, DIR)                                                    \
  {                                                                                          \
    const DesignManifest m = ReadDesignManifest(DIR);                                        \
    const ArchConfig cfg(m.arch, m.config);                                                  \
    out.push_back({DIR, fs::path(DIR).filename().string(), cfg,                              \
                   [cfg] { return std::make_unique<VerilatedDut<VTop>>(cfg); }});            \
  }
  FLEXCIM_COSIM_SNAPSHOT_LIST
#undef FLEXCIM_COSIM_SNAPSHOT
  return out;
}

// What a failing run says besides the mismatches: the design, and how to
// get its waveform (the stimulus is written where the command reads it).
std::string ReplayWithWaveform(const CosimSnapshot& p, const Stimulus& stimulus, const std::string& test) {
  const fs::path dir = FLEXCIM_COSIM_FAILURE_DIR;
  fs::create_directories(dir);
  const fs::path stim = dir / (p.name + "_" + test + ".stimulus.txt");
  const fs::path vcd = dir / (p.name + "_" + test + ".vcd");
  WriteStimulusFile(p.config, stimulus.cycles, stim);
  return "design " + p.name + " (" + ArchName(p.config.arch()) + ", " + p.dir +
         ") disagrees with its golden model; waveform: flexcim verify --rtl " + p.dir + " --stimulus " +
         stim.string() + " --trace " + vcd.string();
}

class Cosim : public ::testing::TestWithParam<CosimSnapshot> {};
// The snapshots with bit-parallel cells: properties that hold only there
// are instantiated on these alone (no skipped cases).
class CosimBitParallel : public ::testing::TestWithParam<CosimSnapshot> {};

std::vector<CosimSnapshot> BitParallelSnapshots() {
  std::vector<CosimSnapshot> out;
  for (CosimSnapshot& s : AllSnapshots()) {
    if (!s.config.bit_serial()) out.push_back(std::move(s));
  }
  return out;
}

TEST_P(Cosim, RandomTrafficWithRewritesAndResetsIsBitAndCycleExact) {
  const CosimSnapshot& p = GetParam();
  StimulusOptions options;
  options.vectors = 2500;
  options.seed = 20261124;
  const Stimulus stimulus = RandomStimulus(p.config, options);
  ASSERT_GT(stimulus.stats.resets, 0);
  ASSERT_GT(stimulus.stats.dropped, 0);
  ASSERT_GT(stimulus.stats.writes, p.config.write_subs() * p.config.write_rows());  // rows rewritten mid-run
  auto dut = p.make_dut();
  const CosimResult result = RunCosim(*dut, stimulus);
  EXPECT_TRUE(result.ok()) << result.Summary() << "\n" << ReplayWithWaveform(p, stimulus, "random");
  // Every accepted vector that no reset dropped comes out exactly once.
  EXPECT_EQ(result.vectors_checked, stimulus.stats.delivered());
  EXPECT_GE(result.vectors_checked, 2500);
}

TEST_P(Cosim, SecondSeedBackToBackOnly) {
  const CosimSnapshot& p = GetParam();
  StimulusOptions options;
  options.vectors = 2000;
  options.seed = 7;
  options.mid_run_resets = false;
  const Stimulus stimulus = RandomStimulus(p.config, options);
  auto dut = p.make_dut();
  const CosimResult result = RunCosim(*dut, stimulus);
  EXPECT_TRUE(result.ok()) << result.Summary() << "\n" << ReplayWithWaveform(p, stimulus, "seed7");
  EXPECT_EQ(result.vectors_checked, stimulus.stats.vectors);
}

// A layer's schedule for the snapshot's own architecture (what `flexcim map
// --stimulus-layer` writes for it, golden/arch_layer_schedule.h): a 5 x 20
// layer at 1:2 keeping element p % 2 of every input pair p (legal at any G,
// native on the fixed 1:2 macro), 2 tokens, after one reset edge, written
// to a stimulus file and read back through the contract check, replays with
// 0 mismatches, every vector checked once and every storage row written.
TEST_P(Cosim, LayerScheduleOfItsArchitectureReplaysBitExact) {
  const CosimSnapshot& p = GetParam();
  const MacroConfig& c = p.config.macro();
  const int tokens = 2;
  golden::LayerWeights l{5, 20, std::vector<int32_t>(100), std::vector<uint8_t>(100, 0)};
  std::mt19937_64 rng(31);
  const int wmax = (1 << (c.w_bits() - 1)) - 1, amax = (1 << (c.a_bits() - 1)) - 1;
  std::uniform_int_distribution<int> w(-wmax - 1, wmax), a(-amax - 1, amax);
  for (int o = 0; o < 5; ++o) {
    for (int i = 0; i < 20; ++i) {
      l.keep[o * 20 + i] = (i % 2) == ((i / 2) % 2);
      l.weights[o * 20 + i] = w(rng);
    }
  }
  std::vector<int32_t> x(static_cast<size_t>(tokens) * 20);
  for (auto& v : x) v = a(rng);
  const golden::ArchMappedLayer m = golden::MapArchLayer(p.config.arch(), c, {1, 2}, l, "0.wq");
  std::vector<golden::CycleInput> cycles = golden::ScheduleArchLayer(m, x, tokens);
  const std::vector<int32_t> y = golden::RunArchScheduleOnCycleModel(m, tokens, cycles);
  for (int t = 0; t < tokens; ++t) {
    EXPECT_EQ(std::vector<int32_t>(y.begin() + t * 5, y.begin() + (t + 1) * 5),
              golden::MaskedLayerGemv(l, std::vector<int32_t>(x.begin() + t * 20, x.begin() + (t + 1) * 20)));
  }
  golden::CycleInput reset;
  reset.rst_n = false;
  cycles.insert(cycles.begin(), reset);
  const fs::path file = fs::path(FLEXCIM_COSIM_FAILURE_DIR) / (p.name + "_layer.stimulus.txt");
  fs::create_directories(file.parent_path());
  WriteStimulusFile(p.config, cycles, file);
  Stimulus stimulus{ReadStimulusFile(p.config, file), {}};
  for (const golden::CycleInput& in : stimulus.cycles) {
    stimulus.stats.vectors += in.rst_n && in.in_valid;
    stimulus.stats.writes += in.rst_n && in.wr_en;
  }
  EXPECT_EQ(stimulus.stats.vectors, m.tiles() * tokens);
  EXPECT_EQ(stimulus.stats.writes, m.tiles() * p.config.write_subs() * p.config.write_rows());
  EXPECT_EQ(static_cast<int64_t>(stimulus.cycles.size()), 1 + golden::ArchLayerScheduleCycles(m, tokens));
  // By hand for one snapshot of each architecture (tiles x storage rows, tiles x tokens).
  const std::map<std::string, std::pair<int, int>> by_hand = {
      {"p2_r8_c4_g1_a8_w8", {2 * 16, 2 * 2}},           // 16 inputs x 8 outputs per tile: 2 x 1 tiles
      {"dense_p2_r4_c8_a3_w5", {3 * 8, 3 * 2}},         // 8 inputs x 8 outputs: 3 x 1 tiles
      {"sparse12_p2_r8_c4_a16_w16", {2 * 16, 2 * 2}}};  // native, 32 inputs x 4 outputs: 1 x 2 tiles
  if (const auto it = by_hand.find(p.name); it != by_hand.end()) {
    EXPECT_EQ(stimulus.stats.writes, it->second.first);
    EXPECT_EQ(stimulus.stats.vectors, it->second.second);
  }
  auto dut = p.make_dut();
  const CosimResult result = RunCosim(*dut, stimulus);
  EXPECT_TRUE(result.ok()) << result.Summary() << "\n" << ReplayWithWaveform(p, stimulus, "layer");
  EXPECT_EQ(result.vectors_checked, m.tiles() * tokens);
}

// FLEXCIM.md 5b counted the way a testbench counts: in_valid high during
// cycle c (one vector on a quiet pipeline), out_valid is high during cycle
// c + L (L = manifest latency = register stages) and in no other cycle,
// with hand-computed sums. Cycle(in) drives cycle n's pins and returns what
// the outputs hold during cycle n + 1. Every weight is 1 and every element
// bit 1 (FlexCiM: pair select 0); the activations alternate 1, -2 where a
// row has a pair (each cell takes -2) and are 1 for dense.
TEST_P(Cosim, LatencyIsExactlyTheConfiguredOne) {
  const CosimSnapshot& p = GetParam();
  const ArchConfig& c = p.config;
  auto dut = p.make_dut();
  golden::CycleInput idle;
  idle.rst_n = false;
  dut->Cycle(idle);
  idle.rst_n = true;
  for (int k = 0; k < c.write_subs(); ++k) {
    for (int r = 0; r < c.write_rows(); ++r) {
      golden::CycleInput w;
      w.wr_en = true;
      w.wr_sub = k;
      w.wr_row = r;
      w.wr_w.assign(c.cols(), 1);
      w.wr_e.assign(c.element_lanes(), 1);
      w.wr_sel.assign(c.select_groups(), 0);
      EXPECT_FALSE(dut->Cycle(w).valid);
    }
  }
  // Lw - 1 idle cycles while the last write is in flight (FLEXCIM.md 5b);
  // the last returns cycle c's outputs.
  for (int i = 1; i < c.write_latency(); ++i) EXPECT_FALSE(dut->Cycle(idle).valid);
  golden::CycleInput v;
  v.in_valid = true;
  v.in_nlog2 = 0;  // FlexCiM N = 1: each output lane is one sub-macro column
  const bool pairs = c.traits().has_elements;
  for (int lane = 0; lane < c.act_lanes(); ++lane) v.in_act.push_back(pairs && lane % 2 == 1 ? -2 : 1);
  const golden::CycleOutput out_at_c_plus_l = ExpectOutputExactlyAfterLatency(*dut, v, idle, c.pipeline_latency());
  ASSERT_TRUE(out_at_c_plus_l.valid);
  EXPECT_EQ(c.pipeline_latency(), c.pipeline_register_stages());
  // Rows summed into one output lane: R of one sub-macro (FlexCiM), all P*R (baselines).
  const int rows_per_lane = c.arch() == Arch::kFlexcim ? c.write_rows() : c.write_subs() * c.write_rows();
  for (int lane = 0; lane < c.output_lanes(); ++lane) {
    EXPECT_EQ(out_at_c_plus_l.data[lane], (pairs ? -2 : 1) * rows_per_lane) << "lane " << lane;
  }
}

// Every output lane at the extremes of its width: every weight -2^(W-1),
// every activation -2^(A-1), one vector per legal log2 N (FlexCiM 0..log2 P;
// the baselines have one). The sign plane's column sums are then the most
// negative value their width holds (R * -2^(W-1) a sub-macro column, P*R
// for the baselines), a merged lane of 2^n column sums n bits wider, and
// every result the largest its lane can hold: FlexCiM lane b*C + c is
// 2^n * R * 2^(W+A-2) for b < P/2^n and 0 above, a baseline column
// P*R * 2^(W+A-2), the largest 2^(O-2) at n = log2 P. So a bit-serial lane
// whose plane sum or accumulator were one bit narrower than its bound
// (generator/merge_network.h MergeOutputLaneBits, + A) would wrap: by hand
// and against the golden model. The random traffic does not get there:
// it would need every weight of 2^n sub-macro columns at -2^(W-1).
TEST_P(Cosim, ExtremeWeightsAndActivationsFillEveryLaneToItsBound) {
  const CosimSnapshot& p = GetParam();
  const ArchConfig& c = p.config;
  const int64_t w_min = -(int64_t{1} << (c.w_bits() - 1)), a_min = -(int64_t{1} << (c.a_bits() - 1));
  Stimulus s;
  s.cycles.emplace_back().rst_n = false;
  for (int k = 0; k < c.write_subs(); ++k) {
    for (int r = 0; r < c.write_rows(); ++r) {
      golden::CycleInput& w = s.cycles.emplace_back();
      w.wr_en = true;
      w.wr_sub = k;
      w.wr_row = r;
      w.wr_w.assign(c.cols(), static_cast<int32_t>(w_min));
      w.wr_e.assign(c.element_lanes(), 1);
      w.wr_sel.assign(c.select_groups(), 0);
      ++s.stats.writes;
    }
  }
  s.cycles.resize(s.cycles.size() + c.write_latency() - 1);
  for (int n = 0; n <= c.max_nlog2(); ++n) {
    golden::CycleInput& v = s.cycles.emplace_back();
    v.in_valid = true;
    v.in_nlog2 = n;
    v.in_act.assign(c.act_lanes(), static_cast<int32_t>(a_min));
    ++s.stats.vectors;
    s.cycles.resize(s.cycles.size() + c.initiation_interval() - 1);
  }
  s.cycles.resize(s.cycles.size() + c.pipeline_latency() + 1);

  auto dut = p.make_dut();
  const CosimResult result = RunCosim(*dut, s);
  EXPECT_TRUE(result.ok()) << result.Summary() << "\n" << ReplayWithWaveform(p, s, "extreme");
  EXPECT_EQ(result.vectors_checked, c.max_nlog2() + 1);

  // By hand, on a fresh device.
  const int64_t product = w_min * a_min;  // 2^(W+A-2)
  const bool flexcim = c.arch() == Arch::kFlexcim;
  const int rows_per_lane = flexcim ? c.write_rows() : c.write_subs() * c.write_rows();
  const int blocks = flexcim ? c.write_subs() : 1;
  auto by_hand = p.make_dut();
  int n = 0;
  int64_t largest = 0;
  for (const golden::CycleInput& in : s.cycles) {
    const golden::CycleOutput out = by_hand->Cycle(in);
    if (!out.valid) continue;
    ASSERT_EQ(static_cast<int>(out.data.size()), blocks * c.cols());
    for (int b = 0; b < blocks; ++b) {
      const int64_t sums = b < (blocks >> n) ? int64_t{1} << n : 0;  // column sums in the lane
      for (int col = 0; col < c.cols(); ++col) {
        EXPECT_EQ(out.data[b * c.cols() + col], sums * rows_per_lane * product)
            << "log2 N " << n << ", lane " << b * c.cols() + col;
        largest = std::max(largest, out.data[b * c.cols() + col]);
      }
    }
    ++n;
  }
  EXPECT_EQ(n, c.max_nlog2() + 1);
  EXPECT_EQ(largest, int64_t{1} << (c.output_width() - 2));
}

// FLEXCIM.md 5b at the edges themselves: the vector sampled at the same
// edge as a write reads the row as it was, the vector sampled Lw edges
// later (the write latency; the edges between are idle, as the contract
// requires) the new row. Rows of the last sub-macro (FlexCiM; the baselines' one
// array) go from weight 1 to -1 one per vector pair, with every activation
// 1: its column sums are rows - 2r, then rows - 2r - 2 (rows: R of a
// sub-macro, P*R of a baseline array). Bit-serial cells: a write during a
// vector's cycles is out of contract (FLEXCIM.md 5c), so this property is
// instantiated on the bit-parallel snapshots only.
TEST_P(CosimBitParallel, AWriteIsSeenWriteLatencyEdgesLaterNotAtItsOwn) {
  const CosimSnapshot& p = GetParam();
  const ArchConfig& c = p.config;
  auto write = [&c](int sub, int row, int32_t weight) {
    golden::CycleInput in;
    in.wr_en = true;
    in.wr_sub = sub;
    in.wr_row = row;
    in.wr_w.assign(c.cols(), weight);
    in.wr_e.assign(c.element_lanes(), 0);
    in.wr_sel.assign(c.select_groups(), 0);
    return in;
  };
  golden::CycleInput vector;
  vector.in_valid = true;
  vector.in_act.assign(c.act_lanes(), 1);
  Stimulus s;
  s.cycles.emplace_back().rst_n = false;
  for (int k = 0; k < c.write_subs(); ++k) {
    for (int r = 0; r < c.write_rows(); ++r) s.cycles.push_back(write(k, r, 1));
  }
  const int last_sub = c.write_subs() - 1;
  const int settle = c.write_latency() - 1;  // idle edges while a write is in flight
  s.cycles.resize(s.cycles.size() + settle);
  for (int r = 0; r < c.write_rows(); ++r) {
    golden::CycleInput both = write(last_sub, r, -1);
    both.in_valid = true;
    both.in_act = vector.in_act;
    s.cycles.push_back(both);
    s.cycles.resize(s.cycles.size() + settle);
    s.cycles.push_back(vector);
  }
  s.cycles.resize(s.cycles.size() + c.pipeline_latency() + 1);
  s.stats.vectors = 2 * c.write_rows();
  ExpectSameEdgeWriteSums(p.make_dut, s, c.write_rows(), last_sub * c.cols(),
                          [](CosimDut& dut, const Stimulus& st) { return RunCosim(dut, st); });
}

// The checker itself must catch and name a wrong lane on one vector, and
// the design that disagreed.
class CorruptingDut final : public CosimDut {
 public:
  CorruptingDut(std::unique_ptr<CosimDut> inner, int64_t vector, int lane)
      : inner_(std::move(inner)), vector_(vector), lane_(lane) {}
  const ArchConfig& design() const override { return inner_->design(); }
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
  const CosimSnapshot& p = GetParam();
  StimulusOptions options;
  options.vectors = 50;
  options.mid_run_resets = false;
  const Stimulus stimulus = RandomStimulus(p.config, options);
  const int lane = p.config.output_lanes() - 1;
  CorruptingDut dut(p.make_dut(), 17, lane);
  const CosimResult result = RunCosim(dut, stimulus);
  ASSERT_EQ(result.mismatch_count, 1);
  const CosimMismatch& m = result.first_mismatches[0];
  EXPECT_EQ(m.vector, 17);
  EXPECT_EQ(m.lane, lane);
  EXPECT_EQ(m.got, m.expected ^ 1);
  EXPECT_NE(result.Summary().find("\n  " + p.name + " (" + ArchName(p.config.arch()) + "): " + m.ToString()),
            std::string::npos)
      << result.Summary();
  // What a failing run prints besides: the design, and a replayable
  // stimulus with the command that writes its waveform.
  const fs::path dir = FLEXCIM_COSIM_FAILURE_DIR;
  const std::string stim = (dir / (p.name + "_checker.stimulus.txt")).string();
  EXPECT_EQ(ReplayWithWaveform(p, stimulus, "checker"),
            "design " + p.name + " (" + ArchName(p.config.arch()) + ", " + p.dir +
                ") disagrees with its golden model; waveform: flexcim verify --rtl " + p.dir + " --stimulus " +
                stim + " --trace " + (dir / (p.name + "_checker.vcd")).string());
  const std::vector<golden::CycleInput> replay = ReadStimulusFile(p.config, stim);
  ASSERT_EQ(replay.size(), stimulus.cycles.size());
  for (size_t t = 0; t < replay.size(); ++t) {
    ASSERT_EQ(replay[t].in_valid, stimulus.cycles[t].in_valid) << t;
    ASSERT_EQ(replay[t].in_act, stimulus.cycles[t].in_act) << t;
  }
}

// FLEXCIM.md 5c: bit-serial cells compute the same exact integers. Every
// bit-serial snapshot of every architecture and its bit-parallel twin (same
// arch, P, R, C, G, A, W) get the same pin stream (random traffic spaced by
// the bit-serial II, rewrites); their outputs, in order, are identical, and
// the bit-serial one matches golden.
TEST(CosimMacStyles, BitSerialOutputsEqualBitParallelOnTheSameStimulus) {
  const int pairs = CheckBitSerialTwins(
      AllSnapshots(),
      [](const ArchConfig& c) { return ArchConfig(c.arch(), c.macro().WithMac(MacStyle::kBitParallel)); },
      [](const ArchConfig& c) { return RandomStimulus(c, {.vectors = 300, .seed = 5, .mid_run_resets = false}); },
      [](CosimDut& dut, const Stimulus& s) { return RunCosim(dut, s); },
      [](const ArchConfig& c) { return c.Name(); });
  EXPECT_GE(pairs, 9);  // the bit-serial snapshots of generator/tests/test_configs.h (5 flexcim, 4 baseline)
}

// Latch storage holds the same weights, element bits and selects with the
// same write timing (a write sampled at edge t is seen from the vector of
// edge t+1): every latch snapshot of every architecture and its flip-flop
// twin give identical outputs on the same pin stream (random traffic with
// rewrites and resets).
TEST(CosimStorage, LatchOutputsEqualFlipFlopOnTheSameStimulus) {
  const int pairs = CheckTwins(
      AllSnapshots(), [](const ArchConfig& c) { return c.macro().storage() == StorageKind::kLatch; },
      [](const ArchConfig& c) { return ArchConfig(c.arch(), c.macro().WithStorage(StorageKind::kFlipFlop)); },
      [](const ArchConfig& c) { return RandomStimulus(c, {.vectors = 600, .seed = 11}); },
      [](CosimDut& dut, const Stimulus& s) { return RunCosim(dut, s); },
      [](const ArchConfig& c) { return c.Name(); });
  EXPECT_GE(pairs, 6);  // the latch snapshots of generator/tests/test_configs.h (2 flexcim, 4 baseline)
}

INSTANTIATE_TEST_SUITE_P(Configs, Cosim, ::testing::ValuesIn(AllSnapshots()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Configs, CosimBitParallel, ::testing::ValuesIn(BitParallelSnapshots()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace flexcim::verif
