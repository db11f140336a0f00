#include "golden/tile_mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "core/errors.h"
#include "golden/range_check.h"

namespace flexcim::golden {

namespace {

int CeilDiv(int a, int b) { return (a + b - 1) / b; }

// Read access to a layer with the padding of section 4: positions >= K and
// outputs >= O_out are never kept.
class PaddedLayer {
 public:
  explicit PaddedLayer(const LayerWeights& layer) : l_(layer) {}
  bool kept(int o, int i) const {
    return o < l_.out_features && i < l_.in_features &&
           l_.keep[static_cast<size_t>(o) * l_.in_features + i] != 0;
  }
  int32_t weight(int o, int i) const {
    return kept(o, i) ? l_.weights[static_cast<size_t>(o) * l_.in_features + i] : 0;
  }

 private:
  const LayerWeights& l_;
};

void RequireShapes(const LayerWeights& layer) {
  if (layer.out_features < 1 || layer.in_features < 1) {
    throw UsageError(fmt::format("layer {}x{}: needs at least one output and one input",
                                 layer.out_features, layer.in_features));
  }
  const size_t size = static_cast<size_t>(layer.out_features) * layer.in_features;
  if (layer.weights.size() != size || layer.keep.size() != size) {
    throw UsageError(fmt::format(
        "layer {}x{}: has {} weights and {} mask entries, both must be O_out*K = {}",
        layer.out_features, layer.in_features, layer.weights.size(), layer.keep.size(), size));
  }
}

// Slots needed by one (input group g, select group starting at output o0):
// sum over pairs of the max kept count of any of the G outputs.
int SlotsNeeded(const PaddedLayer& pl, const NmPattern& hw, int G, int g, int o0,
                std::vector<int>* mult) {
  mult->assign(static_cast<size_t>(hw.m / 2), 0);
  int need = 0;
  for (int p = 0; p < hw.m / 2; ++p) {
    const int i = g * hw.m + 2 * p;
    int most = 0;
    for (int o = o0; o < o0 + G; ++o) most = std::max(most, int{pl.kept(o, i)} + pl.kept(o, i + 1));
    (*mult)[p] = most;
    need += most;
  }
  return need;
}

void CheckMask(const MacroConfig& config, const NmPattern& hw, const LayerWeights& layer) {
  const PaddedLayer pl(layer);
  const int K = layer.in_features, O = layer.out_features, M = hw.m, N = hw.n;
  const int groups = CeilDiv(K, M);
  for (size_t idx = 0; idx < layer.keep.size(); ++idx) {
    const int o = static_cast<int>(idx / K), i = static_cast<int>(idx % K);
    if (layer.keep[idx] > 1) {
      RequireInRange(fmt::format("layer mask [{}][{}]", o, i), layer.keep[idx], 0, 1, "");
    }
    if (layer.keep[idx] && !FitsSigned(layer.weights[idx], config.w_bits())) {
      RequireSigned(fmt::format("layer weight [{}][{}]", o, i), layer.weights[idx], config.w_bits(),
                    fmt::format("W = {}", config.w_bits()));
    }
  }
  for (int o = 0; o < O; ++o) {
    for (int g = 0; g < groups; ++g) {
      int kept = 0;
      for (int i = g * M; i < (g + 1) * M; ++i) kept += pl.kept(o, i);
      if (kept > N) {
        throw Error(
            fmt::format("layer row {}, input group {} (inputs {}..{}) keeps {} weights: N:M {} "
                        "keeps at most {}",
                        o, g, g * M, std::min(K, (g + 1) * M) - 1, kept, hw.ToString(), N));
      }
    }
  }
  const int G = config.sel_group();
  std::vector<int> mult;
  for (int o0 = 0; o0 < O; o0 += G) {
    for (int g = 0; g < groups; ++g) {
      const int need = SlotsNeeded(pl, hw, G, g, o0, &mult);
      if (need > N) {
        throw Error(fmt::format(
            "mask not legal for select group G = {}: layer rows {}..{}, input group {} (inputs "
            "{}..{}) need {} slots (max kept per pair, summed over pairs), N:M {} has N = {}",
            G, o0, std::min(O, o0 + G) - 1, g, g * M, std::min(K, (g + 1) * M) - 1, need,
            hw.ToString(), N));
      }
    }
  }
}

struct Slot {
  enum Kind { kSingle, kElement0, kElement1, kUnused };
  int pair = 0;
  Kind kind = kUnused;
  int first_e = 0;  // element of the select group's first output (sort key)

