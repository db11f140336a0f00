// ReadVcdHeader: the definitions of a VCD (a Verilator trace of a design,
// `flexcim verify --trace`) up to $enddefinitions, one call per $var inside
// the top module with its name as a flattened Yosys netlist names it: the
// scope path below the top module joined with '.', then the signal
// ("u_sub0.u_storage.g_row[3].w_q"). The top module's scope is the first
// scope, or the second when Verilator wraps it in "TOP" or in a scope of
// the top's own name; $vars outside it are skipped. Every alias of a net
// (Verilator gives them one id code) is its own call with the same id.
// Shared by the toggle-rate reader (verif/toggle_rates_vcd.h) and the
// per-operation activity reader (verif/operation_activity_vcd.h).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>

namespace flexcim::verif {

struct VcdVarDefinition {
  std::string id;    // the VCD id code
  std::string path;  // scopes below the top module, each followed by '.' ("" at the top level)
  std::string name;  // the signal's own name
  int width = 1;
  bool vector = false;  // declared with a [msb:lsb] / [bit] range: bits are named "[bit]"
  int lsb = 0;          // index of the rightmost bit
  std::string FullName() const { return path + name; }
  bool top_level() const { return path.empty(); }
};

// Reads lines up to and including $enddefinitions (or the end of the
// stream) and returns how many lines it read. Throws flexcim::Error
// "VCD line <n>: malformed $var" for a $var without a type, a positive
// width, an id and a name.
int64_t ReadVcdHeader(std::istream& vcd, const std::function<void(const VcdVarDefinition&)>& on_var);

}  // namespace flexcim::verif
