// ToggleRatesFromVcd: toggles per bit per clock of every traced signal bit of
// a VCD (a Verilator trace of the design, `flexcim verify --trace`), named
// as in a flattened Yosys netlist: the scope path below the top module
// joined with '.', then the signal, then "[bit]" for vectors, e.g.
// "u_sub0.u_storage.g_row[3].w_q[5]" or "rst_n". Every alias of a net
// (Verilator gives them one id code) gets the same rate. `flexcim synth
// --activity-vcd` hands the rates of the registers' outputs to OpenSTA.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <string>

namespace flexcim::verif {

struct VcdToggleRates {
  std::map<std::string, double> rates;  // toggles per bit per clock cycle
  int64_t clock_cycles = 0;             // rising edges of the clock
};

// The top module's scope is the first scope, or the second when the first is
// Verilator's wrapper "TOP"; signals outside it are ignored. Changes to or
// from x/z are not toggles. Throws flexcim::Error for a VCD without the
// clock, with no rising clock edge, or malformed (naming the line).
VcdToggleRates ToggleRatesFromVcd(std::istream& vcd, const std::string& clock = "clk");

}  // namespace flexcim::verif
