// RunSynthFlow: one generated design directory (manifest.json + .v files,
// FLEXCIM.md 5b) -> Yosys area per component + OpenSTA fmax and power.
// Scripts, logs and the mapped netlist stay in the work directory.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "synth/liberty_cells.h"
#include "synth/ppa_result.h"

namespace flexcim::synth {

struct SynthFlowOptions {
  std::filesystem::path rtl_dir;   // manifest.json + the .v files it lists
  std::filesystem::path work_dir;  // synth.ys, yosys.log, stat.txt, mapped.v, sta_netlist.v, sta.tcl, sta.log
  std::filesystem::path data_dir;  // holds liberty/<base>.lib.gz
  std::string arch = "flexcim";
  bool run_sta = true;
  double relaxed_period_ns = 100.0;
  double default_input_activity = 0.5;
  // Per-port toggle rates (transitions per clock). Defaults model steady
  // compute with resident weights: rst_n and wr_en constant.
  std::map<std::string, double> port_activity = {{"rst_n", 0.0}, {"wr_en", 0.0}};
  // Measured toggle rates per net bit (verif/toggle_rates_vcd.h). When not
  // empty: input ports take the mean of their bits' rates (port_activity
  // still overrides), and power is computed a second time on a flattened
  // netlist in which every register and latch with a measured output rate
  // is driven through a port at that rate (synth/activity_annotation.h).
  std::map<std::string, double> net_activity;
  // Prepared once by the caller (sweep); otherwise derived from data_dir.
  std::filesystem::path liberty;
  const LibertyCells* liberty_cells = nullptr;
  std::function<void(const std::string&)> progress;
  // Power per component (report_power -instances of every leaf cell, about
  // half of the OpenSTA run time on the default macro); off: only totals.
  bool power_breakdown = true;
};

// Throws flexcim::Error: missing tool/liberty (one line), Yosys or OpenSTA
// failure (their own error lines and the script path).
PpaResult RunSynthFlow(const SynthFlowOptions& options);

// Every design, up to `jobs` at a time (Yosys and OpenSTA are single-
// threaded); results in the order given. With jobs > 1 each progress line
// starts with "[<design directory>] ". The first failure is rethrown once
// the designs already running have finished.
std::vector<PpaResult> RunSynthFlows(const std::vector<SynthFlowOptions>& designs, int jobs);

}  // namespace flexcim::synth
