#include "synth/energy_comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <set>

#include "core/arch_config.h"
#include "core/config_json.h"
#include "core/errors.h"

namespace flexcim::synth {

namespace {

using nlohmann::json;

double At(const std::map<std::string, double>& m, const std::string& c) {
  const auto it = m.find(c);
  return it == m.end() ? 0.0 : it->second;
}

double Number(const json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key) || !j.at(key).is_number()) {
    throw Error(fmt::format("{}: no number \"{}\"", where, key));
  }
  return j.at(key).get<double>();
}

std::map<std::string, double> Amounts(const json& j, const std::string& where) {
  std::map<std::string, double> out;
  if (j.is_null()) return out;
  if (!j.is_object()) throw Error(fmt::format("{}: must be an object", where));
  for (const auto& [k, v] : j.items()) {
    if (!v.is_number()) throw Error(fmt::format("{}: \"{}\" is not a number", where, k));
    out[k] = v.get<double>();
  }
  return out;
}

}  // namespace

double EightBitMacsPerVector(const MacroConfig& m) { return m.cells() * m.a_bits() * m.w_bits() / 64.0; }

EnergyComparison CompareDesignEnergies(const std::vector<DesignEnergy>& designs) {
  EnergyComparison out;
  out.designs = json::object();
  out.overhead = json::object();
  std::vector<double> pj_per_mac8(designs.size());
  std::string rows;
  for (size_t i = 0; i < designs.size(); ++i) {
    const DesignEnergy& d = designs[i];
    const double macs8 = EightBitMacsPerVector(d.macro);
    pj_per_mac8[i] = d.vector_pj / macs8;
    const double tops_per_w = 2.0 / pj_per_mac8[i];
    const double tops_per_mm2 = 2.0 * macs8 / d.macro.initiation_interval() * d.fmax_mhz / d.area_um2;
    out.designs[d.design] = {{"arch", ArchName(d.arch)},
                             {"mac", MacStyleName(d.macro.mac())},
                             {"storage", StorageKindName(d.macro.storage())},
                             {"macro", ConfigToJson(d.macro)},
                             {"area_um2", d.area_um2},
                             {"area_um2_by_component", d.area_um2_by_component},
                             {"fmax_mhz", d.fmax_mhz},
                             {"energy_pj", {{"vector", d.vector_pj}, {"row_write", d.row_write_pj},
                                            {"idle_cycle", d.idle_cycle_pj}}},
                             {"vector_pj_by_component", d.vector_pj_by_component},
                             {"idle_cycle_pj_by_component", d.idle_cycle_pj_by_component},
                             {"activity", d.activity},
                             {"source", d.source},
                             {"pj_per_mac8", pj_per_mac8[i]},
                             {"tops_per_w", tops_per_w},
                             {"tops_per_mm2", tops_per_mm2}};
    rows += fmt::format("| {} | {} | {} | {:.3f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.3f} | {:.4f} | {:.5f} |\n",
                        ArchName(d.arch), MacStyleName(d.macro.mac()), StorageKindName(d.macro.storage()),
                        d.area_um2 / 1e6, d.fmax_mhz, d.vector_pj, d.row_write_pj, d.idle_cycle_pj, pj_per_mac8[i],
                        tops_per_w, tops_per_mm2);
  }
  out.markdown =
      "| arch | MAC | storage | area (mm²) | fmax, one clock (MHz) | pJ/vector | pJ/row write | pJ/idle cycle | "
      "pJ/MAC (8b) | TOPS/W | TOPS/mm² |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n" +
      rows;
  // FlexCiM against the fixed 1:2 macro of the same cell style and storage.
  std::string overhead_rows;
  for (size_t f = 0; f < designs.size(); ++f) {
    const DesignEnergy& fx = designs[f];
    if (fx.arch != Arch::kFlexcim) continue;
    for (size_t b = 0; b < designs.size(); ++b) {
      const DesignEnergy& bl = designs[b];
      if (bl.arch != Arch::kSparse12 || bl.macro.mac() != fx.macro.mac() || bl.macro.storage() != fx.macro.storage()) {
        continue;
      }
      const double area_pct = 100 * (fx.area_um2 / bl.area_um2 - 1);
      const double energy_pct = 100 * (pj_per_mac8[f] / pj_per_mac8[b] - 1);
      // A difference of energies per vector (FlexCiM's, the 1:2 macro's) as
      // points of the 1:2 macro's energy per 8-bit MAC.
      const double fx_macs8 = EightBitMacsPerVector(fx.macro), bl_macs8 = EightBitMacsPerVector(bl.macro);
      auto points = [&](double fx_pj, double bl_pj) {
        return 100 * (fx_pj / fx_macs8 - bl_pj / bl_macs8) / pj_per_mac8[b];
      };
      // Clock and leakage: II idle cycles per vector (every input still);
      // switching: the rest of the vector's energy. Both as points, so they
      // add up to energy_pct.
      const int fx_ii = fx.macro.initiation_interval(), bl_ii = bl.macro.initiation_interval();
      const double clock_points = points(fx_ii * fx.idle_cycle_pj, bl_ii * bl.idle_cycle_pj);
      json ov = {{"against", bl.design},
                 {"area_percent", area_pct},
                 {"energy_per_mac8_percent", energy_pct},
                 {"clock_leakage_points", clock_points},
                 {"switching_points", energy_pct - clock_points},
                 {"components", json::object()}};
      std::set<std::string> names;
      for (const auto* m : {&fx.area_um2_by_component, &bl.area_um2_by_component, &fx.vector_pj_by_component,
                            &bl.vector_pj_by_component}) {
        for (const auto& [c, v] : *m) names.insert(c);
      }
      const bool energy_split = !fx.vector_pj_by_component.empty() && !bl.vector_pj_by_component.empty();
      const bool clock_split = energy_split && !fx.idle_cycle_pj_by_component.empty() &&
                               !bl.idle_cycle_pj_by_component.empty();
      std::string parts;
      for (const std::string& c : names) {
        const double da = 100 * (At(fx.area_um2_by_component, c) - At(bl.area_um2_by_component, c)) / bl.area_um2;
        json part = {{"area_points", da}};
        double de = 0;
        if (energy_split) {
          de = points(At(fx.vector_pj_by_component, c), At(bl.vector_pj_by_component, c));
          part["energy_points"] = de;
        }
        if (clock_split) {
          // The component's clock+leakage (II idle cycles) and switching.
          const double dc =
              points(fx_ii * At(fx.idle_cycle_pj_by_component, c), bl_ii * At(bl.idle_cycle_pj_by_component, c));
          part["clock_leakage_points"] = dc;
          part["switching_points"] = de - dc;
        }
        ov["components"][c] = part;
        if (std::abs(da) >= 0.005 || std::abs(de) >= 0.005) {
          parts += energy_split ? fmt::format("{} {:+.2f} / {:+.2f}; ", c, da, de) : fmt::format("{} {:+.2f}; ", c, da);
        }
      }
      if (parts.size() >= 2) parts.resize(parts.size() - 2);  // the last "; "
      out.overhead[fx.design] = ov;
      overhead_rows += fmt::format("| {} | {} | {} | {:+.2f}% | {:+.2f}% | {:+.2f} / {:+.2f} | {} |\n",
                                   MacStyleName(fx.macro.mac()), StorageKindName(fx.macro.storage()), bl.design,
                                   area_pct, energy_pct, clock_points, energy_pct - clock_points,
                                   energy_split ? parts : parts + " (energy not split: measured without it)");
    }
  }
  if (!overhead_rows.empty()) {
    out.markdown +=
        "\n| FlexCiM vs fixed 1:2: MAC | storage | against | area | energy/MAC (8b) | of which clock+leakage / "
        "switching (points) | by component (area / energy/MAC, points of the 1:2 total) |\n"
        "|---|---|---|---:|---:|---:|---|\n" +
        overhead_rows;
  }
  return out;
}

