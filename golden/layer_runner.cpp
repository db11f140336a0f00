#include "golden/layer_runner.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/fast_model.h"
#include "golden/range_check.h"
#include "golden/reference_model.h"

namespace flexcim::golden {

namespace {

int32_t WrapAdd(int32_t acc, int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(v));
}

void RequireActivations(const TiledLayer& layer, const int32_t* x, size_t size) {
  if (size != static_cast<size_t>(layer.in_features)) {
    throw Error(
        fmt::format("layer activations: {} values, must be K = {}", size, layer.in_features));
  }
  const int A = layer.config.a_bits();
  for (size_t i = 0; i < size; ++i) {
    if (!FitsSigned(x[i], A)) {
      RequireInRange(fmt::format("layer activation x[{}]", i), x[i], SignedMin(A), SignedMax(A),
                     fmt::format("A = {}", A));
    }
  }
}

// Window without checks; x holds K values.
void FillWindow(const TiledLayer& layer, int k_tile, const int32_t* x, int32_t* window) {
  const MacroConfig& c = layer.config;
  const int M = layer.pattern.m;
  std::fill(window, window + c.act_lanes(), 0);
  for (int r = 0; r < c.rows(); ++r) {
    const int first = (k_tile * c.rows() + r) * M;
    for (int i = 0; i < M && first + i < layer.in_features; ++i) {
      window[r * c.window() + i] = x[first + i];
    }
  }
}

}  // namespace

std::vector<int32_t> LayerActivationsToWindows(const TiledLayer& layer, int k_tile,
                                               const std::vector<int32_t>& x) {
  RequireActivations(layer, x.data(), x.size());
  RequireInRange("k_tile", k_tile, 0, layer.k_tiles - 1, "this layer");
  std::vector<int32_t> window(static_cast<size_t>(layer.config.act_lanes()));
  FillWindow(layer, k_tile, x.data(), window.data());
  return window;
}

std::vector<int32_t> RunLayerOnMacro(const TiledLayer& layer, const std::vector<int32_t>& x,
                                     LayerEngine engine) {
  RequireActivations(layer, x.data(), x.size());
  std::vector<std::vector<int32_t>> windows;
  for (int kt = 0; kt < layer.k_tiles; ++kt)
    windows.push_back(LayerActivationsToWindows(layer, kt, x));
  std::vector<int32_t> y(static_cast<size_t>(layer.out_features), 0);
  for (const MacroTile& tile : layer.tiles) {
    const std::vector<int64_t> out =
        engine == LayerEngine::kReference
            ? ReferenceCompute(tile.storage, windows[tile.k_tile], layer.nlog2())
            : FastModel(tile.storage).Compute(windows[tile.k_tile], layer.nlog2());
    for (int o = tile.out_begin; o < tile.out_end; ++o) {
      y[o] = WrapAdd(y[o], out[o - tile.out_begin]);
    }
  }
  return y;
}

std::vector<int32_t> RunLayerOnMacroBatch(const TiledLayer& layer, const std::vector<int32_t>& x,
                                          int tokens, LayerEngine engine) {
  const size_t K = static_cast<size_t>(layer.in_features);
  if (tokens < 0 || x.size() != K * tokens) {
    throw Error(fmt::format("layer activations: {} values for {} tokens, must be tokens*K = {}",
                            x.size(), tokens, K * std::max(tokens, 0)));
  }
  for (int t = 0; t < tokens; ++t) RequireActivations(layer, x.data() + t * K, K);
  const size_t lanes_in = static_cast<size_t>(layer.config.act_lanes());
  const size_t lanes_out = static_cast<size_t>(layer.config.output_lanes());
  const size_t O = static_cast<size_t>(layer.out_features);
  std::vector<int32_t> y(O * tokens, 0);
  std::vector<int32_t> windows(lanes_in * tokens);
  std::vector<int64_t> out(lanes_out * tokens);
  int windows_tile = -1;
  for (const MacroTile& tile : layer.tiles) {
    if (tile.k_tile != windows_tile) {
      for (int t = 0; t < tokens; ++t) {
        FillWindow(layer, tile.k_tile, x.data() + t * K, windows.data() + t * lanes_in);
      }
      windows_tile = tile.k_tile;
    }
    if (engine == LayerEngine::kFast) {
      FastModel(tile.storage).ComputeBatch(windows.data(), tokens, layer.nlog2(), out.data());
    } else {
      for (int t = 0; t < tokens; ++t) {
        const std::vector<int32_t> w(windows.begin() + t * lanes_in,
                                     windows.begin() + (t + 1) * lanes_in);
        const std::vector<int64_t> o = ReferenceCompute(tile.storage, w, layer.nlog2());
        std::copy(o.begin(), o.end(), out.begin() + t * lanes_out);
      }
    }
    for (int t = 0; t < tokens; ++t) {
      for (int o = tile.out_begin; o < tile.out_end; ++o) {
        y[t * O + o] = WrapAdd(y[t * O + o], out[t * lanes_out + (o - tile.out_begin)]);
      }
    }
  }
  return y;
}

std::vector<int32_t> MaskedLayerGemv(const LayerWeights& layer, const std::vector<int32_t>& x) {
  const size_t K = static_cast<size_t>(layer.in_features);
  if (x.size() != K) {
    throw Error(fmt::format("layer activations: {} values, must be K = {}", x.size(), K));
  }
  std::vector<int32_t> y(static_cast<size_t>(layer.out_features));
  for (int o = 0; o < layer.out_features; ++o) {
    uint32_t wrapped = 0;  // the exact sum mod 2^32
    for (size_t i = 0; i < K; ++i) {
      if (!layer.keep[o * K + i]) continue;
      wrapped += static_cast<uint32_t>(static_cast<int64_t>(layer.weights[o * K + i]) * x[i]);
    }
    y[o] = static_cast<int32_t>(wrapped);
  }
  return y;
}

int64_t LayerCycles(const MacroConfig& config, int64_t tile_count, int64_t tokens) {
  if (tokens < 0 || tile_count < 0) {
    throw Error(
        fmt::format("LayerCycles: {} tiles, {} tokens: both must be >= 0", tile_count, tokens));
  }
  // Token cycles: the vectors, II apart (FLEXCIM.md 5c): (tokens-1)*II + 1.
  int64_t token_cycles = 0, per_tile = 0, cycles = 0;
  if (tokens > 0 &&
      (__builtin_mul_overflow(tokens - 1, int64_t{config.initiation_interval()}, &token_cycles) ||
       __builtin_add_overflow(token_cycles, int64_t{1}, &token_cycles))) {
    throw Error(fmt::format("LayerCycles: {} tiles x {} tokens overflows a 64-bit cycle count", tile_count, tokens));
  }
  if (__builtin_add_overflow(config.tile_load_span() + int64_t{config.pipeline_latency()}, token_cycles, &per_tile) ||
      __builtin_mul_overflow(tile_count, per_tile, &cycles)) {
    throw Error(fmt::format("LayerCycles: {} tiles x {} tokens overflows a 64-bit cycle count", tile_count, tokens));
  }
  return cycles;
}

int64_t LayerCycles(const MacroConfig& config, const TiledLayer& layer, int64_t tokens) {
  if (!(layer.config == config)) {
    throw Error(fmt::format("LayerCycles: layer mapped for {}, asked for {}", layer.config.Name(),
                            config.Name()));
  }
  return LayerCycles(config, static_cast<int64_t>(layer.tiles.size()), tokens);
}

}  // namespace flexcim::golden
