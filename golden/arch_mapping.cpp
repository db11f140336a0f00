#include "golden/arch_mapping.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/baseline_model.h"
#include "golden/layer_runner.h"

namespace flexcim::golden {

namespace {

int CeilDiv(int a, int b) { return (a + b - 1) / b; }

int32_t WrapAdd(int32_t acc, int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(v));
}

ArchLayerPlan PlanWithMode(Arch arch, ArchMode mode, const MacroConfig& config, const NmPattern& pattern,
                           int out_features, int in_features) {
  ArchLayerPlan p;
  p.arch = arch;
  p.mode = mode;
  p.pattern = pattern;
  p.hardware_pattern = pattern.Hardware();
  p.out_features = out_features;
  p.in_features = in_features;
  const int array_rows = config.subs() * config.rows();
  switch (mode) {
    case ArchMode::kFlexcim:
      p.inputs_per_tile = config.rows() * p.hardware_pattern.m;
      p.outputs_per_tile = (config.subs() / p.hardware_pattern.n) * config.cols();
      break;
    case ArchMode::kSparse12Native:
      p.inputs_per_tile = 2 * array_rows;
      p.outputs_per_tile = config.cols();
      break;
    case ArchMode::kDense:
    case ArchMode::kSparse12DenseMode:
      p.inputs_per_tile = array_rows;
      p.outputs_per_tile = config.cols();
      break;
  }
  // EncodeLayer pads K to a multiple of M, then to whole tiles: the same count.
  p.k_tiles = CeilDiv(in_features, p.inputs_per_tile);
  p.o_tiles = CeilDiv(out_features, p.outputs_per_tile);
  return p;
}

void RequireShape(int out_features, int in_features, const std::string& layer_name) {
  if (out_features < 1 || in_features < 1) {
    throw Error(fmt::format("layer {}: shape {}x{}: both sizes must be >= 1", layer_name, out_features,
                            in_features));
  }
}

}  // namespace

MacroTiming MacroTiming::For(Arch arch, const MacroConfig& config) {
  MacroTiming t;
  t.cells = config.cells();
  if (arch == Arch::kFlexcim) {
    t.tile_load_cycles = config.tile_load_cycles();
    t.pipeline_latency = config.pipeline_latency();
    t.initiation_interval = config.initiation_interval();
    t.write_latency = config.write_latency();
    t.row_bits = config.cols() * (config.w_bits() + 1) + config.select_groups() * config.sel_bits();
    return t;
  }
  const BaselineConfig b = BaselineConfig::For(arch, config);
  t.tile_load_cycles = b.tile_load_cycles();
  t.pipeline_latency = b.pipeline_latency();
  t.initiation_interval = b.initiation_interval();
  t.write_latency = b.write_latency();
  t.row_bits = b.cols() * (b.w_bits() + (b.has_elements() ? 1 : 0));
  return t;
}

std::string ArchLayerPlan::ModeText() const {
  switch (mode) {
    case ArchMode::kFlexcim:
      return fmt::format("{} as {}", pattern.ToString(), hardware_pattern.ToString());
    case ArchMode::kDense:
      return "dense";
    case ArchMode::kSparse12Native:
      return "1:2 native";
    case ArchMode::kSparse12DenseMode:
      return "dense mode";
  }
  return "";
}

std::string SupportedPatternsText(Arch arch, const MacroConfig& config) {
  if (arch == Arch::kDense) return "every N:M, run as dense";
  if (arch == Arch::kSparse12) {
    return "every N:M: natively where no output keeps both elements of an input pair, else in dense mode";
  }
  std::string s;
  for (const NmPattern& p : SupportedPatterns(config)) s += (s.empty() ? "" : ", ") + p.ToString();
  return s + "; N = M runs as 2:2";
}

void RequireArchRuns(Arch arch, const MacroConfig& config, const NmPattern& pattern,
                     const std::string& layer_name) {
  const bool runs = pattern.n >= 1 && pattern.n <= pattern.m &&
                    (arch != Arch::kFlexcim || pattern.SupportedBy(config));
  if (runs) return;
  const std::string name = arch == Arch::kFlexcim ? config.Name() : BaselineConfig::For(arch, config).Name();
  throw Error(fmt::format("layer {}: pattern {} does not run on {} {} (supported: {})", layer_name,
                          pattern.ToString(), ArchName(arch), name, SupportedPatternsText(arch, config)));
}

