// Tile mapping and canonical encoding (FLEXCIM.md section 4): an N:M-pruned
// layer y = W x (W is O_out x K) cut into macro tiles.
//
// - The macro runs pattern.Hardware() (dense N = M runs as 2:2).
// - A tile covers R input groups of M inputs (R*M inputs) and (P/N)*C
//   outputs; a layer needs ceil(K/(R*M)) x ceil(O_out/((P/N)*C)) tiles.
//   K is padded with zero inputs to a multiple of M (and to whole tiles),
//   O_out with zero outputs to whole tiles.
// - Row r of a tile holds the tile's input group r, window x[r][0..M-1].
// - Output block b < P/N (tile outputs b*C .. b*C+C-1) is served by
//   sub-macros b*N .. b*N+N-1: sub-macro k = b*N + j holds slot j.
//
// Slots of one (input group, select group of G outputs): with
// cnt_o(p) = kept positions of output o in pair p (positions 2p, 2p+1),
// pair p gets mult(p) = max over the G outputs of cnt_o(p) slots, taken in
// pair order; the mask is legal for G iff sum_p mult(p) <= N. Then:
// - mult(p) = 1: one slot of pair p; per output e = the element it keeps in
//   pair p (e = 0 with weight 0 when it keeps none);
// - mult(p) = 2: two slots of pair p, one with e = 0 and one with e = 1 for
//   every output (weight 0 where that position is not kept);
// - the N - sum_p mult(p) unused slots: pair 0, e = 0, weight 0 (the
//   smallest pair; pair 0 is always legal).
// Slots are sorted (stable) by (pair, e of the select group's first output,
// used before unused) and slot j goes to sub-macro b*N + j. Padding outputs
// and padding groups have no kept positions, so all their slots are unused.
// The result is canonical: the same layer always gives the same bits.
#pragma once

#include <cstdint>
#include <vector>

#include "core/macro_config.h"
#include "core/nm_pattern.h"
#include "golden/macro_storage.h"

namespace flexcim::golden {

// A layer as the pruner hands it to the mapper.
struct LayerWeights {
  int out_features = 0;          // O_out
  int in_features = 0;           // K
  std::vector<int32_t> weights;  // O_out x K, row-major, signed W-bit (kept ones checked)
  std::vector<uint8_t> keep;     // O_out x K, row-major, 1 = kept, 0 = pruned
};

struct MacroTile {
  int k_tile = 0;    // tile index along K
  int o_tile = 0;    // tile index along the outputs
  int in_begin = 0;  // layer inputs [in_begin, in_end) (clipped to K)
  int in_end = 0;
  int out_begin = 0;  // layer outputs [out_begin, out_end) (clipped to O_out);
  int out_end = 0;    // layer output out_begin + b*C + c is macro lane b*C + c
  MacroStorage storage;

  bool operator==(const MacroTile&) const = default;
};

struct TiledLayer {
  MacroConfig config;
  NmPattern pattern;  // the hardware pattern (dense -> 2:2)
  int out_features = 0;
  int in_features = 0;
  int k_tiles = 0;
  int o_tiles = 0;
  std::vector<MacroTile> tiles;  // tiles[o_tile * k_tiles + k_tile]

  int nlog2() const { return Log2Exact(pattern.n); }                 // in_nlog2 of every vector
  int inputs_per_tile() const { return config.rows() * pattern.m; }  // R*M
  int outputs_per_tile() const { return (config.subs() / pattern.n) * config.cols(); }
  const MacroTile& tile(int o_tile, int k_tile) const { return tiles[o_tile * k_tiles + k_tile]; }

  bool operator==(const TiledLayer&) const = default;
};

// How many tiles a layer of O_out x K needs for `pattern` (run as
// pattern.Hardware()): ceil(K/(R*M)) along K times ceil(O_out/((P/N)*C))
// along the outputs. Throws UsageError when the macro cannot run the pattern
// or a size is < 1.
struct TileGrid {
  int k_tiles = 0;
  int o_tiles = 0;
  int64_t count() const { return static_cast<int64_t>(k_tiles) * o_tiles; }
};
TileGrid LayerTileGrid(const MacroConfig& config, const NmPattern& pattern, int out_features,
                       int in_features);

// Checks the layer and encodes every tile. Throws:
// - UsageError when `pattern` does not run on `config` (NmPattern's message,
//   flag "pattern") or the layer's sizes do not match;
// - flexcim::Error for a mask byte not 0/1, a kept weight outside W bits,
//   a group keeping more than N, or a mask not legal for G:
//   "mask not legal for select group G = 16: layer rows 0..15, input group 3
//   (inputs 24..31) need 3 slots (max kept per pair, summed over pairs), N:M
//   2:8 has N = 2"
TiledLayer EncodeLayer(const MacroConfig& config, const NmPattern& pattern,
                       const LayerWeights& layer);

// The legality check alone (N per group and the select-group rule above):
// throws exactly what EncodeLayer throws for the mask, does nothing when legal.
void RequireLegalMask(const MacroConfig& config, const NmPattern& pattern,
                      const LayerWeights& layer);

}  // namespace flexcim::golden
