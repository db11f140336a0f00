// Co-simulation of the generated accelerator (label cosim, docs/ACCEL.md
// "Verification"): random legal layers through the host interface of a
// small Verilated accelerator, both schedules, every output equal to the
// layer's integer GEMV and the cycle count equal to the system model's
// (zero tolerance), on FlexCiM (bit-parallel and bit-serial), dense and
// fixed 1:2; out-of-range descriptors raise the error output.
// The testbench is built once per configuration in the build tree.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <random>

#include "flow_pruner/model_reader.h"
#include "flow_pruner/prune_pipeline.h"
#include "flow_pruner/tests/test_data.h"
#include "verif/accel_verify.h"

namespace flexcim::verif {
namespace {

namespace fs = std::filesystem;

fs::path Work(const AccelConfig& c) { return fs::path(FLEXCIM_ACCEL_COSIM_DIR) / c.TopName(); }

void RunRandomLayers(const AccelConfig& c, uint64_t seed, int layers) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) { return static_cast<int>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  const std::vector<std::string> patterns{"1:2", "2:2", "1:4", "2:4", "4:4"};
  int run = 0;
  for (int i = 0; i < layers; ++i) {
    const NmPattern pattern = NmPattern::Parse(patterns[static_cast<size_t>(uniform(0, 4))], "--nm");
    const int outputs_per_tile = c.arch() == Arch::kFlexcim ? c.macro().subs() / pattern.Hardware().n * c.macro().cols()
                                                            : c.macro().cols();
    // At least Q output tiles (tiles fewer than Q apart write different outputs).
    const int out = uniform(c.macros() * outputs_per_tile - outputs_per_tile + 1, 3 * c.macros() * outputs_per_tile);
    const int in = uniform(1, 3 * c.macro().rows() * pattern.Hardware().m);
    const int tokens = uniform(1, c.params().max_tokens);
    RandomAccelLayer r = MakeRandomAccelLayer(c.macro(), pattern, out, in, tokens, rng);
    const AccelLayer layer{fmt::format("random{}_{}x{}_{}", i, out, in, pattern.ToString()), pattern,
                           std::move(r.weights), std::move(r.x), tokens};
    for (golden::Schedule s : {golden::Schedule::kSerial, golden::Schedule::kOverlapped}) {
      AccelProgram p;
      try {
        p = MakeAccelProgram(c, layer, s);
      } catch (const Error& e) {
        continue;  // more tiles than the buffers hold: drawn again below
      }
      const AccelRunResult res = RunAccelProgram(c, p.ToJson(c), Work(c), "program", nullptr);
      ASSERT_EQ(res.exit_code, 0) << layer.name << " " << golden::ScheduleName(s) << ": " << res.output;
      EXPECT_EQ(res.output, fmt::format("verified {} outputs, 0 mismatches; {} cycles, equal to the system model\n",
                                        p.expected.size(), p.expected_cycles));
      ++run;
    }
  }
  EXPECT_GE(run, layers);  // most layers fit: at least one schedule of each on average
}

// Buffers large enough for a whole stories260K decoder block (w1: 688 tiles at 1:2).
AccelConfig BitParallel() {
  return AccelConfig::Create(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}),
                             {.macros = 2, .wbuf_rows = 4096, .abuf_words = 128, .obuf_rows = 128,
                              .descriptors = 1024, .max_tokens = 4});
}

TEST(AccelCosim, RandomLayersBothSchedulesBitParallel) { RunRandomLayers(BitParallel(), 21, 12); }

TEST(AccelCosim, RandomLayersBothSchedulesDense) {
  RunRandomLayers(AccelConfig::Create(Arch::kDense, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}),
                                      {.macros = 2, .wbuf_rows = 256, .abuf_words = 32, .obuf_rows = 32,
                                       .descriptors = 32, .max_tokens = 4}),
                  23, 8);
}

TEST(AccelCosim, RandomLayersBothSchedulesSparse12) {
  RunRandomLayers(AccelConfig::Create(Arch::kSparse12, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}),
                                      {.macros = 2, .wbuf_rows = 256, .abuf_words = 32, .obuf_rows = 32,
                                       .descriptors = 32, .max_tokens = 4}),
                  24, 8);
}

TEST(AccelCosim, RandomLayersBothSchedulesBitSerialThreeMacros) {
  const AccelConfig c = AccelConfig::Create(
      Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 3, .w_bits = 4}).WithMac(MacStyle::kBitSerial),
      {.macros = 3, .wbuf_rows = 256, .abuf_words = 32, .obuf_rows = 32, .descriptors = 32, .max_tokens = 4});
  RunRandomLayers(c, 22, 8);
}

