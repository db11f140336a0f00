// AccelProgram: one layer made ready for the accelerator's host interface
// (docs/ACCEL.md): the weight-buffer image (every tile's rows), the
// activation-buffer image (one macro input vector per k-tile and token),
// the tile descriptors, and what the run must give: every real output's
// 32-bit value at its output-buffer word (the layer's integer GEMV) and the
// cycle count of the system model. The descriptor list is checked before
// any simulation (CheckAccelDescriptors).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/accel_config.h"
#include "golden/arch_mapping.h"
#include "golden/system_model.h"
#include "golden/tile_mapping.h"
#include "verif/lane_packing.h"

namespace flexcim::verif {

struct AccelProgram {
  std::string layer;
  int tokens = 0;
  bool overlap = false;
  std::vector<Words> wbuf;                 // word i at address i
  std::vector<Words> abuf;                 // word i at address i
  std::vector<TileDescriptor> descriptors;  // in run order
  std::vector<std::pair<int64_t, int32_t>> expected;  // output-buffer word, value
  int64_t expected_cycles = 0;  // start cycle to first done cycle (system model + start cycles)

  nlohmann::json ToJson(const AccelConfig& config) const;
};

// The descriptor list `descriptors` of layer `layer` for `tokens` tokens,
// with `loaded_tiles` tiles' rows in the weight-buffer image (tile i at rows
// i*P*R ..): throws flexcim::Error, naming the layer and the tile, when
// - there are more descriptors than the register file holds, or more tokens
//   than the run allows;
// - a descriptor overruns the weight, activation or output buffer;
// - it names a tile that is not in the weight-buffer image (missing tile);
// - it asks for a pattern the macro cannot run (log2 N above log2 P);
// - two descriptors that may run at once (fewer than Q apart) write the
//   same output rows.
void CheckAccelDescriptors(const AccelConfig& config, const std::string& layer,
                           const std::vector<TileDescriptor>& descriptors, int64_t loaded_tiles, int tokens);

// Tiles in k-major order (tile j = k_tile * o_tiles + o_tile, so that tiles
// fewer than Q apart write different outputs when o_tiles >= Q), tile j's
// rows at j*P*R (any architecture: FlexCiM's sub-macro rows, the
// baselines' array rows), k-tile kt's vector for token t at kt*T + t, o-tile ot's
// outputs for token t at row ot*T + t. x is tokens x K. Checks the
// descriptors (above); the expected values are MaskedLayerGemv of `weights`.
AccelProgram BuildAccelProgram(const AccelConfig& config, const golden::ArchMappedLayer& layer,
                               const golden::LayerWeights& weights, const std::string& layer_name,
                               const std::vector<int32_t>& x, int tokens, golden::Schedule schedule);

// A random layer of out x in with a mask legal for the configuration's
// select group (every aligned set of G outputs shares N slots per group of
// M inputs), weights and activations in range; x is tokens x in.
struct RandomAccelLayer {
  golden::LayerWeights weights;
  std::vector<int32_t> x;
};
RandomAccelLayer MakeRandomAccelLayer(const MacroConfig& config, const NmPattern& pattern, int out, int in,
                                      int tokens, std::mt19937_64& rng);

}  // namespace flexcim::verif
