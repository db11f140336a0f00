// flexcim verify --accel (docs/ACCEL.md "Verification"): generates the
// accelerator, builds its testbench, turns one layer into an AccelProgram
// (refused before any build when its descriptors are bad), runs it on the
// RTL and compares outputs (bit for bit with the integer GEMV) and cycles
// (exactly with the system model).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/accel_config.h"
#include "golden/system_model.h"
#include "golden/tile_mapping.h"
#include "verif/accel_program.h"

namespace flexcim::verif {

struct AccelLayer {
  std::string name;
  NmPattern pattern;
  golden::LayerWeights weights;
  std::vector<int32_t> x;  // tokens x K
  int tokens = 1;
};

// Encodes the layer's tiles and builds its program (throws what EncodeLayer,
// BuildAccelProgram and CheckAccelDescriptors throw).
AccelProgram MakeAccelProgram(const AccelConfig& config, const AccelLayer& layer, golden::Schedule schedule);

struct AccelRunResult {
  int exit_code = 0;    // the testbench's: 0 equal, 3 mismatch
  std::string output;   // its stdout
};

// Writes the design into work/rtl (unchanged files keep their timestamps),
// builds the testbench in work/tb, writes work/<program_name>.json and runs
// it. Throws flexcim::Error when a tool fails.
AccelRunResult RunAccelProgram(const AccelConfig& config, const nlohmann::json& program,
                               const std::filesystem::path& work, const std::string& program_name,
                               const std::function<void(const std::string&)>& progress);

// Several layers (e.g. the linear layers of one decoder block) through one
// accelerator, one run each (buffers and descriptors reloaded per layer):
// every program is built and checked before anything is built or run.
struct AccelLayersResult {
  int exit_code = 0;            // 0 every layer equal, 3 the first layer that disagrees stopped it
  std::vector<std::string> lines;  // "layer <name>: <the testbench's line>" per layer run
  int64_t outputs = 0, cycles = 0;  // sums over the layers that ran equal
};
AccelLayersResult RunAccelLayers(const AccelConfig& config, const std::vector<AccelLayer>& layers,
                                 golden::Schedule schedule, const std::filesystem::path& work,
                                 const std::function<void(const std::string&)>& progress);

}  // namespace flexcim::verif