ArchLayerPlan PlanArchLayer(Arch arch, const MacroConfig& config, const NmPattern& pattern,
                            int out_features, int in_features, const std::string& layer_name) {
  RequireArchRuns(arch, config, pattern, layer_name);
  RequireShape(out_features, in_features, layer_name);
  const ArchMode mode = arch == Arch::kFlexcim ? ArchMode::kFlexcim
                        : arch == Arch::kDense ? ArchMode::kDense
                        : pattern.n == 1       ? ArchMode::kSparse12Native
                                               : ArchMode::kSparse12DenseMode;
  return PlanWithMode(arch, mode, config, pattern, out_features, in_features);
}

bool PairsKeepAtMostOne(const LayerWeights& layer) {
  const int K = layer.in_features;
  for (int o = 0; o < layer.out_features; ++o) {
    const uint8_t* keep = layer.keep.data() + static_cast<size_t>(o) * K;
    for (int i = 0; i + 1 < K; i += 2) {
      if (keep[i] && keep[i + 1]) return false;
    }
  }
  return true;
}

ArchLayerPlan PlanArchLayer(Arch arch, const MacroConfig& config, const NmPattern& pattern,
                            const LayerWeights& layer, const std::string& layer_name) {
  RequireArchRuns(arch, config, pattern, layer_name);
  RequireShape(layer.out_features, layer.in_features, layer_name);
  const size_t size = static_cast<size_t>(layer.out_features) * layer.in_features;
  if (layer.weights.size() != size || layer.keep.size() != size) {
    throw Error(fmt::format("layer {}: {} weights and {} mask bytes, must be {}x{} = {}", layer_name,
                            layer.weights.size(), layer.keep.size(), layer.out_features, layer.in_features,
                            size));
  }
  const ArchMode mode = arch == Arch::kFlexcim  ? ArchMode::kFlexcim
                        : arch == Arch::kDense  ? ArchMode::kDense
                        : PairsKeepAtMostOne(layer) ? ArchMode::kSparse12Native
                                                    : ArchMode::kSparse12DenseMode;
  return PlanWithMode(arch, mode, config, pattern, layer.out_features, layer.in_features);
}

ArchMappedLayer MapArchLayer(Arch arch, const MacroConfig& config, const NmPattern& pattern,
                             const LayerWeights& layer, const std::string& layer_name) {
  ArchMappedLayer m{config, PlanArchLayer(arch, config, pattern, layer, layer_name), std::nullopt, {}};
  if (arch == Arch::kFlexcim) {
    m.flexcim = EncodeLayer(config, pattern, layer);
    if (m.flexcim->k_tiles != m.plan.k_tiles || m.flexcim->o_tiles != m.plan.o_tiles) {
      throw Error(fmt::format("layer {}: tile plan {}x{} differs from the encoding {}x{}", layer_name,
                              m.plan.k_tiles, m.plan.o_tiles, m.flexcim->k_tiles, m.flexcim->o_tiles));
    }
    return m;
  }
  const BaselineConfig b = BaselineConfig::For(arch, config);
  const int wmin = -(1 << (config.w_bits() - 1)), wmax = (1 << (config.w_bits() - 1)) - 1;
  const int K = layer.in_features, O = layer.out_features, C = b.cols(), rows = b.rows();
  const ArchLayerPlan& p = m.plan;
  for (int ot = 0; ot < p.o_tiles; ++ot) {
    for (int kt = 0; kt < p.k_tiles; ++kt) {
      BaselineTile t;
      t.k_tile = kt;
      t.o_tile = ot;
      t.in_begin = kt * p.inputs_per_tile;
      t.in_end = std::min(K, t.in_begin + p.inputs_per_tile);
      t.out_begin = ot * C;
      t.out_end = std::min(O, t.out_begin + C);
      t.weights.assign(static_cast<size_t>(rows) * C, 0);
      t.elements.assign(static_cast<size_t>(rows) * C, 0);
      for (int o = t.out_begin; o < t.out_end; ++o) {
        const int c = o - t.out_begin;
        for (int i = t.in_begin; i < t.in_end; ++i) {
          const size_t at = static_cast<size_t>(o) * K + i;
          if (!layer.keep[at]) continue;
          const int32_t w = layer.weights[at];
          if (w < wmin || w > wmax) {
            throw Error(fmt::format("layer {}: kept weight w[{}][{}] = {}: must be in [{}, {}] for W = {}",
                                    layer_name, o, i, w, wmin, wmax, config.w_bits()));
          }
          const int local = i - t.in_begin;
          // dense and dense mode: row = tile input; native 1:2: row = pair.
          const int row = p.mode == ArchMode::kSparse12Native ? local / 2 : local;
          t.weights[static_cast<size_t>(row) * C + c] = w;
          t.elements[static_cast<size_t>(row) * C + c] = static_cast<uint8_t>(i % 2);
        }
        if (p.mode == ArchMode::kSparse12DenseMode) {
          // Element bits are fixed by the row (even row: element 0, odd: 1),
          // also where the weight is 0.
          for (int r = 0; r < rows; ++r) t.elements[static_cast<size_t>(r) * C + c] = static_cast<uint8_t>(r % 2);
        }
      }
      m.baseline_tiles.push_back(std::move(t));
    }
  }
  return m;
}

