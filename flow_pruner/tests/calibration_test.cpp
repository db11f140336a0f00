#include "flow_pruner/calibration.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/tests/test_data.h"
#include "flow_pruner/text_blocks.h"
#include "flow_pruner/tokenizer.h"

namespace flexcim::pruner {
namespace {

struct Fixture {
  LlamaModel model;
  std::vector<std::vector<int>> samples;
};

const Fixture& Data() {
  static const Fixture f = [] {
    Fixture d{LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin")), {}};
    const Tokenizer tok = Tokenizer::Load(testdata::CheckedDataFile("tok512.bin"), 512);
    const auto blocks = ReadTextBlocks(testdata::CheckedDataFile("tinystories-valid-head.txt"));
    d.samples = EncodeBlocks(tok, SelectBlocks(blocks, ParseBlockSlice("0:15", 4300, "--calib-blocks")));
    return d;
  }();
  return f;
}

CalibrationOptions Quiet(int threads = 0) {
  CalibrationOptions o;
  o.progress = false;
  o.threads = threads;
  return o;
}

TEST(Calibration, ShapesAndSharedInputs) {
  const CalibrationStats stats = Calibrate(Data().model, Data().samples, Quiet());
  EXPECT_EQ(stats.num_samples, 16);
  ASSERT_EQ(stats.layers.size(), 5u);
  for (const LayerStats& layer : stats.layers) {
    EXPECT_EQ(layer[LinearKind::kQ].size(), 64u);
    EXPECT_EQ(layer[LinearKind::kO].size(), 64u);
    EXPECT_EQ(layer[LinearKind::kW2].size(), 172u);
    EXPECT_EQ(layer[LinearKind::kQ], layer[LinearKind::kK]);
    EXPECT_EQ(layer[LinearKind::kQ], layer[LinearKind::kV]);
    EXPECT_EQ(layer[LinearKind::kW1], layer[LinearKind::kW3]);
    for (const auto& s : layer.s) {
      for (const double v : s) EXPECT_GT(v, 0.0);
    }
  }
}

TEST(Calibration, IsMeanOverSamplesOfPerSampleSums) {
  // S_j by hand for layer 3's w2 input over two samples.
  std::vector<double> expected(172, 0.0);
  for (int i = 0; i < 2; ++i) {
    ForwardHooks hooks;
    hooks.observe_input = [&](int layer, LinearKind kind, const Matrix& x) {
      if (layer != 3 || kind != LinearKind::kW2) return;
      for (int t = 0; t < x.rows; ++t) {
        for (int j = 0; j < x.cols; ++j) expected[j] += 0.5 * x.at(t, j) * x.at(t, j);
      }
    };
    RunTransformerLayers(Data().model, Data().samples[i], 5, hooks);
  }
  const std::vector<std::vector<int>> two(Data().samples.begin(), Data().samples.begin() + 2);
  const LayerStats got = CalibrateLayer(Data().model, two, 3, Quiet());
  for (int j = 0; j < 172; ++j) EXPECT_NEAR(got[LinearKind::kW2][j], expected[j], 1e-9 * expected[j]);
}

TEST(Calibration, DeterministicAcrossThreadsAndLayerVariantAgrees) {
  const CalibrationStats one = Calibrate(Data().model, Data().samples, Quiet(1));
  const CalibrationStats two = Calibrate(Data().model, Data().samples, Quiet(2));
  for (int l = 0; l < 5; ++l) {
    EXPECT_EQ(one.layers[l].s, two.layers[l].s);
    EXPECT_EQ(CalibrateLayer(Data().model, Data().samples, l, Quiet(2)).s, one.layers[l].s);
  }
}

TEST(Calibration, LaterLayersSeeEarlierPruning) {
  LlamaModel pruned = Data().model;
  for (float& w : pruned.layers[0].w2.data) w = 0.0f;
  const auto dense0 = CalibrateLayer(Data().model, Data().samples, 0, Quiet());
  const auto dense1 = CalibrateLayer(Data().model, Data().samples, 1, Quiet());
  // Layer 0's own inputs (up to w2) do not change; layer 1's do.
  EXPECT_EQ(CalibrateLayer(pruned, Data().samples, 0, Quiet()).s, dense0.s);
  EXPECT_NE(CalibrateLayer(pruned, Data().samples, 1, Quiet())[LinearKind::kQ],
            dense1[LinearKind::kQ]);
}

TEST(Calibration, Errors) {
  EXPECT_THROW(CalibrateLayer(Data().model, Data().samples, 5, Quiet()), Error);
  EXPECT_THROW(Calibrate(Data().model, {}, Quiet()), Error);
}

}  // namespace
}  // namespace flexcim::pruner