void SortByStyleAndArch(std::vector<DesignEnergy>& designs) {
  std::stable_sort(designs.begin(), designs.end(), [](const DesignEnergy& a, const DesignEnergy& b) {
    return std::tuple(a.macro.mac(), a.macro.storage(), a.arch, a.design) <
           std::tuple(b.macro.mac(), b.macro.storage(), b.arch, b.design);
  });
}

std::vector<DesignEnergy> DesignEnergiesFromJson(const json& file, const std::string& source) {
  if (!file.is_object() || !file.contains("designs") || !file.at("designs").is_object()) {
    throw Error(fmt::format("{}: no \"designs\" object (write it with flexcim energy --stimulus or --activity-vcd)",
                            source));
  }
  std::vector<DesignEnergy> out;
  for (const auto& [name, d] : file.at("designs").items()) {
    const std::string where = fmt::format("{}: designs.{}", source, name);
    DesignEnergy e;
    e.design = name;
    if (!d.is_object() || !d.contains("arch") || !d.at("arch").is_string() || !d.contains("macro")) {
      throw Error(fmt::format("{}: no \"arch\" and \"macro\" (written before flexcim energy recorded them?)", where));
    }
    try {
      e.arch = ParseArch(d.at("arch").get<std::string>());
    } catch (const UsageError&) {
      throw Error(fmt::format("{}: \"arch\" is \"{}\": not an architecture", where, d.at("arch").get<std::string>()));
    }
    e.macro = ConfigFromJson(d.at("macro"), where + ": macro");
    if (ArchConfig(e.arch, e.macro).Name() != name) {
      throw Error(fmt::format("{}: \"arch\" and \"macro\" make {}, not the design's name", where,
                              ArchConfig(e.arch, e.macro).Name()));
    }
    e.area_um2 = Number(d, "area_um2", where);
    e.fmax_mhz = Number(d, "fmax_mhz", where);
    if (!(e.area_um2 > 0) || !(e.fmax_mhz > 0)) throw Error(fmt::format("{}: area and fmax must be > 0", where));
    const json& pj = d.contains("energy_pj") ? d.at("energy_pj") : json();
    e.vector_pj = Number(pj, "vector", where + ": energy_pj");
    e.row_write_pj = Number(pj, "row_write", where + ": energy_pj");
    e.idle_cycle_pj = Number(pj, "idle_cycle", where + ": energy_pj");
    e.area_um2_by_component = Amounts(d.value("area_um2_by_component", json()), where + ": area_um2_by_component");
    e.vector_pj_by_component = Amounts(d.value("vector_pj_by_component", json()), where + ": vector_pj_by_component");
    // A combined table's key, else the energy run's own split.
    if (d.contains("idle_cycle_pj_by_component")) {
      e.idle_cycle_pj_by_component =
          Amounts(d.at("idle_cycle_pj_by_component"), where + ": idle_cycle_pj_by_component");
    } else if (d.contains("energy_pj_by_component") && d.at("energy_pj_by_component").is_object()) {
      e.idle_cycle_pj_by_component = Amounts(d.at("energy_pj_by_component").value("idle_cycle", json()),
                                             where + ": energy_pj_by_component.idle_cycle");
    }
    e.activity = d.value("activity", "");
    e.source = d.value("source", "");
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace flexcim::synth
