// The pruning pipeline on stories260K (FLEXCIM.md section 7, issue 3):
// pinned FLOW assignments, exact sparsities, mask properties, forced-dense
// blocks, refused and accepted infeasible targets, unsupported patterns, the
// container against the pruned model, the written .bin reproducing its
// perplexity, and sequential pruning using the pruned blocks' outputs.
#include "flow_pruner/prune_pipeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>

#include "core/errors.h"
#include "flow_pruner/block_model_pruning.h"
#include "flow_pruner/channel_permutation.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/llama_block_model.h"
#include "flow_pruner/model_inputs.h"
#include "flow_pruner/nm_mask.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/prune_outputs.h"
#include "flow_pruner/quantize.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSha = "b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696";

struct Fixture {
  ModelInputs inputs;
  std::vector<std::vector<int>> calibration;  // blocks 0:255, as flexcim prune
  std::vector<std::vector<int>> evaluation;   // a small slice
  CalibrationStats dense_stats;
};

const Fixture& Data() {
  static const Fixture f = [] {
    ModelPaths paths{testdata::CheckedDataFile("stories260K.bin"),
                     testdata::CheckedDataFile("tok512.bin"),
                     testdata::CheckedDataFile("tinystories-valid-head.txt"), ""};
    Fixture d{ModelInputs::Load(paths), {}, {}, {}};
    d.calibration = d.inputs.EncodeSlice("0:255", "--blocks");
    d.evaluation = d.inputs.EncodeSlice("3300:3349", "--blocks");
    CalibrationOptions o;
    o.progress = false;
    d.dense_stats = Calibrate(d.inputs.model, d.calibration, o);
    return d;
  }();
  return f;
}

PruneSettings Flow(double target) {
  PruneSettings s;
  s.method = PruneMethod::kFlow;
  s.target = target;
  s.progress = false;
  return s;
}

PruneResult Prune(const PruneSettings& s) {
  return RunPrune(Data().inputs.model, Data().dense_stats, Data().calibration, s, 8, 8, kSha);
}

std::string Patterns(const PruneResult& r) {
  std::string s;
  for (const NmPattern& p : r.assignment.patterns) {
    if (!s.empty()) s += ',';
    s += p.ToString();
  }
  return s;
}

