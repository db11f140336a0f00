// The Yosys 0.23 synthesis script (one text, written into the work
// directory so a failing run can be repeated by hand).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "synth/latch_policy.h"

namespace flexcim::synth {

struct YosysScriptOptions {
  std::filesystem::path liberty;
  std::vector<std::filesystem::path> verilog_files;  // compile order
  std::string top = "flexcim_top";
  std::filesystem::path stat_out;     // `stat -liberty` text (tee -o)
  std::filesystem::path netlist_out;  // mapped netlist (write_verilog -noattr)
  // The same netlist with every port and wire split into single bits, for
  // OpenSTA 2.0.17, whose Verilog reader rejects the concatenations on the
  // left of `assign` that Yosys writes for bits driven by bits of the same
  // bus (sign extension); empty: not written.
  std::filesystem::path sta_netlist_out;
  // The STA netlist flattened (register activity annotation); empty: not
  // written.
  std::filesystem::path flat_netlist_out;
  // Where latches are meant, and the techmap file (LatchTechmapVerilog) the
  // flow wrote for them.
  LatchPolicy latch_policy;
  std::filesystem::path latch_techmap;
};

// read_liberty -lib (first: without it `check -assert` flags the liberty
// cells' outputs as undriven), read_verilog -sv (latch storage is written as always_latch), hierarchy -check, synth
// (hierarchy kept), the latch check and latch techmap (LatchScriptLines:
// `check -assert` does not flag latches), dfflibmap,
// abc, opt_clean, check -assert (multiple drivers, undriven, loops), stat,
// write_verilog; then splitnets -ports, opt_clean -purge, write_verilog of
// the STA netlist (hierarchy and instance names kept).
std::string YosysScript(const YosysScriptOptions& options);

}  // namespace flexcim::synth
