// Mapping one pruned layer onto a macro of any architecture (FLEXCIM.md
// sections 4 and 6) with the same configuration: FlexCiM (tile_mapping.h),
// the dense DCiM baseline and the fixed 1:2 sparse DCiM baseline. See
// docs/PERF.md "Mapping on every architecture".
//
// - flexcim: the pattern's own tiles (EncodeLayer): R*M inputs x (P/N)*C
//   outputs per tile. The pattern must be one the macro runs.
// - dense: the masked weights as a dense matrix: P*R inputs x C outputs per
//   tile (array row r = tile input r, lane r of in_act).
// - sparse12, native 1:2: only when, in the whole layer, no output keeps
//   both elements of an input pair (2i, 2i+1). Array row r holds pair r of
//   the tile (2*P*R inputs x C outputs): the kept weight (0 when none) and
//   its element bit.
// - sparse12, dense mode (any other layer): each pair over two rows, rows
//   2i and 2i+1 both fed pair i, element bits 0 and 1: P*R inputs x C
//   outputs per tile, like the dense macro.
// Compatibility is judged per layer (not per tile) so that every tile of a
// layer covers the same inputs and the K accumulation is the same as on the
// other architectures; docs/PERF.md gives the reasons and the cost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/baseline_config.h"
#include "core/macro_config.h"
#include "core/nm_pattern.h"
#include "golden/tile_mapping.h"

namespace flexcim::golden {

// The timing of one macro: what the system model needs (FLEXCIM.md 5, 5b).
struct MacroTiming {
  int tile_load_cycles = 0;     // rows written per tile, one per cycle
  int pipeline_latency = 0;     // L of FLEXCIM.md 5b
  int initiation_interval = 1;  // cycles between two input vectors
  int write_latency = 1;        // Lw of FLEXCIM.md 5b: the first vector comes Lw cycles after the last row
  int row_bits = 0;             // bits written per row write (weights + metadata)
  int64_t cells = 0;            // weight cells of the macro

  static MacroTiming For(Arch arch, const MacroConfig& config);
  // Cycles after a tile's last row write in which no vector may come: Lw - 1.
  int write_settle_cycles() const { return write_latency - 1; }
};

enum class ArchMode { kFlexcim, kDense, kSparse12Native, kSparse12DenseMode };

// How a layer of a given shape and pattern runs on one architecture
// (counts only; MapArchLayer builds the tiles).
struct ArchLayerPlan {
  Arch arch = Arch::kFlexcim;
  ArchMode mode = ArchMode::kFlexcim;
  NmPattern pattern;            // the layer's pattern (as pruned)
  NmPattern hardware_pattern;   // flexcim: what the macro is programmed with
  int out_features = 0;
  int in_features = 0;
  int inputs_per_tile = 0;
  int outputs_per_tile = 0;
  int k_tiles = 0;
  int o_tiles = 0;

  int64_t tiles() const { return static_cast<int64_t>(k_tiles) * o_tiles; }
  // "2:8 as 2:8", "dense", "1:2 native", "dense mode (pairs over two rows)".
  std::string ModeText() const;
};

// The supported set of `arch` on `config`, as error messages print it.
std::string SupportedPatternsText(Arch arch, const MacroConfig& config);

// Throws flexcim::Error when `arch` cannot run `pattern`:
// "layer 0.wq: pattern 1:16 does not run on flexcim p4_r16_c16_g16_a8_w8
// (supported: 1:2, 2:2, 1:4, 2:4, 4:4, 1:8, 2:8, 4:8; N = M runs as 2:2)".
// dense and sparse12 run every N:M (N <= M).
void RequireArchRuns(Arch arch, const MacroConfig& config, const NmPattern& pattern,
                     const std::string& layer_name);

// Counts for a layer known only by its shape and pattern. sparse12 runs it
// natively only when the pattern guarantees at most one kept weight per
// input pair and output (N = 1); a pattern with N >= 2 may keep both of a
// pair, so without a mask it is counted in dense mode.
ArchLayerPlan PlanArchLayer(Arch arch, const MacroConfig& config, const NmPattern& pattern,
                            int out_features, int in_features, const std::string& layer_name);

// True when no output keeps both elements of any input pair (2i, 2i+1).
bool PairsKeepAtMostOne(const LayerWeights& layer);

// Counts for a layer with its mask (sparse12 native iff PairsKeepAtMostOne).
ArchLayerPlan PlanArchLayer(Arch arch, const MacroConfig& config, const NmPattern& pattern,
                            const LayerWeights& layer, const std::string& layer_name);

// One baseline tile: P*R rows x C columns of weights and element bits.
struct BaselineTile {
  int k_tile = 0, o_tile = 0;
  int in_begin = 0, in_end = 0;    // layer inputs (clipped to K)
  int out_begin = 0, out_end = 0;  // layer outputs (clipped to O_out); lane c = out_begin + c
  std::vector<int32_t> weights;    // [row][c]
  std::vector<uint8_t> elements;   // [row][c] (sparse12 only)
};

struct ArchMappedLayer {
  MacroConfig config;
  ArchLayerPlan plan;
  std::optional<TiledLayer> flexcim;  // arch == flexcim
  std::vector<BaselineTile> baseline_tiles;  // tiles[o_tile * k_tiles + k_tile] otherwise

  int64_t tiles() const { return plan.tiles(); }
};

// Encodes every tile. Throws what RequireArchRuns and EncodeLayer throw.
ArchMappedLayer MapArchLayer(Arch arch, const MacroConfig& config, const NmPattern& pattern,
                             const LayerWeights& layer, const std::string& layer_name);

// The in_act lanes of one baseline tile for the layer input x (K values):
// dense lane r = tile input r; sparse12 native lanes 2r, 2r+1 = pair r;
// sparse12 dense mode rows 2i and 2i+1 both fed pair i.
std::vector<int32_t> BaselineTileActivations(const ArchMappedLayer& layer, const BaselineTile& tile,
                                             const std::vector<int32_t>& x);

// y = W x for one token: every tile written into a fresh golden macro of its
// architecture (rows through WriteRow for the baselines), computed, partial
// sums added along K in the 32-bit wraparound accumulator. Equals
// MaskedLayerGemv for every correctly mapped layer.
std::vector<int32_t> RunArchLayer(const ArchMappedLayer& layer, const std::vector<int32_t>& x);

}  // namespace flexcim::golden