std::string UsageErrorOf(const PruneSettings& s) {
  try {
    Prune(s);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

// FLOW at 0.5 with the default macro (legal masks, G = 16): shared by
// several tests.
const PruneResult& Flow05() {
  static const PruneResult r = Prune(Flow(0.5));
  return r;
}

void CheckFlowDefaultMacroAssignmentIsPinned() {
  const PruneResult& r = Flow05();
  EXPECT_EQ(Patterns(r), "1:2,1:2,1:4,2:2,2:8");
  EXPECT_EQ(LayerPatternText(r), "Layer 0: 1:2\nLayer 1: 1:2\nLayer 2: 1:4\nLayer 3: 2:2\nLayer 4: 2:8\n");
  EXPECT_TRUE(r.assignment.exact);
  EXPECT_EQ(r.block_sparsity(), 0.5);
  // Per-block outlier statistics of the dense model (Hyper_m 5, exact locality).
  const int64_t outliers[] = {1027, 1063, 751, 673, 343};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.blocks[i].stats.outliers, outliers[i]) << i;
  EXPECT_EQ(r.blocks[1].outlier_norm, 1.0);
  EXPECT_EQ(r.blocks[4].outlier_norm, 0.0);
  EXPECT_EQ(r.blocks[1].locality_norm, 1.0);
  EXPECT_EQ(r.blocks[4].locality_norm, 0.0);
}

void CheckIsDeterministicAndSharedStatisticsChangeNothing() {
  PruneSettings s = Flow(0.5);
  s.threads = 1;
  const PruneResult again =
      RunPrune(Data().inputs.model, Data().calibration, s, 8, 8, kSha);  // computes its own statistics
  EXPECT_EQ(Patterns(again), Patterns(Flow05()));
  ASSERT_EQ(again.container.layers.size(), Flow05().container.layers.size());
  for (size_t i = 0; i < again.container.layers.size(); ++i) {
    EXPECT_EQ(again.container.layers[i].mask, Flow05().container.layers[i].mask) << i;
    EXPECT_EQ(again.container.layers[i].weights, Flow05().container.layers[i].weights) << i;
  }
}

TEST(PrunePipeline, ReferenceCandidateSetAssignmentIsPinned) {
  PruneSettings s = Flow(0.5);
  s.candidates = ReferenceCandidates();
  const PruneResult r = Prune(s);
  // Block 4 (O = D = 0 after normalisation) prefers M = 8: 4:8 costs 4, 2:4 costs 18.
  EXPECT_EQ(Patterns(r), "2:4,2:4,2:4,2:4,4:8");
  EXPECT_TRUE(r.assignment.exact);
  EXPECT_EQ(r.block_sparsity(), 0.5);
}

TEST(PrunePipeline, UniformFreeMasksKeepExactlyNPerFullGroup) {
  PruneSettings s;
  s.method = PruneMethod::kUniform;
  s.nm = NmPattern{2, 4};
  s.hardware_legal = false;
  s.progress = false;
  const PruneResult r = Prune(s);
  EXPECT_EQ(r.block_sparsity(), 0.5);
  EXPECT_EQ(r.weight_sparsity(), 0.5);  // every input width divides by 4
  ASSERT_EQ(r.container.layers.size(), 35u);
  for (const PrunedLayer& l : r.container.layers) {
    EXPECT_EQ(l.pattern, (NmPattern{2, 4}));
    for (int row = 0; row < l.rows; ++row) {
      for (int g = 0; g + 4 <= l.cols; g += 4) {
        int kept = 0;
        for (int j = g; j < g + 4; ++j) kept += l.mask[static_cast<size_t>(row) * l.cols + j];
        ASSERT_EQ(kept, 2) << l.block << "." << l.name << " row " << row << " group " << g;
      }
    }
  }
  EXPECT_FALSE(r.container.hardware_legal);
}

void CheckLegalMasksPassTheChecker() {
  for (const PrunedLayer& l : Flow05().container.layers) {
    std::string why;
    EXPECT_TRUE(IsLegalMask(l.mask, l.rows, l.cols, l.pattern, 16, &why))
        << l.block << "." << l.name << ": " << why;
  }
}

TEST(PrunePipeline, UniformLegalMasksPassTheChecker) {
  PruneSettings s;
  s.method = PruneMethod::kUniform;
  s.nm = NmPattern{2, 8};
  s.config = MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = 4, .a_bits = 8, .w_bits = 8});
  s.progress = false;
  const PruneResult r = Prune(s);
  for (const PrunedLayer& l : r.container.layers) {
    std::string why;
    EXPECT_TRUE(IsLegalMask(l.mask, l.rows, l.cols, l.pattern, 4, &why))
        << l.block << "." << l.name << ": " << why;
  }
  // w2 has 172 inputs: 21 full groups of 8 keep 2 each, the 4-wide tail keeps 2.
  // wq, wo: 64x64; wk, wv: 32x64; w1, w3: 172x64 (all at 1/4).
  EXPECT_EQ(r.blocks[0].kept, 2 * 64 * 64 / 4 + 2 * 32 * 64 / 4 + 2 * 172 * 64 / 4 + (21 * 2 + 2) * 64);
}

TEST(PrunePipeline, KeepDenseSolveOthersHitsTheTarget) {
  PruneSettings s = Flow(0.5);
  s.keep_dense = {0, 4};
  const PruneResult r = Prune(s);
  // Forced blocks take their cheapest dense candidate (block 4: 8:8); blocks
  // 1..3 carry the whole target: 0.75 + 0.875 + 0.875 = 2.5 = 0.5 * 5.
  EXPECT_EQ(Patterns(r), "2:2,1:4,1:8,1:8,8:8");
  EXPECT_TRUE(r.assignment.exact);
  EXPECT_EQ(r.block_sparsity(), 0.5);
  EXPECT_EQ(r.blocks[0].kept, r.blocks[0].weights);
  EXPECT_EQ(r.blocks[4].kept, r.blocks[4].weights);
}

TEST(PrunePipeline, KeepDenseOverrideReportsTheAppliedSparsity) {
  PruneSettings s = Flow(0.5);
  s.keep_dense = {0, 4};
  s.keep_dense_mode = ForcedDenseMode::kOverrideAfterSolve;
  // The solve gives 1:2,1:2,1:4,2:2,2:8; the override makes 0 and 4 dense:
  // (0 + 0.5 + 0.75 + 0 + 0) / 5 = 0.25 actually applied.
  EXPECT_EQ(UsageErrorOf(s),
            "--target 0.5: no assignment reaches it exactly; the closest achievable mean "
            "sparsity is 0.250000 with 2:2,1:2,1:4,2:2,8:8 (pass --allow-nearest to use it)");
  s.allow_nearest = true;
  const PruneResult r = Prune(s);
  EXPECT_EQ(Patterns(r), "2:2,1:2,1:4,2:2,8:8");
  EXPECT_FALSE(r.assignment.exact);
  EXPECT_TRUE(r.assignment.solve_exact);
  EXPECT_EQ(r.block_sparsity(), 0.25);
  EXPECT_EQ(r.blocks[0].kept, r.blocks[0].weights);
  EXPECT_EQ(r.blocks[4].kept, r.blocks[4].weights);
}

