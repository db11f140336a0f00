// Measured register activity on the hierarchical netlist (docs/PPA.md
// "Energy from simulated activity"). Debian's OpenSTA honours activity only
// at input ports, so every sequential cell (flip-flop or latch) with a D and
// a Q pin gets its D input cut from its driver and tied to one bit of a new
// input bus `flexcim_act` of its module; each instantiation of that module
// connects the bits to its parent's `flexcim_act`, up to the top, whose
// `flexcim_act[i]` is then the register at flat position i. OpenSTA gives a
// register's output its D activity, so setting flexcim_act[i] to the
// register's simulated rate (and duty) sets the register's output activity,
// which OpenSTA propagates through the logic it drives.
//
// Unlike a flattened copy (synth/activity_annotation.h), module definitions
// stay shared: the netlist grows by one port connection per module instance,
// so the default macro keeps its hierarchical size.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace flexcim::synth {

struct RegisterPorts {
  std::string netlist;  // the rewritten Verilog
  // Per bit of the top's flexcim_act: the register's output net and the
  // cell, both as flattened names joined with '.'
  // ("u_sub0.u_storage.w_q[5]", "u_sub0.u_storage.w_q_reg_5"), Yosys's
  // escapes removed.
  std::vector<std::string> output_nets, cells;
};

// `netlist`: a hierarchical Yosys `write_verilog -noattr` netlist
// (sta_netlist.v) with top module `top`; `sequential_cells`: the liberty's
// state-holding cells (LibertyCells::sequential). Throws flexcim::Error when
// the top module is missing or the netlist already has a flexcim_act port.
RegisterPorts CutRegistersToPorts(const std::string& netlist, const std::string& top,
                                  const std::set<std::string>& sequential_cells);

}  // namespace flexcim::synth
