#include "codesign/design_sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "codesign/perf_report.h"
#include "codesign/perf_table.h"
#include "codesign/point_settings.h"
#include "core/errors.h"
#include "flow_pruner/pruned_container.h"
#include "golden/perf_model.h"

namespace flexcim::codesign {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Candidate {
  const DesignSweepRun* run = nullptr;
  const json* choice = nullptr;
  Arch arch = Arch::kFlexcim;
  MacroConfig config = MacroConfig::Default();
  golden::OperationEnergies ops;
  fs::path energy_file;
};

MacroConfig RunBase(const DesignSweepRun& run) {
  return ParseMacroConfigName(run.codesign.at("config").get<std::string>());
}

std::string DesignLabel(Arch arch, const MacroConfig& c, const std::string& style) {
  if (arch == Arch::kFlexcim) return fmt::format("FlexCiM P={} G={} {}", c.subs(), c.sel_group(), style);
  return fmt::format("{} P={} {}", arch == Arch::kSparse12 ? "fixed 1:2" : "dense", c.subs(), style);
}

}  // namespace

json DesignSweep(const std::vector<DesignSweepRun>& runs, double budget) {
  if (runs.empty()) throw UsageError("--runs: give at least one codesign.json");
  int macros = 0;
  int64_t tokens = 0;
  double buffer = 0;
  std::vector<Candidate> candidates;
  std::vector<std::string> skipped;
  bool any_budget = false;
  for (const DesignSweepRun& run : runs) {
    const json& cd = run.codesign;
    const int q = cd.at("macros").get<int>();
    if (macros != 0 && q != macros) {
      throw UsageError(fmt::format("--runs {}: Q = {} macros, another run has {} (run every P at one --macros)",
                                   run.source, q, macros));
    }
    macros = q;
    tokens = cd.at("tokens").get<int64_t>();
    buffer = cd.at("buffer_pj_per_bit").get<double>();
    const MacroConfig base = RunBase(run);
    std::vector<fs::path> files;
    for (const json& f : cd.at("energy_files")) files.emplace_back(f.get<std::string>());
    EnergyLookup energies(files);
    for (const json& c : cd.at("choices")) {
      if (c.at("area_mode") != "equal_cells" || c.at("budget").get<double>() != budget) continue;
      any_budget = true;
      const Arch arch = ParseArch(c.at("arch").get<std::string>());
      const std::string style = c.at("style").get<std::string>();
      const MacroConfig config = CurveConfig(base, arch, arch == Arch::kFlexcim ? c.at("G").get<int>() : 0, style);
      const std::string label = DesignLabel(arch, config, style);
      if (!c.at("reachable").get<bool>()) {
        skipped.push_back(fmt::format("{}: no point meets {}x ({})", label, budget, run.source));
        continue;
      }
      const auto e = energies.Find(arch, config);
      if (!e) {
        skipped.push_back(fmt::format("{}: no energies (area, clock) in the run's energy files ({})", label,
                                      run.source));
        continue;
      }
      candidates.push_back({&run, &c, arch, config, e->first, e->second});
    }
  }
  if (!any_budget) throw UsageError(fmt::format("--budget {}: no run has a point at this budget", budget));

  // The common area: the largest FlexCiM design at Q macros.
  double reference = 0;
  for (const Candidate& c : candidates) {
    if (c.arch == Arch::kFlexcim) reference = std::max(reference, c.ops.area_um2);
  }
  for (const Candidate& c : candidates) {
    if (reference == 0) reference = std::max(reference, c.ops.area_um2);
  }

  json rows = json::array();
  std::map<std::string, std::vector<golden::ModelLayer>> layers_of;
  for (const Candidate& c : candidates) {
    const json& ch = *c.choice;
    const std::string dir = ch.at("prune_dir").get<std::string>();
    if (!layers_of.count(dir)) {
      const fs::path file = fs::path(dir) / "pruned.flexcim";
      if (!fs::exists(file)) {
        throw Error(fmt::format("{}: {} at {}x: no {} (was the run moved?)", c.run->source, ch.at("label").get<std::string>(),
                                budget, file.string()));
      }
      layers_of[dir] = ContainerLayers(pruner::ReadContainer(file));
    }
    const int q = golden::EqualAreaMacros(macros, reference, c.ops.area_um2);
    const golden::ArchPerf perf = golden::EvaluateArch(c.arch, c.config, layers_of[dir], q, tokens, c.ops, buffer);
    const json pj = golden::ToJson(perf);
    const std::string style = ch.at("style").get<std::string>();
    rows.push_back({{"arch", ArchName(c.arch)},
                    {"label", DesignLabel(c.arch, c.config, style)},
                    {"P", c.config.subs()},
                    {"G", c.arch == Arch::kFlexcim ? json(c.config.sel_group()) : json(nullptr)},
                    {"style", style},
                    {"config", golden::EnergyConfigName(c.arch, c.config)},
                    {"macro_area_um2", c.ops.area_um2},
                    {"macros", q},
                    {"fmax_mhz", c.ops.fmax_mhz},
                    {"patterns", ch.at("patterns")},
                    {"heldout_ppl", ch.at("heldout_ppl")},
                    {"heldout_ratio", ch.at("heldout_ratio")},
                    {"decode_us", pj.at("decode_us")},
                    {"prefill_us_per_token", pj.at("prefill_us").get<double>() / static_cast<double>(tokens)},
                    {"energy_per_token_pj", pj.at("energy_per_token_pj")},
                    {"prune_dir", dir},
                    {"energy_file", c.energy_file.string()},
                    {"run", c.run->source}});
  }
  // FlexCiM against fixed 1:2 of the same P and style (same area).
  json best_decode = nullptr, best_energy = nullptr;
  double best_decode_ratio = 0, best_energy_ratio = 0;
  bool met = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    json& r = rows[i];
    if (r["arch"] != "flexcim") continue;
    for (const json& b : rows) {
      if (b["arch"] == "sparse12" && b["P"] == r["P"] && b["style"] == r["style"]) {
        r["decode_vs_fixed12"] = b["decode_us"].get<double>() / r["decode_us"].get<double>();
        r["energy_vs_fixed12"] = b["energy_per_token_pj"].get<double>() / r["energy_per_token_pj"].get<double>();
        best_decode_ratio = std::max(best_decode_ratio, r["decode_vs_fixed12"].get<double>());
        best_energy_ratio = std::max(best_energy_ratio, r["energy_vs_fixed12"].get<double>());
        met = met || (r["decode_vs_fixed12"].get<double>() >= 1.5 && r["energy_vs_fixed12"].get<double>() >= 1.3);
      }
    }
    if (best_decode.is_null() || r["decode_us"].get<double>() < rows[best_decode.get<size_t>()]["decode_us"].get<double>()) {
      best_decode = i;
    }
    if (best_energy.is_null() || r["energy_per_token_pj"].get<double>() <
                                     rows[best_energy.get<size_t>()]["energy_per_token_pj"].get<double>()) {
      best_energy = i;
    }
  }
  std::vector<std::string> sources;
  for (const DesignSweepRun& r : runs) sources.push_back(r.source);
  return {{"budget", budget},
          {"macros", macros},
          {"tokens", tokens},
          {"reference_macro_area_um2", reference},
          {"area_um2", reference * macros},
          {"model", runs.front().codesign.at("model")},
          {"heldout", runs.front().codesign.at("slices").at("heldout")},
          {"runs", sources},
          {"rows", rows},
          {"best_decode", best_decode},
          {"best_energy", best_energy},
          {"target",
           {{"decode_vs_fixed12", 1.5},
            {"energy_vs_fixed12", 1.3},
            {"assessed", budget <= 1.25},
            {"met", met && budget <= 1.25},
            {"best_decode_vs_fixed12", best_decode_ratio},
            {"best_energy_vs_fixed12", best_energy_ratio}}},
          {"skipped", skipped}};
}

