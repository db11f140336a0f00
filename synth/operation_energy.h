// Energy per macro operation (docs/PERF.md "Energy per operation"): one
// OpenSTA session on a synthesised netlist (`flexcim synth`'s
// sta_netlist.v) that
// 1. times the compute path alone: the write pins (wr_*) and rst_n are
//    false-pathed, so the minimum period is what the datapath needs
//    (distribution, multipliers, adder tree, merge) and the clock of every
//    power run below;
// 2. reports power three times, each with the input activity of exactly one
//    operation repeated every cycle (set_power_activity per port; every
//    other input static, rst_n held high):
//    - compute: in_valid held 1, in_act toggling at `act_activity` per bit
//      per cycle, no writes: one vector per cycle (II = 1);
//    - row write: wr_en held 1, the row address and the write data (wr_row,
//      wr_sub, wr_w, wr_e, wr_sel) toggling at `write_activity`, no vectors;
//    - idle: every input static (clock, flip-flop clock pins, leakage).
//    Static data inputs have duty 0.5 (random stored values), rst_n duty 1.
//    Register outputs are set too (vectorless propagation would make a
//    static stored weight toggle): storage registers static in compute and
//    idle, write_activity / rows_per_tile during a row write; every other
//    register (pipeline, valid, control) toggles at act_activity during
//    compute and is static otherwise. This is the documented decomposition
//    of docs/PERF.md, not a simulation of each register.
// Decomposition (docs/PERF.md "Energy per operation"), T = compute period:
// - idle cycle = (idle run's register internal power + leakage) x T: the
//   clock pins of every register and leakage (the idle run's combinational
//   power is an artefact of vectorless propagation, which gives static
//   registers an activity from their duty, and is dropped);
// - one vector = ((compute run - idle run) x T + idle cycle) x II;
// - one row write = (row-write run - idle run) x T + idle cycle.
// The activity model is OpenSTA's vectorless propagation (docs/PPA.md
// "Activity").
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synth/sta_report.h"
#include "synth/sta_script.h"

namespace flexcim::synth {

struct OperationEnergyOptions {
  std::filesystem::path liberty;
  std::filesystem::path netlist;   // sta_netlist.v
  std::string top;                 // flexcim_top, dense_top, sparse12_top
  std::vector<PortSpec> ports;     // from the design's manifest
  double relaxed_period_ns = 100.0;
  double act_activity = 0.5;
  double write_activity = 0.5;
  int initiation_interval = 1;
  int rows_per_tile = 1;  // rows a tile load writes (P*R): a row write touches one of them
};

struct OperationEnergy {
  TimingPower compute;  // compute-path timing; power of the compute run
  PowerMw write, idle;  // mW at the compute period
  double idle_sequential_internal_mw = 0;
  double period_ns() const { return compute.min_period_ns; }
  double fmax_mhz() const { return compute.fmax_mhz; }
  int initiation_interval = 1;
  double vector_pj = 0, row_write_pj = 0, idle_cycle_pj = 0;
};

// The Tcl script (prints FLEXCIM_WORST_SLACK, FLEXCIM_PERIOD and one
// "FLEXCIM_OPERATION <name>" line before each report_power).
std::string OperationEnergyScript(const OperationEnergyOptions& options);

// Parses that script's output. Throws flexcim::Error naming what is missing.
OperationEnergy ParseOperationEnergyOutput(const std::string& text, int initiation_interval);

// Writes the script into `work_dir`, runs `sta`, parses. Throws
// flexcim::Error with OpenSTA's error lines and the script path.
OperationEnergy MeasureOperationEnergy(const OperationEnergyOptions& options,
                                       const std::filesystem::path& work_dir);

nlohmann::json ToJson(const OperationEnergy& e);

}  // namespace flexcim::synth
