#include "golden/arch_layer_schedule.h"

#include <fmt/format.h>

#include "core/arch_config.h"
#include "core/baseline_config.h"
#include "core/errors.h"
#include "golden/arch_cycle_model.h"
#include "golden/layer_schedule.h"

namespace flexcim::golden {

namespace {

void RequireActivations(const ArchMappedLayer& layer, const std::vector<int32_t>& x, int tokens) {
  const int K = layer.plan.in_features;
  if (tokens < 0 || x.size() != static_cast<size_t>(tokens) * K) {
    throw Error(fmt::format("layer schedule: {} activations for {} tokens, must be tokens x K = {}", x.size(),
                            tokens, static_cast<int64_t>(tokens) * K));
  }
}

}  // namespace

std::vector<CycleInput> ScheduleArchLayer(const ArchMappedLayer& layer, const std::vector<int32_t>& x,
                                          int tokens) {
  if (layer.flexcim) return ScheduleLayer(*layer.flexcim, x, tokens);
  RequireActivations(layer, x, tokens);
  const BaselineConfig b = BaselineConfig::For(layer.plan.arch, layer.config);
  const int K = layer.plan.in_features, C = b.cols();
  std::vector<CycleInput> cycles;
  cycles.reserve(static_cast<size_t>(ArchLayerScheduleCycles(layer, tokens)));
  for (const BaselineTile& tile : layer.baseline_tiles) {
    for (int r = 0; r < b.rows(); ++r) {
      CycleInput in;
      in.wr_en = true;
      in.wr_row = r;
      const auto w0 = tile.weights.begin() + static_cast<ptrdiff_t>(r) * C;
      in.wr_w.assign(w0, w0 + C);
      if (b.has_elements()) {
        const auto e0 = tile.elements.begin() + static_cast<ptrdiff_t>(r) * C;
        in.wr_e.assign(e0, e0 + C);
      }
      cycles.push_back(std::move(in));
    }
    AppendTileVectors(cycles, b.write_latency(), b.initiation_interval(), b.pipeline_latency(), tokens, [&](int t) {
      const std::vector<int32_t> token(x.begin() + static_cast<size_t>(t) * K,
                                       x.begin() + static_cast<size_t>(t + 1) * K);
      CycleInput in;
      in.in_valid = true;
      in.in_act = BaselineTileActivations(layer, tile, token);
      return in;
    });
  }
  return cycles;
}

int64_t ArchLayerScheduleCycles(const ArchMappedLayer& layer, int tokens) {
  const ArchConfig design(layer.plan.arch, layer.config);
  const int storage_rows = design.write_subs() * design.write_rows();
  const int64_t per_tile = storage_rows + design.write_latency() - 1 +
                           static_cast<int64_t>(tokens - 1) * design.initiation_interval() + 1 +
                           design.pipeline_latency();
  return layer.tiles() * per_tile;
}

std::vector<int32_t> RunArchScheduleOnCycleModel(const ArchMappedLayer& layer, int tokens,
                                                 const std::vector<CycleInput>& schedule) {
  if (layer.flexcim) return RunScheduleOnCycleModel(*layer.flexcim, tokens, schedule);
  const auto model = MakeArchCycleModel(ArchConfig(layer.plan.arch, layer.config));
  std::vector<std::vector<int64_t>> outputs;
  for (const CycleInput& in : schedule) {
    CycleOutput out = model->Step(in);
    if (out.valid) outputs.push_back(std::move(out.data));
  }
  const size_t expected = layer.baseline_tiles.size() * static_cast<size_t>(tokens);
  if (outputs.size() != expected) {
    throw Error(fmt::format("layer outputs: {} valid outputs, the schedule delivers {} (tiles x tokens)",
                            outputs.size(), expected));
  }
  const int O = layer.plan.out_features;
  std::vector<uint32_t> acc(static_cast<size_t>(tokens) * O, 0u);
  size_t next = 0;
  for (const BaselineTile& tile : layer.baseline_tiles) {
    for (int t = 0; t < tokens; ++t) {
      const std::vector<int64_t>& lanes = outputs[next++];
      for (int o = tile.out_begin; o < tile.out_end; ++o) {
        acc[static_cast<size_t>(t) * O + o] += static_cast<uint32_t>(lanes[o - tile.out_begin]);
      }
    }
  }
  return std::vector<int32_t>(acc.begin(), acc.end());
}

}  // namespace flexcim::golden
