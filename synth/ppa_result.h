// PpaResult: everything one synthesis (+ timing/power) run measured for one
// design, and its JSON form.
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <string>

#include "synth/area_breakdown.h"
#include "synth/sta_report.h"

namespace flexcim::synth {

struct PpaResult {
  std::string arch = "flexcim";  // flexcim | dense | sparse12
  std::string name;              // configuration name, e.g. p4_r16_c16_g16_a8_w8
  nlohmann::json params;         // manifest "params"
  int latency = 0;               // manifest "latency"
  long long macs_per_cycle = 0;  // multiplier instances (one vector per cycle)
  AreaBreakdown area;
  bool check_passed = false;     // Yosys `check -assert` and the latch check
  std::optional<TimingPower> timing;  // absent with --no-sta
  double input_activity = 0.5;        // default toggle rate used for power
  std::map<std::string, double> port_activity;  // per-port rates used (override the default)
  double yosys_seconds = 0, sta_seconds = 0;
  std::string work_dir;

  // Flexibility components: distribution + select storage + element bits +
  // merging network (combinational; its flip-flops count as pipeline).
  double FlexibilityArea() const;
  // pJ per MAC and per input vector at fmax (needs timing).
  std::optional<double> EnergyPerMacPj() const;
  std::optional<double> EnergyPerVectorPj() const;
};

nlohmann::json ToJson(const PpaResult& r);

}  // namespace flexcim::synth
