// The pruning flow on recurrent models (issue 20, item 4), through the one
// BlockLinearModel interface: rwkv.cpp's tiny trained RWKV v5.2 and a random
// small Mamba-1. Pruned masks are legal for the macro's select group, the
// container round-trips, the on-macro perplexity equals the W/A
// fake-quantised one exactly, and `flexcim prune` / `map` / `eval --pruned`
// run end to end (every layer equal to its GEMV on the three architectures).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "cli/tests/cli_run.h"
#include "core/errors.h"
#include "flow_pruner/block_model_pruning.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/macro_linear_executor.h"
#include "flow_pruner/mamba_checkpoint.h"
#include "flow_pruner/nm_mask.h"
#include "flow_pruner/pruned_container.h"
#include "flow_pruner/quantized_eval.h"
#include "flow_pruner/rwkv_reader.h"
#include "flow_pruner/tests/mamba_test_checkpoint.h"
#include "flow_pruner/tests/test_data.h"
#include "flow_pruner/text_blocks.h"

namespace flexcim::pruner {
namespace {

std::string Model5v2() { return testdata::CheckedDataFile("rwkv/tiny-rwkv-5v2-730K-FP32.bin"); }
std::string Text() { return testdata::CheckedDataFile("tinystories-valid-head.txt"); }

std::vector<std::vector<int>> ByteBlocks(int first, int last) {
  return BlocksAsBytes(SelectBlocks(ReadTextBlocks(Text()), {first, last}));
}

PruneSettings Settings(PruneMethod method, Reconstruction reconstruct) {
  PruneSettings s;
  s.method = method;
  if (method == PruneMethod::kUniform) s.nm = NmPattern{2, 4};
  s.target = 0.5;
  s.reconstruct = reconstruct;
  s.threads = 2;
  s.progress = false;
  return s;
}

// Every layer's mask legal for the container's select group, with its block's pattern.
void ExpectLegalMasks(const BlockModelPruneResult& r) {
  const int G = r.container.config.sel_group();
  for (const PrunedLayer& l : r.container.layers) {
    std::string why;
    EXPECT_EQ(l.pattern, r.blocks[l.block].pattern);
    EXPECT_TRUE(IsLegalMask(l.mask, l.rows, l.cols, l.pattern, G, &why))
        << l.block << "." << l.name << ": " << why;
  }
}

void ExpectSameContainer(const PrunedContainer& a, const PrunedContainer& b) {
  ASSERT_EQ(a.layers.size(), b.layers.size());
  EXPECT_EQ(a.config, b.config);
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.source_model_sha256, b.source_model_sha256);
  for (size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_EQ(a.layers[i].block, b.layers[i].block);
    EXPECT_EQ(a.layers[i].name, b.layers[i].name);
    EXPECT_EQ(a.layers[i].pattern, b.layers[i].pattern);
    EXPECT_EQ(a.layers[i].mask, b.layers[i].mask);
    EXPECT_EQ(a.layers[i].weights, b.layers[i].weights);
    EXPECT_EQ(a.layers[i].scales, b.layers[i].scales);
  }
}

// The on-macro perplexity equals the fake-quantised one bit for bit.
void ExpectOnMacroEqualsFakeQuantised(const BlockModelPruneResult& r,
                                      const std::vector<std::vector<int>>& eval) {
  PerplexityOptions options;
  options.threads = 2;
  options.progress = false;
  const QuantizedLinearExecutor quantized(r.container, r.linear_names);
  const MacroLinearExecutor macro(r.container, r.linear_names, GoldenMacroRunner());
  const PerplexityResult q = EvaluateBlockModelPerplexity(*r.pruned, eval, options, &quantized);
  const PerplexityResult m = EvaluateBlockModelPerplexity(*r.pruned, eval, options, &macro);
  const PerplexityResult fp = EvaluateBlockModelPerplexity(*r.pruned, eval, options);
  EXPECT_EQ(m.total_nll, q.total_nll);
  EXPECT_EQ(m.predictions, q.predictions);
  EXPECT_NE(q.total_nll, fp.total_nll);  // the W/A rounding is really applied
  EXPECT_NEAR(q.mean_nll(), fp.mean_nll(), 0.05 * fp.mean_nll());
}

TEST(RecurrentFlow, RwkvUniformAndFlowAtHalfWithLegalMasks) {
  const RwkvModel dense = LoadRwkvModel(Model5v2());
  const auto calibration = ByteBlocks(0, 7);
  const std::vector<std::string> names = {"att.receptance", "att.key",        "att.value",
                                          "att.gate",       "att.output",     "ffn.receptance",
                                          "ffn.key",        "ffn.value"};
  EXPECT_EQ(dense.LinearNames(), names);

  const BlockModelPruneResult uniform = RunBlockModelPrune(
      dense, calibration, Settings(PruneMethod::kUniform, Reconstruction::kNone), 8, 8, "sha");
  ASSERT_EQ(uniform.container.layers.size(), 12u * 8u);
  EXPECT_EQ(uniform.container.layers[3].name, "att.gate");
  EXPECT_EQ(uniform.container.layers[6].rows, 256);  // ffn.key: 256 x 64
  EXPECT_EQ(uniform.container.layers[7].cols, 256);  // ffn.value: 64 x 256
  EXPECT_EQ(uniform.weight_sparsity(), 0.5);
  ExpectLegalMasks(uniform);
  // The pruned model holds exactly the masked weights.
  for (const PrunedLayer& l : uniform.container.layers) {
    const Matrix& w = uniform.pruned->Linear(l.block, static_cast<int>(std::find(names.begin(), names.end(), l.name) - names.begin()));
    for (size_t i = 0; i < l.mask.size(); ++i) {
      if (!l.mask[i]) {
        ASSERT_EQ(w.data[i], 0.0f) << l.block << "." << l.name;
      }
    }
  }

  PruneSettings owl_settings = Settings(PruneMethod::kOwl, Reconstruction::kNone);
  owl_settings.nm = NmPattern{4, 8};  // OWL keeps M = 8 and moves N by outlier ratio
  const BlockModelPruneResult owl = RunBlockModelPrune(dense, calibration, owl_settings, 8, 8, "sha");
  EXPECT_TRUE(owl.assignment.exact);
  EXPECT_EQ(owl.block_sparsity(), 0.5);
  for (const BlockChoice& b : owl.blocks) EXPECT_EQ(b.pattern.m, 8);
  ExpectLegalMasks(owl);

  const BlockModelPruneResult flow = RunBlockModelPrune(
      dense, calibration, Settings(PruneMethod::kFlow, Reconstruction::kObs), 8, 8, "sha");
  EXPECT_TRUE(flow.assignment.exact);
  EXPECT_EQ(flow.block_sparsity(), 0.5);
  ExpectLegalMasks(flow);
  // FLOW keeps blocks 1-3 dense and prunes the last four hardest.
  EXPECT_EQ(LayerPatternText(flow),
            "Layer 0: 1:2\nLayer 1: 2:2\nLayer 2: 2:2\nLayer 3: 4:4\nLayer 4: 2:4\nLayer 5: 2:4\n"
            "Layer 6: 2:4\nLayer 7: 2:4\nLayer 8: 1:8\nLayer 9: 1:8\nLayer 10: 1:8\nLayer 11: 1:8\n");

  const std::string dir = testdata::MakeTempDir();
  WriteContainer(flow.container, dir + "/pruned.flexcim");
  ExpectSameContainer(flow.container, ReadContainer(dir + "/pruned.flexcim"));
  ExpectOnMacroEqualsFakeQuantised(flow, ByteBlocks(300, 301));
}

TEST(RecurrentFlow, RefusesWhatNeedsALlama) {
  const RwkvModel dense = LoadRwkvModel(Model5v2());
  PruneSettings s = Settings(PruneMethod::kSearch, Reconstruction::kNone);
  try {
    RunBlockModelPrune(dense, ByteBlocks(0, 0), s, 8, 8, "sha");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--method search: not available for this model family (flow, uniform and owl are)");
  }
}

TEST(RecurrentFlow, MambaUniformWithObsOnTheMacro) {
  testmamba::RandomMamba shape;
  shape.d_model = 128;  // dt_rank "auto" = 8 inputs of dt_proj, as many as M = 8
  shape.vocab = 50;
  const testmamba::RandomMamba random = testmamba::MakeRandomMamba(shape, 11);
  const std::string dir = testdata::MakeTempDir();
  testmamba::WriteMamba(random, dir + "/m");
  const MambaModel dense = LoadMambaCheckpoint(dir + "/m");
  EXPECT_EQ(dense.LinearNames(), (std::vector<std::string>{"in_proj", "x_proj", "dt_proj", "out_proj"}));
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> token(0, shape.vocab - 1);
  std::vector<std::vector<int>> calibration(8, std::vector<int>(24)), eval(3, std::vector<int>(20));
  for (auto& s : calibration) for (int& t : s) t = token(rng);
  for (auto& s : eval) for (int& t : s) t = token(rng);

  PruneSettings s = Settings(PruneMethod::kUniform, Reconstruction::kObs);
  s.nm = NmPattern{4, 8};
  const BlockModelPruneResult r = RunBlockModelPrune(dense, calibration, s, 8, 8, "sha");
  ASSERT_EQ(r.container.layers.size(), 2u * 4u);
  EXPECT_EQ(r.container.layers[2].name, "dt_proj");
  EXPECT_EQ(r.container.layers[2].cols, 8);
  EXPECT_EQ(r.weight_sparsity(), 0.5);
  ExpectLegalMasks(r);
  WriteContainer(r.container, dir + "/pruned.flexcim");
  ExpectSameContainer(r.container, ReadContainer(dir + "/pruned.flexcim"));
  ExpectOnMacroEqualsFakeQuantised(r, eval);
}

// prune -> map on the three architectures -> eval --pruned [--on-macro].
TEST(RecurrentFlow, CliPruneMapAndEvalOfRwkv) {
  using flexcim::testing::Flexcim;
  const std::string dir = testdata::MakeTempDir();
  const auto prune = Flexcim(fmt::format(
      "prune --model '{}' --text '{}' --calib-blocks 0:7 --eval-blocks 300:301 --method flow "
      "--target 0.5 --threads 2 --quiet --out '{}/p'",
      Model5v2(), Text(), dir));
  ASSERT_EQ(prune.code, 0) << prune.err;
  const auto pj = nlohmann::json::parse(ReadFileBytes(dir + "/p/prune.json"));
  EXPECT_EQ(pj["model_format"], "rwkv.cpp RWKV v5.2 (FP32)");
  EXPECT_EQ(pj["reconstruct"], "obs");
  EXPECT_EQ(pj["achieved_block_sparsity"], 0.5);

  const auto map = Flexcim(fmt::format("map --pruned '{}/p' --out '{}/m' --arch flexcim,dense,sparse12", dir, dir));
  ASSERT_EQ(map.code, 0) << map.err;
  const auto mj = nlohmann::json::parse(ReadFileBytes(dir + "/m/map.json"));
  ASSERT_EQ(mj["layers"].size(), 96u);
  for (const auto& l : mj["layers"]) EXPECT_EQ(l["golden_equals_gemv"], true) << l["layer"];
  for (const char* arch : {"dense", "sparse12"}) {
    ASSERT_EQ(mj["archs"][arch]["layers"].size(), 96u) << arch;
    for (const auto& l : mj["archs"][arch]["layers"]) EXPECT_EQ(l["golden_equals_gemv"], true) << arch;
  }

  const auto quantized = Flexcim(fmt::format(
      "eval --pruned '{}/p' --text '{}' --blocks 300:301 --quiet --json '{}/q.json'", dir, Text(), dir));
  ASSERT_EQ(quantized.code, 0) << quantized.err;
  const auto on_macro = Flexcim(fmt::format(
      "eval --pruned '{}/p' --on-macro --text '{}' --blocks 300:301 --quiet --json '{}/m.json'", dir,
      Text(), dir));
  ASSERT_EQ(on_macro.code, 0) << on_macro.err;
  const auto qj = nlohmann::json::parse(ReadFileBytes(dir + "/q.json"));
  const auto oj = nlohmann::json::parse(ReadFileBytes(dir + "/m.json"));
  EXPECT_EQ(qj["mode"], "W8A8 fake-quantised");
  EXPECT_EQ(oj["total_nll"], qj["total_nll"]);
  EXPECT_EQ(qj["mean_nll"], pj["evaluation"]["pruned_quantized"]["mean_nll"]);

  // `flexcim report`'s recurrent section from <run>/recurrent/: the row of
  // the FLOW + OBS run, the runs not made named as missing.
  std::filesystem::create_directories(dir + "/run/recurrent/rwkv/flow-obs");
  std::filesystem::copy_file(dir + "/p/prune.json", dir + "/run/recurrent/rwkv/flow-obs/prune.json");
  const auto report = Flexcim(fmt::format("report --run '{}/run'", dir));
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_NE(report.out.find(fmt::format(
                "| FLOW | OBS | 1:2 2:2 2:2 4:4 2:4 2:4 2:4 2:4 1:8 1:8 1:8 1:8 | {:.4f} | {:.4f} | {:.4f} | {:.4f} |\n",
                pj["achieved_weight_sparsity"].get<double>(), pj["evaluation"]["dense"]["perplexity"].get<double>(),
                pj["evaluation"]["pruned"]["perplexity"].get<double>(),
                pj["evaluation"]["pruned_quantized"]["perplexity"].get<double>())),
            std::string::npos)
      << report.out;
  EXPECT_NE(report.out.find(fmt::format("Missing: {}/run/recurrent/rwkv/uniform-none/prune.json", dir)),
            std::string::npos);
  EXPECT_NE(report.out.find(fmt::format("Missing: {}/run/recurrent/perf-mamba-2.8b.json", dir)), std::string::npos);

  // A prune.json naming another source model: refused by its sha256.
  auto other = pj;
  const std::string v7 = testdata::CheckedDataFile("rwkv/tiny-rwkv-7v0-834K-FP32.bin");
  other["source_model"] = v7;
  flexcim::testing::WriteBytes(dir + "/p/prune.json", other.dump(2));
  const auto refused = Flexcim(fmt::format("eval --pruned '{}/p' --blocks 300 --quiet", dir));
  EXPECT_EQ(refused.code, 1);
  EXPECT_EQ(refused.err, fmt::format("flexcim eval: error: {} does not belong to {}/p/pruned.flexcim: its "
                                     "sha256 differs from the container's source model (a model of another "
                                     "prune run?)\n",
                                     v7, dir));
}

}  // namespace
}  // namespace flexcim::pruner