TEST(PrunePipeline, InfeasibleTargetIsRefusedWithTheClosestSparsity) {
  // 0.66 * 5 blocks * 8 = 26.4 eighths: not an integer sum.
  PruneSettings s = Flow(0.66);
  s.candidates = ReferenceCandidates();
  EXPECT_EQ(UsageErrorOf(s),
            "--target 0.66: no assignment reaches it exactly; the closest achievable mean "
            "sparsity is 0.650000 with 2:4,2:4,2:8,2:8,2:8 (pass --allow-nearest to use it)");
  // 0.7 = 28 eighths is reachable with five blocks (unlike 32 blocks in the reference).
  s.target = 0.7;
  EXPECT_EQ(UsageErrorOf(s), "(no error)");
}

TEST(PrunePipeline, InfeasibleTargetProceedsWithAllowNearest) {
  PruneSettings s = Flow(0.625);
  s.candidates = ReferenceCandidates();
  EXPECT_EQ(UsageErrorOf(s),
            "--target 0.625: no assignment reaches it exactly; the closest achievable mean "
            "sparsity is 0.600000 with 2:4,2:4,2:8,2:4,2:8 (pass --allow-nearest to use it)");
  s.allow_nearest = true;
  const PruneResult r = Prune(s);
  EXPECT_FALSE(r.assignment.exact);
  // 25 eighths is odd and every reference pattern removes an even number.
  EXPECT_EQ(Patterns(r), "2:4,2:4,2:8,2:4,2:8");
  EXPECT_DOUBLE_EQ(r.block_sparsity(), 0.6);
}

TEST(PrunePipeline, UnsupportedPatternIsRefused) {
  PruneSettings s;
  s.method = PruneMethod::kUniform;
  s.nm = NmPattern{2, 16};
  s.progress = false;
  EXPECT_EQ(UsageErrorOf(s),
            "--nm 2:16: macro p4_r16_c16_g16_a8_w8 cannot run it (it runs N:M with M in {2..8}, "
            "N in {1..4}, both powers of two, N <= M; N = M runs as 2:2)");
  s = Flow(0.5);
  s.candidates = {{2, 4}, {8, 8}, {3, 4}};
  EXPECT_EQ(UsageErrorOf(s),
            "--candidates 3:4: macro p4_r16_c16_g16_a8_w8 cannot run it (it runs N:M with M in "
            "{2..8}, N in {1..4}, both powers of two, N <= M; N = M runs as 2:2)");
}

void CheckContainerLayersMatchThePrunedModel() {
  const PruneResult& r = Flow05();
  const PrunedContainer& c = r.container;
  EXPECT_EQ(c.method, "flow");
  EXPECT_EQ(c.source_model_sha256, kSha);
  EXPECT_TRUE(c.hardware_legal);
  EXPECT_EQ(c.config, MacroConfig::Default());
  ASSERT_EQ(c.layers.size(), 35u);
  const char* names[] = {"wq", "wk", "wv", "wo", "w1", "w2", "w3"};
  for (size_t i = 0; i < c.layers.size(); ++i) {
    const PrunedLayer& l = c.layers[i];
    const int block = static_cast<int>(i / 7);
    EXPECT_EQ(l.block, block);
    EXPECT_EQ(l.name, names[i % 7]);
    EXPECT_EQ(l.pattern, r.assignment.patterns[block]);
    const Matrix& w = r.pruned.layers[block].linear(kAllLinearKinds[i % 7]);
    ASSERT_EQ(l.rows, w.rows);
    ASSERT_EQ(l.cols, w.cols);
    const QuantizedRows q = QuantizeWeights(w, 8);
    const Matrix fake = FakeQuantizeWeights(w, 8);
    for (int row = 0; row < l.rows; ++row) {
      ASSERT_EQ(l.scales[row], static_cast<float>(q.scale[row]));
      for (int col = 0; col < l.cols; ++col) {
        const size_t k = static_cast<size_t>(row) * l.cols + col;
        ASSERT_EQ(l.weights[k], q.q[k]);
        if (!l.mask[k]) {
          ASSERT_EQ(w.data[k], 0.0f);
          ASSERT_EQ(l.weights[k], 0);
        }
        // Dequantised container weight == the fake-quantised pruned weight.
        const float deq = static_cast<float>(l.weights[k] * static_cast<double>(q.scale[row]));
        ASSERT_EQ(deq, fake.data[k]);
        EXPECT_NEAR(l.weights[k] * l.scales[row], fake.data[k], 1e-6f * std::abs(fake.data[k]));
      }
    }
  }
}

