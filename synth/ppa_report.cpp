#include "synth/ppa_report.h"

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/json_input.h"
#include "synth/comparison_plot.h"
#include "synth/component_map.h"

namespace flexcim::synth {

namespace {

bool SameShape(const PpaResult& a, const PpaResult& b) {
  return a.macs_per_cycle == b.macs_per_cycle && a.params.value("A", 0) == b.params.value("A", 0) &&
         a.params.value("W", 0) == b.params.value("W", 0) && a.mac == b.mac && a.storage == b.storage;
}

double Component(const PpaResult& r, const char* c) {
  const auto it = r.area.components.find(c);
  return it == r.area.components.end() ? 0.0 : it->second;
}

constexpr const char* kFlexParts[] = {kDistribution, kMerge, kElementBits, kSelectStorage};

std::string OptFixed(std::optional<double> v, int digits) { return v ? fmt::format("{:.{}f}", *v, digits) : "-"; }

nlohmann::json Opt(std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string Fixed(double v, int digits) { return fmt::format("{:.{}f}", v, digits); }

// Energy per MAC of one report component: its share of the run's power.
std::optional<double> ComponentEnergyPerMacPj(const PpaResult& r, const std::string& component) {
  const auto e = r.EnergyPerMacPj();
  const auto p = r.component_power.find(component);
  if (!e || p == r.component_power.end() || r.timing->power.total <= 0) return std::nullopt;
  return *e * p->second / r.timing->power.total;
}

// The component whose energy per MAC grows most from `b` to `f`.
void SetDominantEnergyDifference(const PpaResult& f, const PpaResult& b, OverheadEntry& e) {
  const auto eb = b.EnergyPerMacPj();
  if (!eb || *eb <= 0 || f.component_power.empty() || b.component_power.empty()) return;
  for (const auto& c : ComponentOrder()) {
    const double growth = ComponentEnergyPerMacPj(f, c).value_or(0) - ComponentEnergyPerMacPj(b, c).value_or(0);
    const double percent = 100.0 * growth / *eb;
    if (!e.dominant_energy_difference_percent || percent > *e.dominant_energy_difference_percent) {
      e.dominant_energy_difference_component = c;
      e.dominant_energy_difference_percent = percent;
    }
  }
}

}  // namespace

std::vector<OverheadEntry> ComputeOverheads(const std::vector<PpaResult>& results) {
  std::vector<OverheadEntry> out;
  for (const auto& f : results) {
    if (f.arch != "flexcim") continue;
    for (const auto& b : results) {
      if ((b.arch != "dense" && b.arch != "sparse12") || !SameShape(f, b) || b.area.total_area <= 0) continue;
      OverheadEntry e;
      e.flexcim_name = f.name;
      e.baseline_arch = b.arch;
      e.mac = f.mac;
      e.storage = f.storage;
      e.flexibility_um2 = f.FlexibilityArea();
      e.baseline_total_um2 = b.area.total_area;
      e.flexibility_percent = 100.0 * e.flexibility_um2 / b.area.total_area;
      e.total_difference_percent = 100.0 * (f.area.total_area - b.area.total_area) / b.area.total_area;
      const auto ef = f.EnergyPerMacPj(), eb = b.EnergyPerMacPj();
      if (ef && eb && *eb > 0) e.energy_difference_percent = 100.0 * (*ef - *eb) / *eb;
      double largest = -1, largest_power = 0;
      for (const char* c : kFlexParts) {
        if (Component(f, c) > largest) {
          largest = Component(f, c);
          e.dominant_component = c;
        }
        const auto p = f.component_power.find(c);
        if (p != f.component_power.end() && p->second > largest_power) {
          largest_power = p->second;
          e.dominant_power_component = c;
        }
      }
      SetDominantEnergyDifference(f, b, e);
      out.push_back(e);
    }
  }
  return out;
}

nlohmann::json ReportJson(const std::vector<PpaResult>& results) {
  nlohmann::json j;
  j["results"] = nlohmann::json::array();
  for (const auto& r : results) j["results"].push_back(ToJson(r));
  j["overheads"] = nlohmann::json::array();
  for (const auto& e : ComputeOverheads(results)) {
    j["overheads"].push_back({{"flexcim", e.flexcim_name}, {"baseline", e.baseline_arch},
                              {"flexibility_um2", e.flexibility_um2},
                              {"baseline_total_um2", e.baseline_total_um2},
                              {"flexibility_percent_of_baseline", e.flexibility_percent},
                              {"total_difference_percent", e.total_difference_percent},
                              {"mac", e.mac}, {"storage", e.storage},
                              {"energy_per_mac_difference_percent", Opt(e.energy_difference_percent)},
                              {"dominant_component", e.dominant_component},
                              {"dominant_power_component", e.dominant_power_component},
                              {"dominant_energy_difference_component", e.dominant_energy_difference_component},
                              {"dominant_energy_difference_percent_of_baseline",
                               Opt(e.dominant_energy_difference_percent)}});
  }
  if (results.size() > 1) j["comparison"] = ComparisonJson(results);
  j["model"] = "Yosys 0.23 + ABC on sky130_fd_sc_hd tt_025C_1v80; OpenSTA ideal clock, no wire "
               "load/parasitics; storage as each result says (flip-flops or sky130 dlxtp latches); see "
               "docs/PPA.md";
  return j;
}

std::string ReportMarkdown(const std::vector<PpaResult>& results) {
  std::string s;
  for (const auto& r : results) {
    s += fmt::format("## {} {} ({}, {} storage)\n\n", r.arch, r.name, r.mac, r.storage);
    s += fmt::format("Yosys `check -assert` and latch check: {}. MACs per cycle: {:g} ({} cells, initiation "
                     "interval {}). Latency: {} cycles. Area per weight: {} µm².\n\n",
                     r.check_passed ? "passed" : "FAILED", r.macs_per_cycle, r.cells, r.initiation_interval,
                     r.latency, Fixed(r.AreaPerWeightUm2(), 1));
    const bool power = !r.component_power.empty();
    s += power ? "| component | area (µm²) | % of total | power (mW) |\n|---|---:|---:|---:|\n"
               : "| component | area (µm²) | % of total |\n|---|---:|---:|\n";
    double power_total = 0;
    for (const auto& c : ComponentOrder()) {
      const double a = r.area.components.count(c) ? r.area.components.at(c) : 0.0;
      const double p = r.component_power.count(c) ? r.component_power.at(c) : 0.0;
      power_total += p;
      // Components a design may lack (bit-serial blocks, unknown modules): only when present.
      if ((c == kOther || c == kSerializer || c == kShiftAccumulators) && a == 0 && p == 0) continue;
      s += fmt::format("| {} | {} | {} |{}\n", ComponentLabel(c), Fixed(a, 1),
                       Fixed(r.area.total_area > 0 ? 100.0 * a / r.area.total_area : 0.0, 2),
                       power ? fmt::format(" {} |", Fixed(p, 3)) : "");
    }
    s += fmt::format("| **total** | **{}** | 100.00 |{}\n\n", Fixed(r.area.total_area, 1),
                     power ? fmt::format(" {} |", Fixed(power_total, 3)) : "");
    s += fmt::format("Flexibility components (distribution + select storage + element bits + merging "
                     "network): {} µm² ({}% of this design).\n\n",
                     Fixed(r.FlexibilityArea(), 1),
                     Fixed(r.area.total_area > 0 ? 100.0 * r.FlexibilityArea() / r.area.total_area : 0.0, 2));
    if (r.timing) {
      const auto& t = *r.timing;
      s += "| metric | value |\n|---|---:|\n";
      s += fmt::format("| critical path | {} -> {} |\n", t.startpoint, t.endpoint);
      s += fmt::format("| min period (ns), all paths | {} |\n| fmax (MHz), one clock | {} |\n",
                       Fixed(t.min_period_ns, 3), Fixed(t.fmax_mhz, 1));
      if (t.compute_fmax_mhz > 0) {
        s += fmt::format("| compute-only path (write and reset ports false) | {} -> {} |\n", t.compute_startpoint,
                         t.compute_endpoint);
        s += fmt::format("| compute-only min period (ns) / fmax (MHz) | {} / {} |\n",
                         Fixed(t.compute_min_period_ns, 3), Fixed(t.compute_fmax_mhz, 1));
      }
      s += fmt::format("| power at fmax (mW): total | {} |\n", Fixed(t.power.total, 3));
      if (r.port_only_power) {
        s += fmt::format("| activity | measured: {} of {} registers/latches at their simulated rate; power from "
                         "input-port rates alone {} mW |\n",
                         r.annotated_registers, r.sequential_cells, Fixed(r.port_only_power->total, 3));
      }
      s += fmt::format("| internal / switching / leakage (mW) | {} / {} / {} |\n", Fixed(t.power.internal, 3),
                       Fixed(t.power.switching, 3), Fixed(t.power.leakage, 6));
      s += fmt::format("| energy per input vector (pJ) | {} |\n", Fixed(*r.EnergyPerVectorPj(), 2));
      if (const auto e = r.EnergyPerMacPj()) s += fmt::format("| energy per MAC (pJ) | {} |\n", Fixed(*e, 4));
      if (const auto e = r.EnergyPerMac8Pj()) {
        s += fmt::format("| energy per 8-bit-equivalent MAC (pJ) / TOPS/W | {} / {} |\n", Fixed(*e, 4),
                         OptFixed(r.TopsPerWatt(), 4));
      }
      s += fmt::format("| default input activity | {} |\n", r.input_activity);
      std::string ports;
      for (const auto& [port, a] : r.port_activity) ports += fmt::format("{}{}={:.4f}", ports.empty() ? "" : ", ", port, a);
      s += fmt::format("| per-port input activity | {} |\n\n", ports.empty() ? "-" : ports);
    } else {
      s += "Timing and power: skipped (--no-sta).\n\n";
    }
  }
  const auto overheads = ComputeOverheads(results);
  if (!overheads.empty()) {
    s += "## Flexibility overhead\n\n| FlexCiM | baseline | flexibility (µm²) | % of baseline | total difference |\n"
         "|---|---|---:|---:|---:|\n";
    for (const auto& e : overheads) {
      s += fmt::format("| {} | {} | {} | {}% | {:+.2f}% |\n", e.flexcim_name, e.baseline_arch,
                       Fixed(e.flexibility_um2, 1), Fixed(e.flexibility_percent, 2), e.total_difference_percent);
    }
    s += "\n";
    for (const auto& e : overheads) {
      if (e.baseline_arch != "sparse12") continue;
      const PpaResult* f = nullptr;
      for (const auto& r : results) {
        if (r.arch == "flexcim" && r.name == e.flexcim_name && r.mac == e.mac && r.storage == e.storage) f = &r;
      }
      s += fmt::format("Target (issue 4): flexibility overhead below 5% of the fixed 1:2 macro's area ({}, {} "
                       "storage): **{}** ({}%). Its parts:",
                       e.mac, e.storage, e.flexibility_percent < 5.0 ? "met" : "not met",
                       Fixed(e.flexibility_percent, 2));
      for (const char* c : {kDistribution, kMerge, kElementBits, kSelectStorage}) {
        const double a = f->area.components.count(c) ? f->area.components.at(c) : 0.0;
        s += fmt::format(" {} {} µm² ({}% of the overhead);", ComponentLabel(c), Fixed(a, 1),
                         Fixed(100.0 * a / e.flexibility_um2, 1));
      }
      s += " the fixed 1:2 macro already pays for element bits and a 2:1 element mux, so FlexCiM's "
           "total area exceeds it by the last column above.\n\n";
    }
    s += ComparisonMarkdown(results);
  } else {
    s += "Flexibility overhead against the baselines: synthesise `--arch dense` and `--arch sparse12` "
         "into the same report to compute it.\n";
  }
  return s;
}

nlohmann::json ComparisonJson(const std::vector<PpaResult>& results) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : results) {
    rows.push_back({{"arch", r.arch}, {"mac", r.mac}, {"storage", r.storage}, {"name", r.name},
                    {"area_mm2", r.area.total_area / 1e6}, {"um2_per_weight", r.AreaPerWeightUm2()},
                    {"compute_fmax_mhz", Opt(r.ComputeFmaxMhz())},
                    {"fmax_mhz", r.timing ? nlohmann::json(r.timing->fmax_mhz) : nlohmann::json(nullptr)},
                    {"pj_per_mac8", Opt(r.EnergyPerMac8Pj())}, {"tops_per_w", Opt(r.TopsPerWatt())},
                    {"tops_per_mm2", Opt(r.TopsPerMm2())}, {"macs_per_cycle", r.macs_per_cycle}});
  }
  return rows;
}

