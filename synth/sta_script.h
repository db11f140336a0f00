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
};

// "[get_ports {name[*]}]" for a bus, "[get_ports {name}]" for one bit.
// Throws UsageError "activity given for unknown port 'x'".
std::string PortSelector(const std::vector<PortSpec>& ports, const std::string& name);

// The clock (named clk) on `clock_port` with `period` (a number or a Tcl
// expression), inputs and outputs constrained at 0 to it.
std::string ClockConstraints(const std::string& clock_port, const std::string& period);

// Prints machine-readable lines "FLEXCIM_WORST_SLACK <ns>" and
// "FLEXCIM_PERIOD <ns>" besides the standard report_checks / report_power.
std::string StaScript(const StaScriptOptions& options);

}  // namespace flexcim::synth