void CheckWrittenBinReloadsAndReproducesPerplexity() {
  const PruneResult& r = Flow05();
  const std::string dir = testdata::MakeTempDir() + "/out";
  WritePruneOutputs(r, std::nullopt, dir);
  for (const char* f : {"layers.txt", "prune.json", "pruned.bin", "pruned.flexcim"}) {
    EXPECT_TRUE(fs::exists(fs::path(dir) / f)) << f;
  }
  const LlamaModel reloaded = LoadLlamaModel(dir + "/pruned.bin");
  PerplexityOptions o;
  o.progress = false;
  const PerplexityResult a = EvaluatePerplexity(r.pruned, Data().evaluation, o);
  const PerplexityResult b = EvaluatePerplexity(reloaded, Data().evaluation, o);
  EXPECT_EQ(a.predictions, b.predictions);
  EXPECT_EQ(a.total_nll, b.total_nll);
  const PerplexityResult dense = EvaluatePerplexity(Data().inputs.model, Data().evaluation, o);
  EXPECT_GT(a.total_nll, dense.total_nll);
  // The container reads back as written.
  const PrunedContainer c = ReadContainer(dir + "/pruned.flexcim");
  ASSERT_EQ(c.layers.size(), r.container.layers.size());
  for (size_t i = 0; i < c.layers.size(); ++i) {
    EXPECT_EQ(c.layers[i].mask, r.container.layers[i].mask);
    EXPECT_EQ(c.layers[i].weights, r.container.layers[i].weights);
  }
}

void CheckPruningIsSequential() {
  const PruneResult& r = Flow05();
  const LlamaModel& dense = Data().inputs.model;
  CalibrationOptions quiet;
  quiet.progress = false;
  // Block 1 is pruned with statistics from block 0 already pruned (block 1
  // itself still dense at that point).
  LlamaModel partial = dense;
  partial.layers[0] = r.pruned.layers[0];
  const LayerStats sequential = CalibrateLayer(partial, Data().calibration, 1, quiet);
  const LayerStats& dense1 = Data().dense_stats.layers[1];
  EXPECT_NE(sequential[LinearKind::kQ], dense1[LinearKind::kQ]);
  EXPECT_NE(sequential[LinearKind::kW2], dense1[LinearKind::kW2]);
  const NmPattern p = r.assignment.patterns[1];
  int differs_from_dense = 0;
  for (size_t k = 0; k < kAllLinearKinds.size(); ++k) {
    const LinearKind kind = kAllLinearKinds[k];
    const Matrix& w = dense.layers[1].linear(kind);
    const Mask with_pruned_inputs = LegalNmMask(WandaMetric(w, sequential[kind]), p, 16);
    const Mask with_dense_inputs = LegalNmMask(WandaMetric(w, dense1[kind]), p, 16);
    EXPECT_EQ(r.container.layers[7 + k].mask, with_pruned_inputs) << LinearName(kind);
    differs_from_dense += with_pruned_inputs != with_dense_inputs;
  }
  EXPECT_GT(differs_from_dense, 0);
}

// ctest runs every TEST in its own process: the checks on FLOW at 0.5 with
// the default macro share one pruning run.
// Issue 17: OBS reconstruction under the default macro's G = 16 masks, and
// the measured-loss search.
// The first 32 calibration blocks, statistics computed by RunPrune itself.
PruneResult PruneSmall(const PruneSettings& s) {
  const std::vector<std::vector<int>> calibration(Data().calibration.begin(),
                                                  Data().calibration.begin() + 32);
  return RunPrune(Data().inputs.model, calibration, s, 8, 8, kSha);
}

PerplexityResult Held(const LlamaModel& m) {
  PerplexityOptions o;
  o.progress = false;
  return EvaluatePerplexity(m, Data().evaluation, o);
}

