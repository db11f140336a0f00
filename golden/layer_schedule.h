// LayerSchedule: the pin-level stream that runs a tiled layer on the macro
// (FLEXCIM.md sections 4 and 5): for every tile, in tile order, P*R row
// writes, then one vector per token back to back, then idle edges until no
// vector is in flight. Its length is exactly LayerCycles(). Accumulating the
// valid outputs (32-bit wraparound along K) gives the layer output, so a
// device that reproduces the cycle model on this stream computes the layer.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "golden/cycle_model.h"
#include "golden/tile_mapping.h"

namespace flexcim::golden {

// x: tokens x K row-major, signed A-bit.
std::vector<CycleInput> ScheduleLayer(const TiledLayer& layer, const std::vector<int32_t>& x,
                                      int tokens);

// What follows a tile's row writes on every architecture: Lw - 1 edges
// while the last write is in flight (FLEXCIM.md 5b), one vector per token
// II edges apart (5c; `vector(t)` gives token t's pins), then L idle edges:
// the last vector's output is valid in the last of them.
void AppendTileVectors(std::vector<CycleInput>& cycles, int write_latency, int initiation_interval, int latency,
                       int tokens, const std::function<CycleInput(int)>& vector);

// The layer output (tokens x O_out) from the valid outputs of the schedule,
// in the order they appeared. Throws flexcim::Error when their number is not
// tiles * tokens.
std::vector<int32_t> AccumulateLayerOutputs(const TiledLayer& layer, int tokens,
                                            const std::vector<std::vector<int64_t>>& outputs);

// Runs `schedule` (from ScheduleLayer) through a fresh CycleModel and
// accumulates its valid outputs: the layer output (tokens x O_out) as the
// macro computes it.
std::vector<int32_t> RunScheduleOnCycleModel(const TiledLayer& layer, int tokens,
                                             const std::vector<CycleInput>& schedule);

}  // namespace flexcim::golden
