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
};

// Throws flexcim::Error quoting OpenSTA's "Error" lines, or naming the
// missing report section, when the output is incomplete.
TimingPower ParseStaOutput(const std::string& text);

}  // namespace flexcim::synth