TEST(PrunePipeline, ObsReconstructionKeepsTheMasksLegalAndLowersPerplexity) {
  PruneSettings s;
  s.method = PruneMethod::kUniform;
  s.nm = NmPattern{2, 4};
  s.progress = false;
  const PruneResult none = PruneSmall(s);
  s.reconstruct = Reconstruction::kObs;
  const PruneResult obs = PruneSmall(s);
  s.threads = 1;
  const PruneResult obs1 = PruneSmall(s);
  EXPECT_TRUE(obs.warnings.empty()) << obs.warnings.front();
  for (int b = 0; b < 5; ++b) EXPECT_EQ(obs.blocks[b].kept, none.blocks[b].kept);
  for (const PrunedLayer& l : obs.container.layers) {
    std::string why;
    EXPECT_TRUE(IsLegalMask(l.mask, l.rows, l.cols, l.pattern, 16, &why)) << l.block << "." << l.name << ": " << why;
  }
  for (int b = 0; b < 5; ++b) {
    for (LinearKind k : kAllLinearKinds) {
      EXPECT_EQ(obs.pruned.layers[b].linear(k).data, obs1.pruned.layers[b].linear(k).data)
          << "threads change block " << b << " " << LinearName(k);
    }
  }
  const double p_none = Held(none.pruned).perplexity();
  const double p_obs = Held(obs.pruned).perplexity();
  EXPECT_NEAR(p_none, 142.2165, 5e-4);
  EXPECT_NEAR(p_obs, 80.4565, 5e-4);
  EXPECT_LT(p_obs, p_none);
}

TEST(PrunePipeline, SearchMeetsTheTargetExactly) {
  PruneSettings s;
  s.method = PruneMethod::kSearch;
  s.target = 0.625;
  s.reconstruct = Reconstruction::kObs;
  s.search_samples = 4;
  s.search_rounds = 1;
  s.progress = false;
  const PruneResult r = PruneSmall(s);
  ASSERT_TRUE(r.search);
  EXPECT_TRUE(r.assignment.exact);
  EXPECT_DOUBLE_EQ(r.block_sparsity(), 0.625);
  EXPECT_EQ(Patterns(r), "4:8,4:8,2:8,4:8,1:8");
  EXPECT_LE(r.search->final_nll, r.search->start_nll);
  EXPECT_EQ(r.search->candidates.size(), 6u);
  EXPECT_GT(r.search->evaluations, 0);
}

// The small per-layer search of the tests below: candidates dense, 2:4 and
// 1:4 at mean 0.5, OBS variants without refinement, 2 score samples, one
// round, legal masks at select group `g` of the default-size macro.
PruneSettings SmallLayerSearchSettings(int g) {
  PruneSettings s;
  s.method = PruneMethod::kSearch;
  s.search_granularity = SearchGranularity::kLayer;
  s.candidates = {NmPattern{4, 4}, NmPattern{2, 4}, NmPattern{1, 4}};
  s.target = 0.5;
  s.reconstruct = Reconstruction::kObs;
  s.obs.refine_iterations = 0;
  s.search_samples = 2;
  s.search_rounds = 1;
  s.progress = false;
  s.config = MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = g, .a_bits = 8, .w_bits = 8});
  return s;
}

// Per-layer search (issue 17): the parameter-weighted sparsity of the
// chosen layer patterns is exactly the target, every layer's mask is legal
// for the macro's G, the container holds each layer's own pattern, and the
// local search never ends above its start (8 calibration blocks, 2 scored;
// candidates dense, 2:4 and 1:4).
TEST(PrunePipeline, LayerSearchMeetsTheWeightedTargetWithLegalMasksAtEveryG) {
  const std::vector<std::vector<int>> calibration(Data().calibration.begin(),
                                                  Data().calibration.begin() + 8);
  for (const int g : {1, 4, 16}) {
    SCOPED_TRACE(fmt::format("G = {}", g));
    const PruneSettings s = SmallLayerSearchSettings(g);
    const PruneResult r = RunPrune(Data().inputs.model, calibration, s, 8, 8, kSha);
    ASSERT_TRUE(r.search);
    EXPECT_TRUE(r.assignment.exact);
    EXPECT_DOUBLE_EQ(r.block_sparsity(), 0.5);
    ASSERT_EQ(r.assignment.layer_patterns.size(), 5u);
    ASSERT_EQ(r.container.layers.size(), 35u);
    // sum of rows*cols*(M-N)/M over layers == total / 2, in eighths (M | 8).
    int64_t pruned_eighths = 0, total = 0;
    for (const PrunedLayer& l : r.container.layers) {
      EXPECT_EQ(l.pattern, r.assignment.layer_patterns[l.block][&l - &r.container.layers[l.block * 7]])
          << l.block << "." << l.name;
      ASSERT_EQ(8 % l.pattern.m, 0);
      pruned_eighths += static_cast<int64_t>(l.rows) * l.cols * (l.pattern.m - l.pattern.n) * (8 / l.pattern.m);
      total += static_cast<int64_t>(l.rows) * l.cols;
      std::string why;
      EXPECT_TRUE(IsLegalMask(l.mask, l.rows, l.cols, l.pattern, g, &why)) << l.block << "." << l.name << ": " << why;
    }
    EXPECT_EQ(pruned_eighths, 4 * total);
    EXPECT_EQ(r.search->loss_delta.size(), 35u);
    EXPECT_LE(r.search->final_nll, r.search->start_nll);
    EXPECT_GT(r.search->evaluations, 0);
  }
}

