// ArchLayerSchedule: the pin-level stream that runs a mapped layer on the
// macro of any architecture (FLEXCIM.md 4, 5b, 5c, 6), the same stream
// shape for all three so that their simulated energies compare like for
// like: for every tile, in tile order, one write per storage row (FlexCiM:
// P*R sub-macro rows with their element bits and pair selects; dense and
// fixed 1:2: the P*R array rows, wr_row alone), Lw - 1 settle cycles, one
// vector per token II cycles apart, then L idle edges until the last output.
// FlexCiM's stream is golden::ScheduleLayer's. Its length is exactly
// ArchLayerScheduleCycles().
#pragma once

#include <cstdint>
#include <vector>

#include "golden/arch_mapping.h"
#include "golden/cycle_input.h"

namespace flexcim::golden {

// x: tokens x K row-major, signed A-bit (the layer's inputs, the same for
// every architecture).
std::vector<CycleInput> ScheduleArchLayer(const ArchMappedLayer& layer, const std::vector<int32_t>& x,
                                          int tokens);

// tiles x (storage rows + Lw - 1 + (tokens - 1) x II + 1 + L).
int64_t ArchLayerScheduleCycles(const ArchMappedLayer& layer, int tokens);

// Runs `schedule` through a fresh golden cycle model of the layer's
// architecture (MakeArchCycleModel) and adds the valid outputs along K
// (32-bit wraparound, tile order): the layer output (tokens x O_out) as that
// macro computes it. Throws flexcim::Error when the number of valid outputs
// is not tiles x tokens.
std::vector<int32_t> RunArchScheduleOnCycleModel(const ArchMappedLayer& layer, int tokens,
                                                 const std::vector<CycleInput>& schedule);

}  // namespace flexcim::golden
