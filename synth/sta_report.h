// Parser of the OpenSTA output produced by synth/sta_script.h.
#pragma once

#include <string>

namespace flexcim::synth {

struct PowerMw {
  double internal = 0, switching = 0, leakage = 0, total = 0;  // mW
};

struct TimingPower {
  std::string startpoint, endpoint;  // critical path
  double arrival_ns = 0;             // data arrival at the endpoint
  double min_period_ns = 0;          // arrival + setup (ideal clock)
  double fmax_mhz = 0;               // 1000 / min_period_ns
  PowerMw power;                     // at fmax
  PowerMw sequential_power, combinational_power;
  // With the write and reset ports false-pathed (0 when the script had no
  // write ports): the compute path alone.
  std::string compute_startpoint, compute_endpoint;
  double compute_min_period_ns = 0, compute_fmax_mhz = 0;
};

struct PowerReport {
  PowerMw total, sequential, combinational;
};

// Throws flexcim::Error quoting OpenSTA's "Error" lines, or naming the
// missing report section, when the output is incomplete.
TimingPower ParseStaOutput(const std::string& text);

// Only the report_power groups and FLEXCIM_DONE (synth/sta_power.h);
// throws like ParseStaOutput.
PowerReport ParseStaPower(const std::string& text);

}  // namespace flexcim::synth