// --search-moves (PruneSettings::search_moves): a round evaluates that many
// moves (one forward pass each) after the start's evaluations; in one round
// more evaluated moves can only lower the chosen assignment's calibration
// NLL (the same ranked list, a longer prefix of it).
TEST(PrunePipeline, LayerSearchEvaluatesSearchMovesPerRound) {
  const std::vector<std::vector<int>> calibration(Data().calibration.begin(),
                                                  Data().calibration.begin() + 8);
  auto run = [&](int moves) {
    PruneSettings s = SmallLayerSearchSettings(16);
    s.search_moves = moves;
    return RunPrune(Data().inputs.model, calibration, s, 8, 8, kSha);
  };
  const PruneResult one = run(1);
  const PruneResult many = run(12);
  ASSERT_TRUE(one.search && many.search);
  EXPECT_EQ(one.search->start_nll, many.search->start_nll);
  // Two start evaluations (the weighted DP and the uniform level), then the
  // moves; one move alone does not improve, the best of 12 does (and the
  // accepted assignment is evaluated once more to refresh the cache).
  EXPECT_EQ(one.search->evaluations, 2 + 1);
  EXPECT_EQ(many.search->evaluations, 2 + 12 + 1);
  EXPECT_EQ(one.search->log.size(), 0u);
  EXPECT_EQ(many.search->log.size(), 1u);
  EXPECT_EQ(one.search->final_nll, one.search->start_nll);
  EXPECT_NEAR(one.search->final_nll, 4.347480, 5e-6);
  EXPECT_NEAR(many.search->final_nll, 4.294990, 5e-6);

  // The additive estimates: every layer at 0.5 is every layer at 2:4 (the
  // only candidate of that level), so its sum is the 2:4 column of the
  // single-layer losses; the DP's mix can only be lower.
  const SearchResult& sr = *one.search;
  const auto c24 = std::ranges::find(sr.candidates, NmPattern{2, 4}) - sr.candidates.begin();
  ASSERT_LT(c24, static_cast<long>(sr.candidates.size()));
  double level_sum = 0.0;
  for (const auto& row : sr.loss_delta) level_sum += row[c24];
  EXPECT_NEAR(sr.additive_target_level, level_sum, 1e-12);
  EXPECT_LE(sr.additive_best_mix, sr.additive_target_level);
  EXPECT_NEAR(sr.additive_best_mix, 1.002329, 5e-6);
}

// --search-score-blocks (PruneSettings::search_score_blocks): the search
// scores on those blocks, all of them, instead of the first search_samples
// calibration blocks: its dense NLL is the dense model's mean NLL on them
// (the same figure `eval` gives), and another score text gives another
// start NLL.
TEST(PrunePipeline, SearchScoresOnTheScoreBlocksWhenGiven) {
  const std::vector<std::vector<int>> calibration(Data().calibration.begin(),
                                                  Data().calibration.begin() + 8);
  const std::vector<std::vector<int>> score(Data().evaluation.begin(), Data().evaluation.begin() + 5);
  PruneSettings s = SmallLayerSearchSettings(16);
  s.search_rounds = 0;
  const PruneResult on_calibration = RunPrune(Data().inputs.model, calibration, s, 8, 8, kSha);
  s.search_score_blocks = score;
  const PruneResult on_score = RunPrune(Data().inputs.model, calibration, s, 8, 8, kSha);
  ASSERT_TRUE(on_calibration.search && on_score.search);
  PerplexityOptions p;
  p.progress = false;
  const PerplexityResult dense_on_score = EvaluatePerplexity(Data().inputs.model, score, p);
  EXPECT_NEAR(on_score.search->dense_nll, dense_on_score.mean_nll(), 1e-5);
  const PerplexityResult dense_on_calibration =
      EvaluatePerplexity(Data().inputs.model, {calibration.begin(), calibration.begin() + 2}, p);
  EXPECT_NEAR(on_calibration.search->dense_nll, dense_on_calibration.mean_nll(), 1e-5);
  EXPECT_NE(on_score.search->start_nll, on_calibration.search->start_nll);
}

