#include "golden/layer_schedule.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/layer_runner.h"

namespace flexcim::golden {

std::vector<CycleInput> ScheduleLayer(const TiledLayer& layer, const std::vector<int32_t>& x,
                                      int tokens) {
  const MacroConfig& c = layer.config;
  const int K = layer.in_features;
  if (tokens < 0 || x.size() != static_cast<size_t>(tokens) * K) {
    throw Error(fmt::format("layer schedule: {} activations for {} tokens, must be tokens x K = {}",
                            x.size(), tokens, static_cast<int64_t>(tokens) * K));
  }
  std::vector<CycleInput> cycles;
  for (const MacroTile& tile : layer.tiles) {
    for (int k = 0; k < c.subs(); ++k) {
      for (int r = 0; r < c.rows(); ++r) {
        CycleInput in;
        in.wr_en = true;
        in.wr_sub = k;
        in.wr_row = r;
        for (int col = 0; col < c.cols(); ++col) {
          in.wr_w.push_back(tile.storage.weight(k, r, col));
          in.wr_e.push_back(static_cast<uint8_t>(tile.storage.element(k, r, col)));
        }
        for (int q = 0; q < c.select_groups(); ++q) in.wr_sel.push_back(tile.storage.select(k, r, q));
        cycles.push_back(std::move(in));
      }
    }
    AppendTileVectors(cycles, c.write_latency(), c.initiation_interval(), c.pipeline_latency(), tokens, [&](int t) {
      const std::vector<int32_t> token(x.begin() + static_cast<size_t>(t) * K,
                                       x.begin() + static_cast<size_t>(t + 1) * K);
      CycleInput in;
      in.in_valid = true;
      in.in_nlog2 = layer.nlog2();
      in.in_act = LayerActivationsToWindows(layer, tile.k_tile, token);
      return in;
    });
  }
  return cycles;
}

void AppendTileVectors(std::vector<CycleInput>& cycles, int write_latency, int initiation_interval, int latency,
                       int tokens, const std::function<CycleInput(int)>& vector) {
  for (int i = 1; i < write_latency; ++i) cycles.emplace_back();
  for (int t = 0; t < tokens; ++t) {
    if (t > 0) {
      for (int i = 1; i < initiation_interval; ++i) cycles.emplace_back();
    }
    cycles.push_back(vector(t));
  }
  for (int i = 0; i < latency; ++i) cycles.emplace_back();
}

std::vector<int32_t> AccumulateLayerOutputs(const TiledLayer& layer, int tokens,
                                            const std::vector<std::vector<int64_t>>& outputs) {
  const size_t expected = layer.tiles.size() * static_cast<size_t>(tokens);
  if (outputs.size() != expected) {
    throw Error(fmt::format("layer outputs: {} valid outputs, the schedule delivers {} (tiles x tokens)",
                            outputs.size(), expected));
  }
  std::vector<uint32_t> acc(static_cast<size_t>(tokens) * layer.out_features, 0u);
  size_t next = 0;
  for (const MacroTile& tile : layer.tiles) {
    for (int t = 0; t < tokens; ++t) {
      const std::vector<int64_t>& lanes = outputs[next++];
      for (int o = tile.out_begin; o < tile.out_end; ++o) {
        // 32-bit two's-complement accumulation, wrapping (layer_runner.h).
        acc[static_cast<size_t>(t) * layer.out_features + o] +=
            static_cast<uint32_t>(lanes[o - tile.out_begin]);
      }
    }
  }
  return std::vector<int32_t>(acc.begin(), acc.end());
}

std::vector<int32_t> RunScheduleOnCycleModel(const TiledLayer& layer, int tokens,
                                             const std::vector<CycleInput>& schedule) {
  CycleModel model(layer.config);
  std::vector<std::vector<int64_t>> outputs;
  for (const CycleInput& in : schedule) {
    CycleOutput out = model.Step(in);
    if (out.valid) outputs.push_back(std::move(out.data));
  }
  return AccumulateLayerOutputs(layer, tokens, outputs);
}

}  // namespace flexcim::golden
