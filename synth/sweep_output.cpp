#include "synth/sweep_output.h"

#include <fmt/format.h>

#include <map>

#include "core/atomic_file.h"
#include "synth/component_map.h"
#include "synth/ppa_report.h"
#include "synth/svg_plot.h"

namespace flexcim::synth {

namespace {

std::vector<PpaResult> Results(const std::vector<SweepRow>& rows) {
  std::vector<PpaResult> out;
  for (const auto& r : rows)
    if (r.result) out.push_back(*r.result);
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : (c == '\n' ? std::string(" ") : std::string(1, c));
  return q + "\"";
}

// Percent of the FlexCiM design's own area spent on flexibility components.
double FlexPercent(const PpaResult& r) {
  return r.area.total_area > 0 ? 100.0 * r.FlexibilityArea() / r.area.total_area : 0.0;
}

}  // namespace

std::string SweepCsv(const std::vector<SweepRow>& rows) {
  const auto overheads = ComputeOverheads(Results(rows));
  std::string s = "arch,P,R,C,G,A,W,total_um2";
  for (const auto& c : ComponentOrder()) s += "," + c + "_um2";
  s += ",flexibility_um2,flexibility_percent,overhead_vs_dense_percent,overhead_vs_sparse12_percent,"
       "fmax_mhz,power_mw,pj_per_mac,pj_per_vector,mac,storage,compute_fmax_mhz,pj_per_mac8,tops_per_w,"
       "tops_per_mm2,error\n";
  for (const auto& row : rows) {
    const MacroConfig& c = row.point.config;
    s += fmt::format("{},{},{},{},{},{},{}", row.point.arch, c.subs(), c.rows(), c.cols(), c.sel_group(),
                     c.a_bits(), c.w_bits());
    if (!row.result) {
      s += ",";
      for (size_t i = 0; i < ComponentOrder().size(); ++i) s += ",";
      s += ",,,,,,,,,,,,,," + CsvField(row.error) + "\n";
      continue;
    }
    const PpaResult& r = *row.result;
    s += fmt::format(",{:.3f}", r.area.total_area);
    for (const auto& comp : ComponentOrder()) s += fmt::format(",{:.3f}", r.area.components.at(comp));
    s += fmt::format(",{:.3f},{:.4f}", r.FlexibilityArea(), FlexPercent(r));
    for (const char* base : {"dense", "sparse12"}) {
      std::string v;
      for (const auto& e : overheads)
        if (e.flexcim_name == r.name && e.baseline_arch == base && r.arch == "flexcim")
          v = fmt::format("{:.4f}", e.flexibility_percent);
      s += "," + v;
    }
    if (r.timing) {
      s += fmt::format(",{:.3f},{:.6f},{:.6f},{:.4f}", r.timing->fmax_mhz, r.timing->power.total,
                       r.EnergyPerMacPj().value_or(0), r.EnergyPerVectorPj().value_or(0));
    } else {
      s += ",,,,";
    }
    s += fmt::format(",{},{}", r.mac, r.storage);
    if (r.timing) {
      s += fmt::format(",{:.3f},{:.6f},{:.6f},{:.6f}", r.ComputeFmaxMhz().value_or(0), r.EnergyPerMac8Pj().value_or(0),
                       r.TopsPerWatt().value_or(0), r.TopsPerMm2().value_or(0));
    } else {
      s += ",,,,";
    }
    s += ",\n";
  }
  return s;
}

nlohmann::json SweepJson(const std::vector<SweepRow>& rows, const std::vector<std::string>& notes) {
  nlohmann::json j = ReportJson(Results(rows));
  j["notes"] = notes;
  j["failed"] = nlohmann::json::array();
  for (const auto& r : rows)
    if (!r.result) j["failed"].push_back({{"point", r.point.Id()}, {"error", r.error}});
  return j;
}

std::string SweepSvg(const std::vector<SweepRow>& rows) {
  // Series per (arch, P, R, C); x = G.
  std::map<std::string, PlotSeries> overhead, fmax;
  for (const auto& row : rows) {
    if (!row.result) continue;
    const MacroConfig& c = row.point.config;
    // One series per architecture, cell style, storage and (P, R, C).
    const std::string key = fmt::format("{}{} P={} R={} C={}", row.point.arch,
                                        c.mac() == MacStyle::kBitParallel && c.storage() == StorageKind::kFlipFlop
                                            ? ""
                                            : fmt::format(" {}/{}", MacStyleName(c.mac()), StorageKindName(c.storage())),
                                        c.subs(), c.rows(), c.cols());
    if (row.point.arch == "flexcim") {
      overhead[key].label = key;
      overhead[key].points.emplace_back(c.sel_group(), FlexPercent(*row.result));
    }
    if (row.result->timing) {
      fmax[key].label = key;
      fmax[key].points.emplace_back(c.sel_group(), row.result->timing->fmax_mhz);
    }
  }
  PlotPanel a{"Flexibility area vs select group G", "G (columns per select group)",
              "flexibility components, % of macro area", true, {}};
  for (auto& [k, s] : overhead) a.series.push_back(s);
  PlotPanel f{"fmax vs configuration", "G (baselines: G = C)", "fmax (MHz)", true, {}};
  for (auto& [k, s] : fmax) f.series.push_back(s);
  return RenderSvg({a, f});
}

void WriteSweepOutputs(const std::vector<SweepRow>& rows, const std::vector<std::string>& notes,
                       const std::filesystem::path& out_dir) {
  WriteFileAtomically(out_dir / "sweep.csv", SweepCsv(rows));
  WriteFileAtomically(out_dir / "sweep.json", SweepJson(rows, notes).dump(2) + "\n");
  WriteFileAtomically(out_dir / "sweep.svg", SweepSvg(rows));
}

}  // namespace flexcim::synth