// Channel permutations (channel_permutation.h) on stories260K: the permuted
// dense model computes the same function, its statistics are the permuted
// model's, and pruning it keeps every mask legal at every G.
TEST(PrunePipeline, ChannelPermutationKeepsTheFunctionAndTheMasksLegalAtEveryG) {
  const LlamaModel& dense = Data().inputs.model;
  LlamaModel permuted = dense;
  CalibrationStats stats = Data().dense_stats;
  const ChannelPermutationReport report =
      PermuteChannelsForSharedMasks(permuted, stats, {{2, 4}}, 4, ChannelPermutationMethod::kBoth, 0);
  ASSERT_FALSE(report.residual.empty());
  int moved_ffn = 0, moved_value = 0;
  for (const BlockChannelPermutation& b : report.blocks) {
    moved_ffn += !b.ffn.empty();
    moved_value += !b.value.empty();
  }
  EXPECT_EQ(moved_ffn, 5);
  EXPECT_EQ(moved_value, 5);
  EXPECT_LT(report.residual_after, report.residual_before);
  double max_diff = 0.0, max_logit = 0.0;
  for (int i = 0; i < 3; ++i) {
    const Matrix a = ForwardLogits(dense, Data().evaluation[i]);
    const Matrix b = ForwardLogits(permuted, Data().evaluation[i]);
    for (size_t k = 0; k < a.data.size(); ++k) {
      max_diff = std::max(max_diff, std::fabs(double{a.data[k]} - b.data[k]));
      max_logit = std::max(max_logit, std::fabs(double{a.data[k]}));
    }
  }
  // Float summation order only (measured: 2.5e-5 on logits up to 23.3).
  EXPECT_LT(max_diff, 1e-4) << "largest |logit| " << max_logit;
  EXPECT_GT(max_diff, 0.0);  // the model really was permuted
  EXPECT_NEAR(Held(permuted).perplexity(), Held(dense).perplexity(), 1e-4);
  // The permuted statistics are the permuted model's.
  const std::vector<std::vector<int>> few(Data().calibration.begin(), Data().calibration.begin() + 8);
  CalibrationOptions quiet;
  quiet.progress = false;
  CalibrationStats expected = Calibrate(dense, few, quiet);
  LlamaModel again = dense;
  (void)PermuteChannelsForSharedMasks(again, expected, {{2, 4}}, 4, ChannelPermutationMethod::kBoth, 0);
  const CalibrationStats measured = Calibrate(again, few, quiet);
  for (int b = 0; b < 5; ++b) {
    for (LinearKind k : kAllLinearKinds) {
      const std::vector<double>& x = expected.layers[b][k];
      const std::vector<double>& y = measured.layers[b][k];
      for (size_t j = 0; j < x.size(); ++j) EXPECT_NEAR(x[j], y[j], 1e-5 * (1.0 + std::fabs(x[j])));
    }
  }
  PruneSettings s;
  s.method = PruneMethod::kUniform;
  s.nm = NmPattern{2, 4};
  s.permute_channels = ChannelPermutationMethod::kBoth;
  s.progress = false;
  for (int g : {1, 2, 4, 8, 16}) {
    s.config = MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = g, .a_bits = 8, .w_bits = 8});
    const PruneResult r = PruneSmall(s);
    ASSERT_TRUE(r.permutation.has_value());
    for (const PrunedLayer& l : r.container.layers) {
      std::string why;
      EXPECT_TRUE(IsLegalMask(l.mask, l.rows, l.cols, l.pattern, g, &why))
          << "G=" << g << " " << l.block << "." << l.name << ": " << why;
    }
  }
}

