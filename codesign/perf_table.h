// The table of `flexcim perf` (docs/PERF.md): a model's linear layers on Q
// macros of each architecture at equal cells, then at equal area (each
// baseline gets the macros whose total area matches FlexCiM's, from the
// areas of a `flexcim energy` file), as Markdown and JSON. The model-level
// comparison above golden/ (system model, energies) and flow_pruner/ (the
// pruned container); `cli/cmd_perf` only parses flags.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/arch_traits.h"
#include "core/macro_config.h"
#include "flow_pruner/pruned_container.h"
#include "golden/model_layers.h"
#include "golden/perf_model.h"
#include "golden/system_model.h"

namespace flexcim::codesign {

// Every pruned layer of a container with its real masks (sparse12 decides
// native or dense mode per layer from them).
std::vector<golden::ModelLayer> ContainerLayers(const pruner::PrunedContainer& container);

struct PerfTableInputs {
  std::string source;  // what the layers are ("<file>", "llama2-7b (2:4)")
  MacroConfig config = MacroConfig::Default();
  std::vector<golden::ModelLayer> layers;
  std::vector<Arch> archs;
  int macros = 1;
  int64_t tokens = 128;
  golden::Schedule schedule = golden::Schedule::kParallelPorts;
  golden::RunAsPolicy flexcim_run_as = golden::RunAsPolicy::kPruned;
  std::filesystem::path energy_file;  // empty: cycles only
  double buffer_pj_per_bit = golden::kDefaultBufferReadPjPerBit;
  std::string outside;  // with a shape: what stays off the macros
};

struct PerfTable {
  std::string text;     // Markdown table and notes, as `flexcim perf` prints it
  nlohmann::json json;  // one object per architecture, each with "equal_area"
};

// Each architecture at `macros` (equal cells) and, when the energy file
// has its and FlexCiM's areas, at EqualAreaMacros (equal area). Throws
// what EvaluateArch and ReadOperationEnergies throw.
PerfTable BuildPerfTable(const PerfTableInputs& in);

}  // namespace flexcim::codesign
