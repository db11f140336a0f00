// The RTL runs the model: one text block's full forward pass through the
// FLOW-pruned stories260K with every linear layer (35) executed by the
// Verilated default macro, driven pin by pin through each layer's schedule
// (golden::ScheduleLayer: tile writes, one vector per token, idle edges),
// its valid outputs accumulated along K; the logits must be bit-identical to
// the same forward pass on the golden macro (MacroLinearExecutor with
// GoldenMacroRunner), and the RTL must have delivered exactly one output
// per tile and token. `make demo` runs it on the demo's own prune output
// (FLEXCIM_PRUNED=DIR); without it the test prunes at 0.5 itself.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "Vmodel_rtl_default.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/macro_linear_executor.h"
#include "flow_pruner/model_inputs.h"
#include "flow_pruner/prune_pipeline.h"
#include "flow_pruner/pruned_container.h"
#include "flow_pruner/tests/test_data.h"
#include "golden/layer_schedule.h"
#include "verif/verilated_dut.h"

namespace flexcim::verif {
namespace {

using namespace flexcim::pruner;

// Runs tiled layers on one Verilated macro, counting edges and outputs.
class RtlLayerRunner {
 public:
  explicit RtlLayerRunner(const MacroConfig& config) : dut_(ArchConfig(Arch::kFlexcim, config)) {}

  std::vector<int32_t> Run(const golden::TiledLayer& layer, const std::vector<int32_t>& x,
                           int tokens) {
    std::lock_guard lock(mutex_);
    std::vector<golden::CycleInput> schedule = golden::ScheduleLayer(layer, x, tokens);
    golden::CycleInput reset;  // the pipeline's valid bits start unknown: one reset edge
    reset.rst_n = false;
    schedule.insert(schedule.begin(), reset);
    std::vector<std::vector<int64_t>> outputs;
    for (const golden::CycleInput& in : schedule) {
      golden::CycleOutput out = dut_.Cycle(in);
      if (out.valid) outputs.push_back(std::move(out.data));
    }
    cycles_ += static_cast<int64_t>(schedule.size());
    outputs_ += static_cast<int64_t>(outputs.size());
    ++layers_;
    return golden::AccumulateLayerOutputs(layer, tokens, outputs);
  }

  int64_t cycles() const { return cycles_; }
  int64_t outputs() const { return outputs_; }
  int64_t layers() const { return layers_; }

 private:
  std::mutex mutex_;
  VerilatedDut<Vmodel_rtl_default> dut_;
  int64_t cycles_ = 0;
  int64_t outputs_ = 0;
  int64_t layers_ = 0;
};

struct PrunedModel {
  LlamaModel model;
  PrunedContainer container;
  std::string source;
};

PrunedModel LoadOrPrune(const ModelInputs& inputs) {
  if (const char* dir = std::getenv("FLEXCIM_PRUNED"); dir && *dir) {
    const std::filesystem::path d = dir;
    return {LoadLlamaModel((d / "pruned.bin").string()), ReadContainer(d / "pruned.flexcim"),
            d.string()};
  }
  PruneSettings s;
  s.target = 0.5;
  s.progress = false;
  const auto calibration = inputs.EncodeSlice("0:63", "--blocks");
  PruneResult r = RunPrune(inputs.model, calibration, s, s.config.w_bits(), s.config.a_bits(), "test");
  return {std::move(r.pruned), std::move(r.container), "FLOW at 0.5, calibration blocks 0:63"};
}

TEST(ModelOnRtl, OneTextBlockLogitsEqualTheGoldenMacro) {
  const ModelInputs inputs = ModelInputs::Load({testdata::CheckedDataFile("stories260K.bin"),
                                                testdata::CheckedDataFile("tok512.bin"),
                                                testdata::CheckedDataFile("tinystories-valid-head.txt"), ""});
  const PrunedModel pruned = LoadOrPrune(inputs);
  ASSERT_EQ(pruned.container.config, MacroConfig::Default());
  const std::vector<int> tokens = inputs.EncodeSlice("3300", "--blocks").at(0);

  const MacroLinearExecutor golden(pruned.container, GoldenMacroRunner());
  ForwardHooks golden_hooks;
  golden_hooks.executor = &golden;
  const Matrix want = ForwardLogits(pruned.model, tokens, golden_hooks);

  RtlLayerRunner rtl(pruned.container.config);
  const MacroLinearExecutor on_rtl(
      pruned.container, [&rtl](const golden::TiledLayer& layer, const std::vector<int32_t>& x,
                               int t) { return rtl.Run(layer, x, t); });
  ForwardHooks rtl_hooks;
  rtl_hooks.executor = &on_rtl;
  const Matrix got = ForwardLogits(pruned.model, tokens, rtl_hooks);

  ASSERT_EQ(got.rows, want.rows);
  ASSERT_EQ(got.cols, want.cols);
  ASSERT_EQ(got.rows, static_cast<int>(tokens.size()));
  EXPECT_EQ(std::memcmp(got.data.data(), want.data.data(), got.data.size() * sizeof(float)), 0)
      << "logits differ";
  EXPECT_EQ(rtl.layers(), 35);
  EXPECT_EQ(rtl.outputs(), golden.tiles() * static_cast<int64_t>(tokens.size()));
  int64_t expected_cycles = 0;
  for (int b = 0; b < golden.blocks(); ++b) {
    for (LinearKind k : kAllLinearKinds) {
      expected_cycles += 1 + golden::ScheduleLayer(golden.tiled(b, k),
                                                   std::vector<int32_t>(tokens.size() * golden.tiled(b, k).in_features),
                                                   static_cast<int>(tokens.size())).size();
    }
  }
  EXPECT_EQ(rtl.cycles(), expected_cycles);
  // The fp32 forward of the same model differs (quantisation): the check is not vacuous.
  EXPECT_NE(std::memcmp(ForwardLogits(pruned.model, tokens).data.data(), want.data.data(),
                        want.data.size() * sizeof(float)),
            0);
  std::cout << fmt::format(
      "model on RTL: text block 3300 ({} tokens) through {} ({}), {} linear layers in {} tiles "
      "on the Verilated macro {}: {} cycles, {} outputs; logits bit-identical to the golden "
      "macro: {}\n",
      tokens.size(), pruned.source, fmt::format("{} blocks", golden.blocks()), rtl.layers(),
      golden.tiles(), pruned.container.config.Name(), rtl.cycles(), rtl.outputs(),
      std::memcmp(got.data.data(), want.data.data(), got.data.size() * sizeof(float)) == 0 ? "yes"
                                                                                              : "NO");
}

}  // namespace
}  // namespace flexcim::verif
