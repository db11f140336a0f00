// The fan-out of the nets of a hierarchical Yosys netlist (`write_json`),
// counted as generator/fanout_limit.h counts it: cell input pins of the
// mapped netlist, through the module hierarchy (a net that enters a module
// instance counts the loads inside it, once per instance; a net driven
// inside an instance and leaving it counts the loads on both sides). The
// top module's input ports (the clock among them) are driven by the
// environment, an ideal driver in the flow, and are not counted
// (docs/ARCHITECTURE.md "Fan-out").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace flexcim::synth {

struct NetFanout {
  std::string net;  // "<module>.<net>[<bit>]" (the bit only for buses)
  int loads = 0;
};

// The net with the most loads in the design below `top` (the first such
// net in module and name order on a tie). Throws Error naming `top` when
// the netlist has no such module, and naming the module of an instance
// whose ports the netlist does not declare.
NetFanout LargestFanout(const nlohmann::json& yosys_netlist, const std::string& top);

}  // namespace flexcim::synth
