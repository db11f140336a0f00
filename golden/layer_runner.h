// Running a tiled layer (tile_mapping.h) through the golden compute, and its
// cycle count (FLEXCIM.md sections 4 and 5).
//
// Accumulator: partial sums of the tiles along K are added outside the macro
// in a 32-bit two's-complement accumulator that wraps around: every result is
// the exact integer dot product reduced mod 2^32 into [-2^31, 2^31 - 1]
// (it equals the exact value whenever that fits in int32).
#pragma once

#include <cstdint>
#include <vector>

#include "golden/tile_mapping.h"

namespace flexcim::golden {

enum class LayerEngine { kReference, kFast };  // ReferenceCompute or FastModel

// The R*2P-lane in_act window of tile column `k_tile` for layer input x (K
// values, signed A-bit): x[r][i] = x[(k_tile*R + r)*M + i] for i < M (zero
// past K), x[r][M..2P-1] = 0. Throws flexcim::Error for a wrong size
// ("layer activations: 10 values, must be K = 12") or a value out of range
// ("layer activation x[3] 300: must be in [-128, 127] for A = 8").
std::vector<int32_t> LayerActivationsToWindows(const TiledLayer& layer, int k_tile,
                                               const std::vector<int32_t>& x);

// y = W x for one token: every tile through the golden compute, partial sums
// accumulated along K (32-bit wraparound). Returns O_out values.
std::vector<int32_t> RunLayerOnMacro(const TiledLayer& layer, const std::vector<int32_t>& x,
                                     LayerEngine engine = LayerEngine::kReference);

// `tokens` tokens at once (x: tokens x K row-major; returns tokens x O_out),
// tile-stationary like the hardware: each tile is loaded once and runs every
// token.
std::vector<int32_t> RunLayerOnMacroBatch(const TiledLayer& layer, const std::vector<int32_t>& x,
                                          int tokens, LayerEngine engine = LayerEngine::kFast);

// The plain integer GEMV of the masked weights, y[o] = sum over kept i of
// w[o][i] * x[i], with the same 32-bit wraparound: what RunLayerOnMacro must
// equal.
std::vector<int32_t> MaskedLayerGemv(const LayerWeights& layer, const std::vector<int32_t>& x);

// Layer latency in cycles (FLEXCIM.md 5): sum over tiles of
// (P*R load cycles + Lw - 1 + token cycles + pipeline latency L), token
// cycles = (tokens-1)*II + 1 (tokens for II = 1, 0 without tokens). Per
// tile: rows written in cycles 0..P*R-1, Lw - 1 idle cycles while the last
// write is in flight (FLEXCIM.md 5b), vectors presented II cycles apart from
// cycle P*R + Lw - 1 on, the last output valid L cycles after the last vector (FLEXCIM.md
// 5b), the tile's last cycle; the next tile's first write is in the cycle
// after it. Throws flexcim::Error when `layer` was mapped for
// another configuration or tokens < 0.
int64_t LayerCycles(const MacroConfig& config, const TiledLayer& layer, int64_t tokens);
int64_t LayerCycles(const MacroConfig& config, int64_t tile_count, int64_t tokens);

}  // namespace flexcim::golden