  // Element this slot picks for output o of input group g.
  int Element(const PaddedLayer& pl, int m, int g, int o) const {
    switch (kind) {
      case kSingle:
        return pl.kept(o, g * m + 2 * pair + 1) ? 1 : 0;
      case kElement1:
        return 1;
      default:
        return 0;
    }
  }
};

// Encodes input group g (tile row r) for the G outputs starting at o0, which
// are tile columns q*G.. of block b.
void EncodeSelectGroup(const PaddedLayer& pl, const NmPattern& hw, int G, int g, int o0, int r,
                       int b, int q, MacroStorage& storage) {
  std::vector<int> mult;
  SlotsNeeded(pl, hw, G, g, o0, &mult);
  std::vector<Slot> slots;
  for (int p = 0; p < hw.m / 2; ++p) {
    if (mult[p] == 1) slots.push_back({p, Slot::kSingle, 0});
    if (mult[p] == 2) {
      slots.push_back({p, Slot::kElement0, 0});
      slots.push_back({p, Slot::kElement1, 0});
    }
  }
  while (static_cast<int>(slots.size()) < hw.n) slots.push_back({0, Slot::kUnused, 0});
  for (Slot& s : slots) s.first_e = s.Element(pl, hw.m, g, o0);
  std::stable_sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& z) {
    const bool au = a.kind == Slot::kUnused, zu = z.kind == Slot::kUnused;
    return std::tie(a.pair, a.first_e, au) < std::tie(z.pair, z.first_e, zu);
  });
  for (int j = 0; j < hw.n; ++j) {
    const Slot& s = slots[j];
    const int k = b * hw.n + j;
    storage.SetSelect(k, r, q, s.pair);
    for (int c = 0; c < G; ++c) {
      const int o = o0 + c;
      const int e = s.kind == Slot::kUnused ? 0 : s.Element(pl, hw.m, g, o);
      const int32_t w = s.kind == Slot::kUnused ? 0 : pl.weight(o, g * hw.m + 2 * s.pair + e);
      storage.SetElement(k, r, q * G + c, e);
      storage.SetWeight(k, r, q * G + c, w);
    }
  }
}

}  // namespace

void RequireLegalMask(const MacroConfig& config, const NmPattern& pattern,
                      const LayerWeights& layer) {
  pattern.RequireSupportedBy(config, "pattern");
  const NmPattern hw = pattern.Hardware();
  RequireShapes(layer);
  CheckMask(config, hw, layer);
}

TileGrid LayerTileGrid(const MacroConfig& config, const NmPattern& pattern, int out_features,
                       int in_features) {
  pattern.RequireSupportedBy(config, "pattern");
  if (out_features < 1 || in_features < 1) {
    throw UsageError(fmt::format("layer {}x{}: needs at least one output and one input",
                                 out_features, in_features));
  }
  const NmPattern hw = pattern.Hardware();
  return {CeilDiv(in_features, config.rows() * hw.m),
          CeilDiv(out_features, (config.subs() / hw.n) * config.cols())};
}

TiledLayer EncodeLayer(const MacroConfig& config, const NmPattern& pattern,
                       const LayerWeights& layer) {
  RequireLegalMask(config, pattern, layer);
  const NmPattern hw = pattern.Hardware();
  const PaddedLayer pl(layer);
  const int R = config.rows(), C = config.cols(), G = config.sel_group();
  const TileGrid grid = LayerTileGrid(config, pattern, layer.out_features, layer.in_features);
  TiledLayer out{config, hw, layer.out_features, layer.in_features, grid.k_tiles, grid.o_tiles, {}};
  out.tiles.reserve(static_cast<size_t>(out.k_tiles) * out.o_tiles);
  for (int ot = 0; ot < out.o_tiles; ++ot) {
    for (int kt = 0; kt < out.k_tiles; ++kt) {
      MacroTile tile{kt,
                     ot,
                     kt * out.inputs_per_tile(),
                     std::min(layer.in_features, (kt + 1) * out.inputs_per_tile()),
                     ot * out.outputs_per_tile(),
                     std::min(layer.out_features, (ot + 1) * out.outputs_per_tile()),
                     MacroStorage(config)};
      for (int r = 0; r < R; ++r) {
        const int g = kt * R + r;
        for (int b = 0; b < config.subs() / hw.n; ++b) {
          for (int q = 0; q < config.select_groups(); ++q) {
            const int o0 = tile.out_begin + b * C + q * G;
            EncodeSelectGroup(pl, hw, G, g, o0, r, b, q, tile.storage);
          }
        }
      }
      out.tiles.push_back(std::move(tile));
    }
  }
  return out;
}

}  // namespace flexcim::golden
