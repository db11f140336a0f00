// Power per report component (the area table's components), from OpenSTA's
// per-instance power on the flattened netlist: each leaf instance name
// ("u_sub0.u_storage.g_row[1].w_q_$_DFF_P__Q") is walked down the
// hierarchical netlist's instances to the module that owns it, whose
// component rule (synth/component_map.h) and the cell's kind (sequential or
// not) give its component, as for area. Debian's OpenSTA reports 0 for
// hierarchical instances, hence the flattened netlist.
#pragma once

#include <map>
#include <string>

#include "synth/area_breakdown.h"
#include "synth/liberty_cells.h"

namespace flexcim::synth {

// module -> (instance name -> module or cell type), from a Yosys
// `write_verilog -noattr` netlist.
using NetlistHierarchy = std::map<std::string, std::map<std::string, std::string>>;
NetlistHierarchy ParseNetlistHierarchy(const std::string& hierarchical_netlist);

// Leaf instance path -> liberty cell type, from a flattened netlist written
// with `write_verilog -norename` (cells Yosys created inside a flattened
// instance are named "$flatten\u_sub0.\u_dist.$abc$..."; paths drop the
// "$flatten" and the backslashes: "u_sub0.u_dist.$abc$...").
std::map<std::string, std::string> ParseLeafCells(const std::string& flat_netlist);

// "internal switching leakage total name" lines of `report_power
// -instances` (W) -> leaf instance path (as above) -> total mW.
std::map<std::string, double> ParseInstancePower(const std::string& sta_output);

// The module that owns a leaf instance, named by its path from the top:
// OpenSTA's "u_sub0/g_col[1].u_mul/_42_" on a hierarchical netlist or a
// flattened name "u_sub0.g_col[1].u_mul.$abc$..." (`top` when no instance
// prefix matches).
std::string OwningModule(const NetlistHierarchy& hierarchy, const std::string& top, const std::string& leaf);

// Every ComponentOrder key -> mW. A leaf's cell type comes from
// `leaf_cells` (flattened netlist) or else from its owning module's
// instances in `hierarchy`; hierarchical instances are skipped. Throws
// flexcim::Error for a cell type the liberty lacks.
std::map<std::string, double> PowerByComponent(const NetlistHierarchy& hierarchy, const std::string& top,
                                               const std::map<std::string, std::string>& leaf_cells,
                                               const std::map<std::string, double>& instance_power_mw,
                                               const LibertyCells& cells, const AreaBreakdownOptions& options);

}  // namespace flexcim::synth
