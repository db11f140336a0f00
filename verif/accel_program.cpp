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

AccelProgram BuildAccelProgram(const AccelConfig& c, const golden::TiledLayer& layer,
                               const golden::LayerWeights& weights, const std::string& layer_name,
                               const std::vector<int32_t>& x, int tokens, golden::Schedule schedule) {
  if (c.arch() != Arch::kFlexcim) {
    throw Error(fmt::format("accelerator program: {} layers are not supported yet (flexcim only)", ArchName(c.arch())));
  }
  if (schedule == golden::Schedule::kParallelPorts) {
    throw UsageError("--schedule parallel-ports: the accelerator has one weight port (serial or overlapped)");
  }
  const int K = layer.in_features;
  if (x.size() != static_cast<size_t>(tokens) * K) {
    throw Error(fmt::format("layer {}: {} activations for {} tokens x K = {}", layer_name, x.size(), tokens, K));
  }
  const ArchConfig design(Arch::kFlexcim, c.macro());
  const std::vector<InputPin> pins = InputPins(design);
  const InputPin &pin_w = PinOf(pins, PinField::kWrW), &pin_e = PinOf(pins, PinField::kWrE),
                 &pin_sel = PinOf(pins, PinField::kWrSel), &pin_act = PinOf(pins, PinField::kInAct);
  const MacroConfig& m = c.macro();
  AccelProgram prog;
  prog.layer = layer_name;
  prog.tokens = tokens;
  prog.overlap = schedule == golden::Schedule::kOverlapped;
  const int64_t T = tokens;
  for (int kt = 0; kt < layer.k_tiles; ++kt) {
    for (int ot = 0; ot < layer.o_tiles; ++ot) {
      const golden::MacroTile& tile = layer.tile(ot, kt);
      TileDescriptor d;
      d.wbase = static_cast<int64_t>(prog.wbuf.size());
      d.abase = kt * T;
      d.orow = ot * T;
      d.nlog2 = layer.nlog2();
      d.first = kt == 0;
      prog.descriptors.push_back(d);
      for (int k = 0; k < m.subs(); ++k) {
        for (int r = 0; r < m.rows(); ++r) {
          golden::CycleInput in;
          for (int col = 0; col < m.cols(); ++col) {
            in.wr_w.push_back(tile.storage.weight(k, r, col));
            in.wr_e.push_back(static_cast<uint8_t>(tile.storage.element(k, r, col)));
          }
          for (int q = 0; q < m.select_groups(); ++q) in.wr_sel.push_back(tile.storage.select(k, r, q));
          Words word;
          int at = 0;
          AppendBits(word, at, pin_w.Bits(in), c.w_field_bits());
          AppendBits(word, at, pin_e.Bits(in), c.e_field_bits());
          AppendBits(word, at, pin_sel.Bits(in), c.sel_field_bits());
          word.resize(static_cast<size_t>(WordsFor(c.row_bits())), 0);
          prog.wbuf.push_back(std::move(word));
        }
      }
    }
  }
  for (int kt = 0; kt < layer.k_tiles; ++kt) {
    for (int t = 0; t < tokens; ++t) {
      const std::vector<int32_t> token(x.begin() + t * K, x.begin() + (t + 1) * K);
      golden::CycleInput in;
      in.in_act = golden::LayerActivationsToWindows(layer, kt, token);
      prog.abuf.push_back(pin_act.Bits(in));
    }
  }
  CheckAccelDescriptors(c, layer_name, prog.descriptors, layer.k_tiles * static_cast<int64_t>(layer.o_tiles),
                        tokens);
  if (static_cast<int64_t>(prog.wbuf.size()) > c.params().wbuf_rows ||
      static_cast<int64_t>(prog.abuf.size()) > c.params().abuf_words) {
    throw Error(fmt::format("layer {}: {} weight rows and {} activation words overrun the buffers ({} rows, {} words)",
                            layer_name, prog.wbuf.size(), prog.abuf.size(), c.params().wbuf_rows,
                            c.params().abuf_words));
  }
  for (int t = 0; t < tokens; ++t) {
    const std::vector<int32_t> token(x.begin() + t * K, x.begin() + (t + 1) * K);
    const std::vector<int32_t> y = golden::MaskedLayerGemv(weights, token);
    for (int ot = 0; ot < layer.o_tiles; ++ot) {
      const golden::MacroTile& tile = layer.tile(ot, 0);
      for (int o = tile.out_begin; o < tile.out_end; ++o) {
        prog.expected.emplace_back((ot * T + t) * c.out_lanes() + (o - tile.out_begin), y[static_cast<size_t>(o)]);
      }
    }
  }
  const golden::MacroTiming timing = golden::MacroTiming::For(Arch::kFlexcim, m);
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