std::vector<int32_t> BaselineTileActivations(const ArchMappedLayer& layer, const BaselineTile& t,
                                             const std::vector<int32_t>& x) {
  const ArchLayerPlan& p = layer.plan;
  const BaselineConfig b = BaselineConfig::For(p.arch, layer.config);
  std::vector<int32_t> act(static_cast<size_t>(b.act_lanes()), 0);
  auto input = [&](int i) { return i < t.in_end ? x[i] : 0; };
  for (int r = 0; r < b.rows(); ++r) {
    switch (p.mode) {
      case ArchMode::kDense:
        act[r] = input(t.in_begin + r);
        break;
      case ArchMode::kSparse12Native:
        act[2 * r] = input(t.in_begin + 2 * r);
        act[2 * r + 1] = input(t.in_begin + 2 * r + 1);
        break;
      case ArchMode::kSparse12DenseMode: {
        const int pair_first = t.in_begin + (r / 2) * 2;
        act[2 * r] = input(pair_first);
        act[2 * r + 1] = input(pair_first + 1);
        break;
      }
      case ArchMode::kFlexcim:
        break;
    }
  }
  return act;
}

std::vector<int32_t> RunArchLayer(const ArchMappedLayer& layer, const std::vector<int32_t>& x) {
  if (layer.flexcim) return RunLayerOnMacro(*layer.flexcim, x);
  const ArchLayerPlan& p = layer.plan;
  if (x.size() != static_cast<size_t>(p.in_features)) {
    throw Error(fmt::format("layer activations: {} values, must be K = {}", x.size(), p.in_features));
  }
  const BaselineConfig b = BaselineConfig::For(p.arch, layer.config);
  const int C = b.cols(), rows = b.rows();
  std::vector<int32_t> y(static_cast<size_t>(p.out_features), 0);
  for (const BaselineTile& t : layer.baseline_tiles) {
    const auto macro = std::make_unique<BaselineModel>(b);
    for (int r = 0; r < rows; ++r) {
      const auto w0 = t.weights.begin() + static_cast<ptrdiff_t>(r) * C;
      const auto e0 = t.elements.begin() + static_cast<ptrdiff_t>(r) * C;
      macro->WriteRow(r, std::vector<int32_t>(w0, w0 + C),
                      b.has_elements() ? std::vector<uint8_t>(e0, e0 + C) : std::vector<uint8_t>{});
    }
    const std::vector<int32_t> act = BaselineTileActivations(layer, t, x);
    const std::vector<int64_t> out = macro->Compute(act);
    for (int o = t.out_begin; o < t.out_end; ++o) y[o] = WrapAdd(y[o], out[o - t.out_begin]);
  }
  return y;
}

}  // namespace flexcim::golden
