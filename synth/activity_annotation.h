// Measured register activity for Debian's OpenSTA, which honours activity
// only at input ports (docs/PPA.md): in a flattened netlist, every
// sequential cell (flip-flop or latch) whose output net has a measured toggle
// rate gets its D input cut from its driver and tied to a new top-level
// input port instead; OpenSTA then gives the cell's output the port's rate
// (a register's output takes its D activity) and propagates it through the
// logic it drives. Stationary weights thus toggle only as often as they
// were rewritten, instead of as often as the write data bus.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace flexcim::synth {

struct ActivityCut {
  std::string netlist;                  // the rewritten Verilog
  std::map<std::string, double> ports;  // new input port -> toggle rate
  int sequential_cells = 0;             // sequential cells with a D and a Q pin
  int annotated_cells = 0;              // of which had a measured rate
};

// `netlist`: a flattened Yosys `write_verilog -noattr` netlist whose top
// module is `top`. `rates`: toggles per bit per clock by net name
// ("u_sub0.u_storage.g_row[3].w_q[5]", verif/toggle_rates_vcd.h); Yosys's
// escaped names are matched without '\' and blanks. `sequential_cells`:
// names of liberty cells that hold state (LibertyCells::sequential). New
// ports are named flexcim_act_<n>. Throws flexcim::Error when the top module
// is missing.
ActivityCut CutRegisterInputs(const std::string& netlist, const std::string& top,
                              const std::map<std::string, double>& rates,
                              const std::set<std::string>& sequential_cells);

}  // namespace flexcim::synth
