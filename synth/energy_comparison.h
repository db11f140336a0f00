// EnergyComparison: the comparison table of designs whose three operation
// energies were measured (`flexcim energy`, docs/PPA.md "Comparison at
// simulated activity"): per design its area, one-clock fmax, energies, pJ
// per 8-bit-equivalent MAC (an A x W MAC counts A*W/64), TOPS/W = 2 / pJ per
// 8-bit MAC, TOPS/mm² = 2 x 8-bit MACs per vector / II x fmax / area; and for
// every FlexCiM design with a fixed 1:2 design of the same cell style and
// storage, the area and energy-per-MAC overhead, split by component (the
// component's difference as points of the 1:2 macro's total) and into clock
// plus leakage (II idle cycles per vector) and switching (the rest).
//
// One energy run writes it for its designs; `flexcim energy --combine`
// reads the designs of several runs back (DesignEnergiesFromJson) and writes
// one table of them all.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/arch_traits.h"
#include "core/macro_config.h"

namespace flexcim::synth {

struct DesignEnergy {
  Arch arch = Arch::kFlexcim;
  MacroConfig macro = MacroConfig::Default();
  std::string design;  // ArchConfig::Name()
  double area_um2 = 0;
  std::map<std::string, double> area_um2_by_component;
  double fmax_mhz = 0;  // the one clock
  double vector_pj = 0, row_write_pj = 0, idle_cycle_pj = 0;
  std::map<std::string, double> vector_pj_by_component;  // empty: no split measured
  std::map<std::string, double> idle_cycle_pj_by_component;  // empty: no split measured
  std::string activity;  // "simulated" or "vectorless"
  std::string source;    // the stimulus or trace the activity came from ("" vectorless)
};

// 8-bit-equivalent MACs of one vector: P*R*C x A*W / 64.
double EightBitMacsPerVector(const MacroConfig& macro);

struct EnergyComparison {
  nlohmann::json designs;   // design -> {arch, mac, storage, macro, area_um2, ..., pj_per_mac8, tops_per_w, tops_per_mm2}
  nlohmann::json overhead;  // FlexCiM design -> {against, area_percent, energy_per_mac8_percent,
                            //   clock_leakage_points, switching_points, components}
  std::string markdown;     // the design table, then the overhead table (when there is a pair)
};

EnergyComparison CompareDesignEnergies(const std::vector<DesignEnergy>& designs);

// Orders designs by cell style (bit-parallel first), storage (ff first),
// then architecture (flexcim, dense, sparse12), then name.
void SortByStyleAndArch(std::vector<DesignEnergy>& designs);

// The designs of an energy file (its "designs" object, as CompareDesignEnergies
// wrote it). Throws flexcim::Error naming `source` and the key for a missing
// or mistyped entry.
std::vector<DesignEnergy> DesignEnergiesFromJson(const nlohmann::json& file, const std::string& source);

}  // namespace flexcim::synth
