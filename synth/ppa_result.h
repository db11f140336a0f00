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
  // MAC style and storage kind (manifest "mac", "storage"; bit-parallel and
  // ff when the manifest does not say) and the manifest's
  // initiation_interval (cycles between input vectors, 1 when absent).
  std::string mac = "bit-parallel";
  std::string storage = "ff";
  int initiation_interval = 1;
  long long cells = 0;           // P*R*C weight cells: MACs per input vector
  double macs_per_cycle = 0;     // cells / initiation_interval
  AreaBreakdown area;
  bool check_passed = false;     // Yosys `check -assert` and the latch check
  std::optional<TimingPower> timing;  // absent with --no-sta
  double input_activity = 0.5;        // default toggle rate used for power
  std::map<std::string, double> port_activity;  // per-port rates used (override the default)
  // With measured net activity: the power from input-port rates alone
  // (timing->power then holds the register-annotated power), and how many
  // sequential cells got a measured rate.
  std::optional<PowerMw> port_only_power;
  int annotated_registers = 0, sequential_cells = 0;
  // Power per report component (mW, synth/power_breakdown.h), empty without STA.
  std::map<std::string, double> component_power;
  double yosys_seconds = 0, sta_seconds = 0;
  std::string work_dir;

  // Flexibility components: distribution + select storage + element bits +
  // merging network (combinational; its flip-flops count as pipeline).
  double FlexibilityArea() const;
  // pJ per clock cycle, per input vector (x initiation interval) and per
  // MAC (physical A x W MAC) at fmax (need timing).
  std::optional<double> EnergyPerCyclePj() const;
  std::optional<double> EnergyPerMacPj() const;
  std::optional<double> EnergyPerVectorPj() const;
  // 8-bit-equivalent figures: one A x W MAC counts as A*W/64 8x8 MACs.
  double Mac8PerMac() const;
  std::optional<double> EnergyPerMac8Pj() const;
  std::optional<double> TopsPerWatt() const;      // 2 ops per 8-bit MAC
  // The design's one clock: the fmax of the worst path over all paths
  // (write, reset and compute; FLEXCIM.md 5b: the macro has one clock).
  // Every time figure (TOPS/mm², perf, report) uses it.
  std::optional<double> ClockMhz() const;
  // The compute path alone (write and reset ports false-pathed; the
  // reported fmax when the run had no compute path): printed, labelled
  // "compute-only", never used for a time figure.
  std::optional<double> ComputeFmaxMhz() const;
  std::optional<double> TopsPerMm2() const;  // at ClockMhz()
  double AreaPerWeightUm2() const;
};

nlohmann::json ToJson(const PpaResult& r);

// The inverse of ToJson (derived figures are recomputed, not read), for
// results written by one process and merged by another (a cluster sweep's
// tasks). Throws nlohmann::json::exception for a missing or mistyped key.
PpaResult PpaResultFromJson(const nlohmann::json& j);

}  // namespace flexcim::synth
