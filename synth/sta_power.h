// RunStaPower: OpenSTA power of a synthesised netlist for one activity set
// at a given clock period, e.g. the energy of one input vector, one row
// write or one idle cycle (docs/PPA.md "Power for a given activity set").
// Debian's OpenSTA (2.0.17, snapshot 2019-11-11) propagates activity only
// from input ports: per-port rates and constant ports are what it honours.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synth/sta_report.h"
#include "synth/sta_script.h"

namespace flexcim::synth {

// Toggle rates in transitions per bit per clock period.
struct ActivitySet {
  double default_input_activity = 0.0;          // every input but the clock
  std::map<std::string, double> port_activity;  // per input port (overrides the default)
  std::map<std::string, int> constant_ports;    // held at 0/1 (set_case_analysis)
  std::map<std::string, double> port_duty;      // fraction of time at 1 (default 0.5)
  // Single port bits' (rate, duty), e.g. the registers' activity bus
  // (synth/register_activity_ports.h): {"flexcim_act[3]", {0.02, 1.0}}.
  std::map<std::string, std::pair<double, double>> bit_activity;
};

struct StaPowerRequest {
  std::filesystem::path liberty;  // the flow's liberty (PrepareLiberty)
  std::filesystem::path netlist;  // sta_netlist.v of a RunSynthFlow work directory
  std::string top = "flexcim_top";
  std::vector<PortSpec> ports;    // the manifest's ports (PortsFromManifest)
  double period_ns = 10.0;
  ActivitySet activity;
  // power_<tag>.tcl and power_<tag>.log are written here.
  std::filesystem::path work_dir;
  std::string tag = "activity";
  // Also report every leaf instance's power (report_power -instances).
  bool per_instance = false;
};

struct StaPowerResult {
  PowerReport power;  // mW at 1 / period_ns
  double period_ns = 0;
  std::map<std::string, double> instance_power_mw;  // with per_instance
  // Energy of one clock cycle with this activity (pJ) = total mW x period ns.
  double EnergyPerCyclePj() const { return power.total.total * period_ns; }
};

// The ports of a manifest's "ports" list (FLEXCIM.md 5b).
std::vector<PortSpec> ManifestPorts(const nlohmann::json& manifest);
std::vector<PortSpec> PortsFromManifest(const std::filesystem::path& manifest_json);

// Throws flexcim::Error naming the script and log on an OpenSTA failure,
// UsageError for an activity on a port the design lacks.
StaPowerResult RunStaPower(const StaPowerRequest& request);

}  // namespace flexcim::synth