std::string DesignSweepMarkdown(const json& s) {
  const double budget = s.at("budget").get<double>();
  std::string md = fmt::format(
      "## The design sweep: {} at {}x the dense W8A8 perplexity, equal area\n\n"
      "Every design on {:.3f} mm² (Q = {} macros of the largest FlexCiM design, {:.3f} mm² each; the others get "
      "the macros that fit), each architecture with its own best model under the budget (held-out blocks {}). "
      "Ratios are fixed 1:2 / FlexCiM at the same P and cell style (above 1: FlexCiM is faster or spends less).\n\n"
      "| design | macros | fmax MHz | N:M per block | held-out ppl (x) | decode µs/token | prefill µs/token | "
      "pJ/token | vs fixed 1:2 decode / energy |\n|---|---:|---:|---|---:|---:|---:|---:|---|\n",
      s.at("model").get<std::string>(), budget, s.at("area_um2").get<double>() / 1e6, s.at("macros").get<int>(),
      s.at("reference_macro_area_um2").get<double>() / 1e6, s.at("heldout").get<std::string>());
  std::vector<size_t> order(s.at("rows").size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const json& rows = s.at("rows");
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return rows[a]["decode_us"].get<double>() < rows[b]["decode_us"].get<double>();
  });
  for (size_t i : order) {
    const json& r = rows[i];
    md += fmt::format("| {} | {} | {:.1f} | {} | {:.3f} ({:.3f}x) | {:.2f} | {:.3f} | {:.4g} | {} |\n",
                      r["label"].get<std::string>(), r["macros"].get<int>(), r["fmax_mhz"].get<double>(),
                      r["patterns"].get<std::string>(), r["heldout_ppl"].get<double>(),
                      r["heldout_ratio"].get<double>(), r["decode_us"].get<double>(),
                      r["prefill_us_per_token"].get<double>(), r["energy_per_token_pj"].get<double>(),
                      r.contains("decode_vs_fixed12")
                          ? fmt::format("{:.3f}x / {:.3f}x", r["decode_vs_fixed12"].get<double>(),
                                        r["energy_vs_fixed12"].get<double>())
                          : std::string("-"));
  }
  md += "\n";
  if (s.at("best_decode").is_null()) {
    md += "No FlexCiM design has a point at this budget with energies: no configuration is named.\n";
  } else {
    const json& d = rows[s.at("best_decode").get<size_t>()];
    const json& e = rows[s.at("best_energy").get<size_t>()];
    if (s.at("best_decode") == s.at("best_energy")) {
      md += fmt::format("**Best configuration at {}x, equal area: {}** (lowest decode latency, {:.2f} µs/token, and "
                        "lowest energy, {:.4g} pJ/token, of the FlexCiM designs).\n",
                        budget, d["label"].get<std::string>(), d["decode_us"].get<double>(),
                        d["energy_per_token_pj"].get<double>());
    } else {
      md += fmt::format("**Best decode latency at {}x, equal area: {}** ({:.2f} µs/token, {:.4g} pJ/token); **lowest "
                        "energy per token: {}** ({:.2f} µs/token, {:.4g} pJ/token).\n",
                        budget, d["label"].get<std::string>(), d["decode_us"].get<double>(),
                        d["energy_per_token_pj"].get<double>(), e["label"].get<std::string>(),
                        e["decode_us"].get<double>(), e["energy_per_token_pj"].get<double>());
    }
  }
  const json& t = s.at("target");
  md += fmt::format("\nDesign target (a FlexCiM design >= 1.5x faster in decode and >= 1.3x lower energy per token "
                    "than fixed 1:2 at equal area, <= 1.25x dense): {}; the best ratios over the sweep are {:.3f}x "
                    "decode and {:.3f}x energy.\n",
                    !t.at("assessed").get<bool>() ? fmt::format("not assessed at {}x (above 1.25x)", budget)
                    : t.at("met").get<bool>()     ? std::string("**met**")
                                                  : std::string("**not met**"),
                    t.at("best_decode_vs_fixed12").get<double>(), t.at("best_energy_vs_fixed12").get<double>());
  if (!s.at("skipped").empty()) {
    md += "\nNot compared:\n\n";
    for (const json& line : s.at("skipped")) md += "- " + line.get<std::string>() + "\n";
  }
  return md;
}

}  // namespace flexcim::codesign
