// The OpenSTA Tcl script: critical path with a relaxed clock, then the
// clock redefined at the minimum period (fmax) and power at that frequency.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace flexcim::synth {

struct PortSpec {
  std::string name;
  int width = 1;
  bool is_input = true;
};

struct StaScriptOptions {
  std::filesystem::path liberty;
  std::filesystem::path netlist;
  std::string top = "flexcim_top";
  std::string clock_port = "clk";
  double relaxed_period_ns = 100.0;
  std::vector<PortSpec> ports;  // to address buses as name[*]
  // Toggle rate per clock period for every input except the clock.
  double default_input_activity = 0.5;
  std::map<std::string, double> port_activity;  // port name -> activity (overrides)
  // Ports held constant for power (set_case_analysis), e.g. {"wr_en", 0}.
  std::map<std::string, int> constant_ports;
  // Fraction of the time at 1 per port (set_power_activity -duty; OpenSTA's
  // default 0.5 otherwise): a port given here needs a port_activity too.
  std::map<std::string, double> port_duty;
  // Single port bits with their own rate and duty (the registers' activity
  // bus, synth/register_activity_ports.h), e.g. {"flexcim_act[3]", {0.02,
  // 1.0}}; written as one set_power_activity per distinct (rate, duty).
  std::map<std::string, std::pair<double, double>> bit_activity;
  // Weight-write and reset inputs: false paths for the compute-path period
  // (the write path is decoupled from compute; docs/PPA.md).
  std::vector<std::string> write_ports;
  // Latch storage (the design may hold latches): row latches open while clk
  // is low, so the paths they launch and the row gates' clock-gating checks
  // have half a period. The minimum period is then refined at shorter clocks
  // (the worst slack at the relaxed period assumes full-period paths), and
  // the compute path excludes them (they follow a write; docs/PPA.md).
  bool half_period_paths = false;
  // After the total: "FLEXCIM_INSTANCES" and report_power -instances of every
  // leaf cell (synth/power_breakdown.h).
  bool per_instance_power = false;
};

// The write ports of a port list: rst_n and every input named wr_*.
std::vector<std::string> WritePorts(const std::vector<PortSpec>& ports);

// "[get_ports {name}]" or "[get_ports {name[*]}]" for a bus; UsageError for
// a port not in o.ports.
std::string PortSelector(const StaScriptOptions& o, const std::string& name);

// read_liberty, read_verilog, link_design and the clock/IO constraints at
// `period` (a number or a Tcl expression).
std::string StaDesignSetup(const StaScriptOptions& o);
std::string StaConstraints(const StaScriptOptions& o, const std::string& period);
// set_power_activity for the default and every per-port rate, and
// set_case_analysis for the constant ports.
std::string StaActivity(const StaScriptOptions& o);

// The Tcl that refines `period` for half_period_paths (see there); the
// caller redefines the clock afterwards.
std::string MinPeriodRefinement(const StaScriptOptions& o);

// Prints machine-readable lines "FLEXCIM_WORST_SLACK <ns>",
// "FLEXCIM_PERIOD <ns>" and, with write ports, "FLEXCIM_COMPUTE_PATH" followed
// by the compute path's report_checks and "FLEXCIM_COMPUTE_PERIOD <ns>",
// besides the standard report_checks / report_power.
std::string StaScript(const StaScriptOptions& options);

}  // namespace flexcim::synth
