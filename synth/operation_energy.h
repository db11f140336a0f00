// Energy per macro operation (docs/PERF.md "Energy per operation"): three
// OpenSTA power runs (RunStaPower, synth/sta_power.h) on a synthesised
// netlist at the compute-path period, each with the input activity of
// exactly one operation repeated every cycle:
// - compute: in_valid held 1, wr_en held 0, in_act toggling at
//   act_activity per bit per cycle: one vector per cycle (II = 1);
// - row write: wr_en held 1, in_valid held 0, the row address and write data
//   (wr_row, wr_sub, wr_w, wr_e, wr_sel) toggling at write_activity;
// - idle: wr_en and in_valid held 0, every other input static.
// rst_n is held 1 in all three (set_case_analysis); wr_en low is a static
// input instead of a constant (a constant 0 crashes Debian's OpenSTA on the
// baseline netlists). Debian's OpenSTA propagates activity only
// from input ports and gives registers an activity of their own, so the
// energies are a decomposition (T = the compute period):
// - idle cycle = (idle run's register internal power + leakage) x T: the
//   registers' clock pins (no clock gating) and leakage;
// - one vector = ((compute run - idle run) x T + idle cycle) x II;
// - one row write = (row-write run - idle run) x T + idle cycle.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synth/sta_power.h"

namespace flexcim::synth {

struct OperationEnergyOptions {
  std::filesystem::path liberty;
  std::filesystem::path netlist;  // sta_netlist.v of a `flexcim synth` design
  std::string top;                // flexcim_top, dense_top, sparse12_top
  std::vector<PortSpec> ports;    // the design's manifest ports
  double period_ns = 0;           // the compute-path minimum period
  double act_activity = 0.5;
  double write_activity = 0.5;
  int initiation_interval = 1;
  std::filesystem::path work_dir;  // power_{compute,row_write,idle}.{tcl,log}
};

enum class Operation { kCompute, kRowWrite, kIdle };

// The activity set of one operation for a design with `ports` (ports the
// design lacks are left out).
ActivitySet OperationActivity(Operation op, const std::vector<PortSpec>& ports, double act_activity,
                              double write_activity);

struct OperationEnergy {
  double period_ns = 0;
  int initiation_interval = 1;
  PowerReport compute, write, idle;  // mW at 1 / period_ns
  double vector_pj = 0, row_write_pj = 0, idle_cycle_pj = 0;
  double fmax_mhz() const { return 1000.0 / period_ns; }
};

// The decomposition above from the three runs' power.
OperationEnergy DecomposeOperationEnergy(double period_ns, int initiation_interval, const PowerReport& compute,
                                         const PowerReport& write, const PowerReport& idle);

// The three runs of every design and their decomposition, up to `jobs`
// OpenSTA runs at once (in any order, over all designs); results in the
// order given. `design_done(i, energy)` is called (serialised) as soon as
// design i's three runs are in. Throws what RunStaPower throws.
std::vector<OperationEnergy> MeasureOperationEnergies(const std::vector<OperationEnergyOptions>& designs, int jobs,
                                                      const std::function<void(std::size_t, const OperationEnergy&)>& design_done = {});

nlohmann::json ToJson(const OperationEnergy& e);

}  // namespace flexcim::synth