// The RTL refuses what the host checks would refuse, on its error output.
TEST(AccelCosim, OutOfRangeDescriptorRaisesError) {
  const AccelConfig c = BitParallel();
  std::mt19937_64 rng(5);
  const NmPattern pattern = NmPattern::Parse("1:2", "--nm");
  RandomAccelLayer r = MakeRandomAccelLayer(c.macro(), pattern, 8, 8, 2, rng);
  const AccelLayer layer{"0.wq", pattern, std::move(r.weights), std::move(r.x), 2};
  const AccelProgram good = MakeAccelProgram(c, layer, golden::Schedule::kOverlapped);
  struct Case {
    const char* what;
    TileDescriptor bad;
  };
  const TileDescriptor d1 = good.descriptors[1];
  const AccelParams& b = c.params();
  for (const Case& k : {Case{"weight rows past the buffer", {b.wbuf_rows - 2, d1.abase, d1.orow, 0, true}},
                        Case{"activation words past the buffer", {d1.wbase, b.abuf_words - 1, d1.orow, 0, true}},
                        Case{"output rows past the buffer", {d1.wbase, d1.abase, b.obuf_rows - 1, 0, true}},
                        Case{"log2 N above log2 P", {d1.wbase, d1.abase, d1.orow, 2, true}}}) {
    AccelProgram p = good;
    p.descriptors[1] = k.bad;
    nlohmann::json j = p.ToJson(c);
    j["expect_error"] = true;
    const AccelRunResult res = RunAccelProgram(c, j, Work(c), "bad_descriptor", nullptr);
    EXPECT_EQ(res.exit_code, 0) << k.what << ": " << res.output;
    EXPECT_NE(res.output.find("the out-of-range descriptor is flagged on error"), std::string::npos)
        << k.what << ": " << res.output;
  }
  // A good program does not raise it (the testbench fails a run whose error differs).
  nlohmann::json j = good.ToJson(c);
  j["expect_error"] = true;
  EXPECT_EQ(RunAccelProgram(c, j, Work(c), "good_as_bad", nullptr).exit_code, 3);
}

// A whole decoder block from buffers: the seven linear layers of block 3 of
// stories260K pruned at 1:2 for this macro (A = W = 4), one run each, both
// schedules; attention, the norms and SiLU gating are not the accelerator's.
TEST(AccelCosim, Stories260kDecoderBlockFromBuffers) {
  const AccelConfig c = BitParallel();
  const pruner::LlamaModel dense = pruner::LoadModel(pruner::testdata::CheckedDataFile("stories260K.bin"));
  pruner::PruneSettings s;
  s.method = pruner::PruneMethod::kUniform;
  s.nm = NmPattern::Parse("1:2", "--nm");
  s.config = c.macro();
  s.progress = false;
  s.threads = 1;
  const pruner::PruneResult pruned = pruner::RunPrune(dense, {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, s, 4, 4, "");
  std::mt19937_64 rng(260);
  std::vector<AccelLayer> layers;
  for (const pruner::PrunedLayer& l : pruned.container.layers) {
    if (l.block != 3) continue;
    AccelLayer a{l.FullName(), l.pattern,
                 {l.rows, l.cols, std::vector<int32_t>(l.weights.begin(), l.weights.end()), l.mask}, {}, 2};
    a.x.resize(static_cast<size_t>(2 * l.cols));
    for (auto& v : a.x) v = std::uniform_int_distribution<int>(-8, 7)(rng);
    layers.push_back(std::move(a));
  }
  ASSERT_EQ(layers.size(), 7u);
  for (golden::Schedule schedule : {golden::Schedule::kSerial, golden::Schedule::kOverlapped}) {
    int64_t outputs = 0, cycles = 0;
    std::vector<std::string> want;
    for (const AccelLayer& l : layers) {
      const AccelProgram p = MakeAccelProgram(c, l, schedule);
      outputs += static_cast<int64_t>(p.expected.size());
      cycles += p.expected_cycles;
      want.push_back(fmt::format("layer {}: verified {} outputs, 0 mismatches; {} cycles, equal to the system model",
                                 l.name, p.expected.size(), p.expected_cycles));
    }
    const AccelLayersResult r = RunAccelLayers(c, layers, schedule, Work(c), nullptr);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.lines, want);
    EXPECT_EQ(r.outputs, outputs);
    EXPECT_EQ(r.cycles, cycles);
    EXPECT_EQ(r.outputs, 2 * (64 + 32 + 32 + 64 + 172 + 64 + 172)) << "every output of every layer, 2 tokens";
  }
}

}  // namespace
}  // namespace flexcim::verif
