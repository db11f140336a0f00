// RunAccelSynth: area and clock of what the macros of a `flexcim gen
// --accel` design do not cover (docs/ACCEL.md "Area and clock"): Yosys on
// sky130hd with the macros and every SRAM model cut out (`expose -evert`:
// their pins become ports of the logic), OpenSTA's minimum period of the
// remaining logic (sequencer, accumulate adders, address and lane muxing),
// and the SRAMs accounted separately from a published sky130 SRAM macro
// (synth/sram_cost.h), never synthesised as flip-flops.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "synth/sram_cost.h"

namespace flexcim::synth {

struct AccelSynthOptions {
  std::filesystem::path rtl_dir;   // `flexcim gen --accel` output (manifest.json with "accel")
  std::filesystem::path work_dir;  // accel.ys, yosys.log, stat.txt, sta_netlist.v, sta.tcl, sta.log
  std::filesystem::path data_dir;  // liberty/<base>.lib.gz
  bool run_sta = true;
  double relaxed_period_ns = 100.0;
  std::function<void(const std::string&)> progress;
};

// One SRAM model of the design (its module and how many instances).
struct AccelSramUse {
  std::string role;    // "weight buffer", "activation buffer", "descriptor buffer", "output buffer"
  std::string module;  // accel_sram_w<width>_d<depth>[_p<ports>]
  int width = 0, depth = 0, ports = 1;  // ports: read ports = write ports
  int instances = 1;
  long long Bits() const { return static_cast<long long>(width) * depth * instances; }
  double AreaUm2() const { return Bits() * kSky130SramCost.area_um2_per_bit; }
  double ReadPjPerWord() const { return width * kSky130SramCost.read_pj_per_bit; }
};

struct AccelSynthResult {
  std::string top, macro_top, arch, macro_name;
  int macros = 0;
  // The logic (no macro, no SRAM), µm².
  double logic_area_um2 = 0;
  double logic_seq_area_um2 = 0;     // its flip-flops
  double sequencer_area_um2 = 0;     // the top module's own cells: sequencer, per-macro state, muxing
  double accumulator_area_um2 = 0;   // the Q accumulate-adder instances
  long long logic_cells = 0, flip_flops = 0;
  std::optional<double> min_period_ns, fmax_mhz;  // OpenSTA, ideal clock, pins of macros and SRAMs at the edge
  std::string critical_path;                      // OpenSTA's report of the worst path
  std::vector<AccelSramUse> srams;
  double SramAreaUm2() const;
  double yosys_seconds = 0, sta_seconds = 0;
};

// The SRAM models of an accelerator manifest, by role (throws flexcim::Error
// naming the file when it has no "accel" object).
std::vector<AccelSramUse> AccelSramUses(const nlohmann::json& manifest);

// Throws flexcim::Error on a missing tool or liberty, a Yosys or OpenSTA
// failure (their error lines and the script), or a cell that is neither a
// liberty cell nor a module (unmapped logic).
AccelSynthResult RunAccelSynth(const AccelSynthOptions& options);

// The report (docs/ACCEL.md "Report keys"). macro_area_um2: one macro's
// area (docs/PPA.md or a synthesis of it), for the overhead; absent: the
// overhead keys are null.
nlohmann::ordered_json AccelSynthJson(const AccelSynthResult& r, std::optional<double> macro_area_um2,
                                      const std::string& macro_area_source);
std::string AccelSynthMarkdown(const nlohmann::ordered_json& report);

}  // namespace flexcim::synth
