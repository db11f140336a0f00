#include "verif/accel_program.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/arch_config.h"
#include "core/errors.h"
#include "golden/arch_mapping.h"
#include "golden/cycle_input.h"
#include "golden/layer_runner.h"
#include "verif/input_pins.h"

namespace flexcim::verif {

namespace {

// Appends the low `width` bits of `bits` to `out` at bit `at`.
void AppendBits(Words& out, int& at, const Words& bits, int width) {
  for (int b = 0; b < width; ++b, ++at) {
    const uint32_t bit = (bits[static_cast<size_t>(b / 32)] >> (b % 32)) & 1u;
    if (static_cast<size_t>(at / 32) >= out.size()) out.push_back(0);
    out[static_cast<size_t>(at / 32)] |= bit << (at % 32);
  }
}

const InputPin& PinOf(const std::vector<InputPin>& pins, PinField field) {
  for (const InputPin& p : pins) {
    if (p.field == field) return p;
  }
  throw Error("accelerator program: the macro has no such pin");
}

std::string TileName(const std::string& layer, size_t j) { return fmt::format("layer {}: tile {}", layer, j); }

}  // namespace

void CheckAccelDescriptors(const AccelConfig& c, const std::string& layer,
                           const std::vector<TileDescriptor>& descriptors, int64_t loaded_tiles, int tokens) {
  const AccelParams& p = c.params();
  if (descriptors.size() > static_cast<size_t>(p.descriptors)) {
    throw Error(fmt::format("layer {}: {} tiles, the descriptor file holds {} (--descriptors)", layer,
                            descriptors.size(), p.descriptors));
  }
  if (tokens < 1 || tokens > p.max_tokens) {
    throw Error(fmt::format("layer {}: {} tokens, a run takes 1..{} (--max-tokens)", layer, tokens, p.max_tokens));
  }
  const int64_t rows = c.tile_rows();
  for (size_t j = 0; j < descriptors.size(); ++j) {
    const TileDescriptor& d = descriptors[j];
    if (d.wbase < 0 || d.wbase + rows > p.wbuf_rows) {
      throw Error(fmt::format("{}: weight rows {}..{} overrun the weight buffer ({} rows)", TileName(layer, j),
                              d.wbase, d.wbase + rows - 1, p.wbuf_rows));
    }
    if (d.wbase % rows != 0 || d.wbase / rows >= loaded_tiles) {
      throw Error(fmt::format("{}: weight rows {}..{} are not a tile of the weight-buffer image ({} tiles at "
                              "multiples of {} rows): missing tile",
                              TileName(layer, j), d.wbase, d.wbase + rows - 1, loaded_tiles, rows));
    }
    if (d.abase < 0 || d.abase + tokens > p.abuf_words) {
      throw Error(fmt::format("{}: activation words {}..{} overrun the activation buffer ({} words)",
                              TileName(layer, j), d.abase, d.abase + tokens - 1, p.abuf_words));
    }
    if (d.orow < 0 || d.orow + tokens > p.obuf_rows) {
      throw Error(fmt::format("{}: output rows {}..{} overrun the output buffer ({} rows)", TileName(layer, j),
                              d.orow, d.orow + tokens - 1, p.obuf_rows));
    }
    if (d.nlog2 < 0 || d.nlog2 > c.max_nlog2()) {
      throw Error(fmt::format("{}: log2 N = {} is a pattern {} cannot run (log2 N <= {})", TileName(layer, j),
                              d.nlog2, c.MacroName(), c.max_nlog2()));
    }
    for (size_t i = j > static_cast<size_t>(c.macros() - 1) ? j - (c.macros() - 1) : 0; i < j; ++i) {
      const TileDescriptor& e = descriptors[i];
      if (e.orow < d.orow + tokens && d.orow < e.orow + tokens) {
        throw Error(fmt::format("{}: writes output rows {}..{} like tile {}, fewer than Q = {} tiles before it "
                                "(they may run at once)",
                                TileName(layer, j), d.orow, d.orow + tokens - 1, i, c.macros()));
      }
    }
  }
}

nlohmann::json AccelProgram::ToJson(const AccelConfig& c) const {
  nlohmann::json j;
  j["layer"] = layer;
  j["tokens"] = tokens;
  j["overlap"] = overlap;
  j["wbuf"] = wbuf;
  j["abuf"] = abuf;
  std::vector<uint64_t> packed;
  for (const TileDescriptor& d : descriptors) packed.push_back(c.PackDescriptor(d));
  j["descriptors"] = packed;
  j["expected"] = expected;
  j["expected_cycles"] = expected_cycles;
  return j;
}

AccelProgram BuildAccelProgram(const AccelConfig& c, const golden::ArchMappedLayer& layer,
                               const golden::LayerWeights& weights, const std::string& layer_name,
                               const std::vector<int32_t>& x, int tokens, golden::Schedule schedule) {
  if (schedule == golden::Schedule::kParallelPorts) {
    throw UsageError("--schedule parallel-ports: the accelerator has one weight port (serial or overlapped)");
  }
  if (layer.plan.arch != c.arch()) throw Error("accelerator program: the layer is mapped for another architecture");
  const golden::ArchLayerPlan& plan = layer.plan;
  const int K = plan.in_features;
  if (x.size() != static_cast<size_t>(tokens) * K) {
    throw Error(fmt::format("layer {}: {} activations for {} tokens x K = {}", layer_name, x.size(), tokens, K));
  }
  const ArchConfig design(c.arch(), c.macro());
  const std::vector<InputPin> pins = InputPins(design);
  const InputPin& pin_w = PinOf(pins, PinField::kWrW);
  const InputPin& pin_act = PinOf(pins, PinField::kInAct);
  const MacroConfig& m = c.macro();
  const bool flexcim = layer.flexcim.has_value();
  AccelProgram prog;
  prog.layer = layer_name;
  prog.tokens = tokens;
  prog.overlap = schedule == golden::Schedule::kOverlapped;
  const int64_t T = tokens;
  // One weight-buffer word from a row write's lanes.
  auto add_row = [&](const golden::CycleInput& in) {
    Words word;
    int at = 0;
    AppendBits(word, at, pin_w.Bits(in), c.w_field_bits());
    if (c.e_field_bits() > 0) AppendBits(word, at, PinOf(pins, PinField::kWrE).Bits(in), c.e_field_bits());
    if (c.sel_field_bits() > 0) AppendBits(word, at, PinOf(pins, PinField::kWrSel).Bits(in), c.sel_field_bits());
    word.resize(static_cast<size_t>(WordsFor(c.row_bits())), 0);
    prog.wbuf.push_back(std::move(word));
  };
  for (int kt = 0; kt < plan.k_tiles; ++kt) {
    for (int ot = 0; ot < plan.o_tiles; ++ot) {
      TileDescriptor d;
      d.wbase = static_cast<int64_t>(prog.wbuf.size());
      d.abase = kt * T;
      d.orow = ot * T;
      d.nlog2 = flexcim ? layer.flexcim->nlog2() : 0;
      d.first = kt == 0;
      prog.descriptors.push_back(d);
      if (flexcim) {
        const golden::MacroTile& tile = layer.flexcim->tile(ot, kt);
        for (int k = 0; k < m.subs(); ++k) {
          for (int r = 0; r < m.rows(); ++r) {
            golden::CycleInput in;
            for (int col = 0; col < m.cols(); ++col) {
              in.wr_w.push_back(tile.storage.weight(k, r, col));
              in.wr_e.push_back(static_cast<uint8_t>(tile.storage.element(k, r, col)));
            }
            for (int q = 0; q < m.select_groups(); ++q) in.wr_sel.push_back(tile.storage.select(k, r, q));
            add_row(in);
          }
        }
      } else {
        const golden::BaselineTile& tile = layer.baseline_tiles[static_cast<size_t>(ot * plan.k_tiles + kt)];
        const int C = m.cols();
        for (int r = 0; r < c.tile_rows(); ++r) {
          golden::CycleInput in;
          in.wr_w.assign(tile.weights.begin() + r * C, tile.weights.begin() + (r + 1) * C);
          if (c.has_elements()) in.wr_e.assign(tile.elements.begin() + r * C, tile.elements.begin() + (r + 1) * C);
          add_row(in);
        }
      }
    }
  }
  for (int kt = 0; kt < plan.k_tiles; ++kt) {
    for (int t = 0; t < tokens; ++t) {
      const std::vector<int32_t> token(x.begin() + t * K, x.begin() + (t + 1) * K);
      golden::CycleInput in;
      in.in_act = flexcim ? golden::LayerActivationsToWindows(*layer.flexcim, kt, token)
                          : golden::BaselineTileActivations(layer, layer.baseline_tiles[static_cast<size_t>(kt)], token);
      prog.abuf.push_back(pin_act.Bits(in));
    }
  }
  CheckAccelDescriptors(c, layer_name, prog.descriptors, plan.tiles(), tokens);
  // Outputs of o-tile ot: [out_begin, out_end), lane o - out_begin.
  auto out_range = [&](int ot) -> std::pair<int, int> {
    if (flexcim) {
      const golden::MacroTile& t = layer.flexcim->tile(ot, 0);
      return {t.out_begin, t.out_end};
    }
    const golden::BaselineTile& t = layer.baseline_tiles[static_cast<size_t>(ot * plan.k_tiles)];
    return {t.out_begin, t.out_end};
  };
  for (int t = 0; t < tokens; ++t) {
    const std::vector<int32_t> token(x.begin() + t * K, x.begin() + (t + 1) * K);
    const std::vector<int32_t> y = golden::MaskedLayerGemv(weights, token);
    for (int ot = 0; ot < plan.o_tiles; ++ot) {
      const auto [begin, end] = out_range(ot);
      for (int o = begin; o < end; ++o) {
        prog.expected.emplace_back((ot * T + t) * c.out_lanes() + (o - begin), y[static_cast<size_t>(o)]);
      }
    }
  }
  const golden::MacroTiming timing = golden::MacroTiming::For(c.arch(), m);
  prog.expected_cycles = golden::StreamedLayerCycles(timing, static_cast<int64_t>(prog.descriptors.size()),
                                                     c.macros(), tokens, schedule) +
                         2;  // gen::kAccelStartCycles (docs/ACCEL.md "Cycles")
  return prog;
}

RandomAccelLayer MakeRandomAccelLayer(const MacroConfig& config, const NmPattern& pattern, int out, int in,
                                      int tokens, std::mt19937_64& rng) {
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  const NmPattern hw = pattern.Hardware();
  const int M = hw.m, G = config.sel_group();
  RandomAccelLayer r;
  golden::LayerWeights& l = r.weights;
  l.out_features = out;
  l.in_features = in;
  l.weights.resize(static_cast<size_t>(out) * in);
  l.keep.assign(l.weights.size(), 0);
  const int64_t wlo = -(int64_t{1} << (config.w_bits() - 1)), whi = (int64_t{1} << (config.w_bits() - 1)) - 1;
  for (auto& w : l.weights) w = static_cast<int32_t>(uniform(wlo, whi));
  for (int o0 = 0; o0 < out; o0 += G) {
    for (int g0 = 0; g0 < in; g0 += M) {
      // N slots (pair, element) shared by the select group's outputs.
      std::vector<int> slots(static_cast<size_t>(M));
      for (int i = 0; i < M; ++i) slots[static_cast<size_t>(i)] = i;
      std::shuffle(slots.begin(), slots.end(), rng);
      for (int s = 0; s < hw.n; ++s) {
        const int i = g0 + slots[static_cast<size_t>(s)];
        if (i >= in) continue;
        for (int o = o0; o < std::min(o0 + G, out); ++o) l.keep[static_cast<size_t>(o) * in + i] = 1;
      }
    }
  }
  const int64_t alo = -(int64_t{1} << (config.a_bits() - 1)), ahi = (int64_t{1} << (config.a_bits() - 1)) - 1;
  r.x.resize(static_cast<size_t>(tokens) * in);
  for (auto& a : r.x) a = static_cast<int32_t>(uniform(alo, ahi));
  return r;
}

}  // namespace flexcim::verif
