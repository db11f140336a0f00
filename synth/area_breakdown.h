// AreaBreakdown: Yosys's per-module areas rolled up through the kept
// hierarchy (own area x instances of the module in the whole design) and
// mapped onto report components (synth/component_map.h), each module split
// into flip-flop and combinational area with the liberty's cell areas.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "synth/component_map.h"

#include "synth/liberty_cells.h"
#include "synth/yosys_stat.h"

namespace flexcim::synth {

struct ModuleArea {
  std::string name;
  std::string component;       // component of its combinational area
  long long instances = 0;     // in the whole design under the top
  double own_area = 0;         // one instance, own library cells (Yosys "Chip area")
  double own_seq_area = 0;     // flip-flops/latches of one instance
  double total_area = 0;       // own_area * instances
};

struct AreaBreakdown {
  std::string top;
  double total_area = 0;                         // µm², Yosys "Chip area for top module"
  std::vector<ModuleArea> modules;               // hierarchy order (top first)
  std::map<std::string, double> components;      // component -> µm² (every ComponentOrder key)
  long long sequential_cells = 0;                // flip-flops/latches in the whole design
};

struct AreaBreakdownOptions {
  int w_bits = 8;                 // weight bits per cell
  int element_bits_per_cell = 1;  // 1 for flexcim and sparse12, 0 for dense
};

// Adds one module's combinational and sequential amounts (area, or power)
// to their components by `rule`; cell storage is split into weights and
// element bits by bit count.
void AddToComponents(const ComponentRule& rule, double comb, double seq, const AreaBreakdownOptions& options,
                     std::map<std::string, double>& components);

// Throws flexcim::Error when a cell type is neither a module nor a liberty
// cell (unmapped logic), or when the summed areas disagree with Yosys's top
// total by more than 0.01 µm² per module.
AreaBreakdown ComputeAreaBreakdown(const YosysStat& stat, const LibertyCells& cells,
                                   const AreaBreakdownOptions& options);

}  // namespace flexcim::synth