std::string ComparisonMarkdown(const std::vector<PpaResult>& results) {
  if (results.size() < 2) return "";
  std::string s =
      "## Comparison\n\n8-bit-equivalent MACs (an A x W MAC counts A*W/64); fmax is the design's one clock "
      "(the worst path over write, reset and compute paths), and TOPS/mm² is at it; the compute-only fmax "
      "(write and reset ports false-pathed) is shown for reference; energy at the one clock with the run's "
      "activity.\n\n"
      "| arch | MAC | storage | area (mm²) | µm²/weight | fmax (MHz) | compute-only fmax (MHz) | pJ/MAC (8b) | "
      "TOPS/W | TOPS/mm² |\n"
      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : results) {
    s += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.arch, r.mac, r.storage,
                     Fixed(r.area.total_area / 1e6, 3), Fixed(r.AreaPerWeightUm2(), 1),
                     OptFixed(r.ClockMhz(), 1), OptFixed(r.ComputeFmaxMhz(), 1), OptFixed(r.EnergyPerMac8Pj(), 3),
                     OptFixed(r.TopsPerWatt(), 4), OptFixed(r.TopsPerMm2(), 5));
  }
  std::string overhead;
  for (const auto& e : ComputeOverheads(results)) {
    if (e.baseline_arch != "sparse12") continue;
    const bool area_ok = e.flexibility_percent < 5.0;
    const bool energy_ok = e.energy_difference_percent && *e.energy_difference_percent < 5.0;
    overhead += fmt::format("| {} | {} | {}% | {:+.2f}% | {} | {} | {} | {} |\n", e.mac, e.storage,
                             Fixed(e.flexibility_percent, 2), e.total_difference_percent,
                             e.energy_difference_percent ? fmt::format("{:+.2f}%", *e.energy_difference_percent) : "-",
                             fmt::format("area {}, energy {}", area_ok ? "met" : "not met",
                                         e.energy_difference_percent ? (energy_ok ? "met" : "not met") : "-"),
                             ComponentLabel(e.dominant_component) +
                                 (e.dominant_power_component.empty()
                                      ? std::string()
                                      : " / " + ComponentLabel(e.dominant_power_component)),
                             e.dominant_energy_difference_percent
                                 ? fmt::format("{} ({:+.2f}% of the 1:2 energy/MAC)",
                                               ComponentLabel(e.dominant_energy_difference_component),
                                               *e.dominant_energy_difference_percent)
                                 : "-");
  }
  if (!overhead.empty()) {
    s += "\nFlexibility overhead of FlexCiM against the fixed 1:2 macro of the same variant (goal: below 5%):\n\n"
         "| MAC | storage | flexibility area (% of 1:2) | total area vs 1:2 | energy/MAC vs 1:2 | 5% goal | "
         "largest flexibility component (area / power) | largest energy/MAC growth |\n"
         "|---|---|---:|---:|---:|---|---|---|\n" +
         overhead;
  }
  return s + "\n";
}

std::vector<PpaResult> ReadReportResults(const std::filesystem::path& report_json) {
  const nlohmann::json j = ReadJsonFile(report_json);
  const nlohmann::json& results = JsonArray(j, "results", report_json.string());
  std::vector<PpaResult> out;
  for (size_t i = 0; i < results.size(); ++i) {
    try {
      out.push_back(PpaResultFromJson(results[i]));
    } catch (const nlohmann::json::exception& e) {
      throw Error(fmt::format("{}: results[{}]: {}", report_json.string(), i, JsonErrorText(e)));
    } catch (const Error& e) {
      throw Error(fmt::format("{}: results[{}]: {}", report_json.string(), i, e.what()));
    }
  }
  return out;
}

void WriteReport(const std::vector<PpaResult>& results, const std::filesystem::path& out_dir) {
  WriteFileAtomically(out_dir / "report.json", ReportJson(results).dump(2) + "\n");
  WriteFileAtomically(out_dir / "report.md", "# FlexCiM PPA report\n\n" + ReportMarkdown(results));
  if (const auto svg = ComparisonSvg(results)) WriteFileAtomically(out_dir / "report.svg", *svg);
}

}  // namespace flexcim::synth