// RunPruneInPlace (flexcim prune: one copy of the model) gives RunPrune's
// pruned model and container exactly.
TEST(PrunePipeline, PruningInPlaceEqualsPruningACopy) {
  const std::vector<std::vector<int>> calibration(Data().calibration.begin(),
                                                  Data().calibration.begin() + 8);
  PruneSettings s;
  s.method = PruneMethod::kUniform;
  s.nm = NmPattern{2, 4};
  s.reconstruct = Reconstruction::kObs;
  s.progress = false;
  const PruneResult copy = RunPrune(Data().inputs.model, calibration, s, 8, 8, kSha);
  LlamaModel consumed = Data().inputs.model;
  const PruneResult in_place = RunPruneInPlace(std::move(consumed), calibration, s, 8, 8, kSha);
  ASSERT_EQ(in_place.container.layers.size(), copy.container.layers.size());
  for (size_t i = 0; i < copy.container.layers.size(); ++i) {
    EXPECT_EQ(in_place.container.layers[i].mask, copy.container.layers[i].mask) << i;
    EXPECT_EQ(in_place.container.layers[i].weights, copy.container.layers[i].weights) << i;
  }
  for (int b = 0; b < 5; ++b) {
    for (LinearKind k : kAllLinearKinds) {
      EXPECT_EQ(in_place.pruned.layers[b].linear(k).data, copy.pruned.layers[b].linear(k).data) << b;
    }
  }
  EXPECT_EQ(in_place.pruned.token_embedding.data, Data().inputs.model.token_embedding.data);
}

TEST(PrunePipeline, FlowAtHalfWithTheDefaultMacro) {
  {
    SCOPED_TRACE("FlowDefaultMacroAssignmentIsPinned");
    CheckFlowDefaultMacroAssignmentIsPinned();
  }
  {
    SCOPED_TRACE("IsDeterministicAndSharedStatisticsChangeNothing");
    CheckIsDeterministicAndSharedStatisticsChangeNothing();
  }
  {
    SCOPED_TRACE("ContainerLayersMatchThePrunedModel");
    CheckContainerLayersMatchThePrunedModel();
  }
  {
    SCOPED_TRACE("WrittenBinReloadsAndReproducesPerplexity");
    CheckWrittenBinReloadsAndReproducesPerplexity();
  }
  {
    SCOPED_TRACE("PruningIsSequential");
    CheckPruningIsSequential();
  }
  {
    SCOPED_TRACE("LegalMasksPassTheChecker");
    CheckLegalMasksPassTheChecker();
  }
}

}  // namespace
}  // namespace flexcim::pruner

namespace flexcim::pruner {
namespace {

// The family-neutral flow (block_model_pruning.h) on a Llama seen through
// BlockLinearModel, with its own block-by-block dense calibration and
// selection, gives the Llama pipeline's container exactly (Calibrate's
// statistics, the Llama selection; uniform 2:4, legal masks, with and
// without OBS; eight calibration blocks).
TEST(PrunePipeline, TheFamilyNeutralFlowOnALlamaGivesTheSameContainer) {
  const std::vector<std::vector<int>> calibration(Data().calibration.begin(),
                                                  Data().calibration.begin() + 8);
  const LlamaBlockModel blocks(Data().inputs.model);
  for (const Reconstruction r : {Reconstruction::kNone, Reconstruction::kObs}) {
    PruneSettings s;
    s.method = PruneMethod::kUniform;
    s.nm = NmPattern{2, 4};
    s.reconstruct = r;
    s.progress = false;
    const PruneResult llama = RunPrune(Data().inputs.model, calibration, s, 8, 8, kSha);
    const BlockModelPruneResult neutral = RunBlockModelPrune(blocks, calibration, s, 8, 8, kSha);
    ASSERT_EQ(neutral.container.layers.size(), llama.container.layers.size());
    for (size_t i = 0; i < llama.container.layers.size(); ++i) {
      const PrunedLayer& a = llama.container.layers[i];
      const PrunedLayer& b = neutral.container.layers[i];
      EXPECT_EQ(a.name, b.name);
      EXPECT_EQ(a.mask, b.mask) << ReconstructionName(r) << " " << a.block << "." << a.name;
      EXPECT_EQ(a.weights, b.weights) << ReconstructionName(r) << " " << a.block << "." << a.name;
      EXPECT_EQ(a.scales, b.scales) << ReconstructionName(r) << " " << a.block << "." << a.name;
    }
    EXPECT_EQ(neutral.weight_sparsity(), llama.weight_sparsity());
  }
}

}  // namespace
}  // namespace flexcim::pruner
