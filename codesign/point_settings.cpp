#include "codesign/point_settings.h"

#include <fmt/format.h>

#include <algorithm>

#include "codesign/codesign_run.h"
#include "codesign/perf_report.h"
#include "codesign/perf_table.h"
#include "core/errors.h"
#include "flow_pruner/pruned_container.h"

namespace flexcim::codesign {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<std::pair<golden::OperationEnergies, fs::path>> EnergyLookup::Find(Arch arch,
                                                                                 const MacroConfig& config) {
  const std::string key = ArchName(arch) + "/" + golden::EnergyConfigName(arch, config);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::optional<std::pair<golden::OperationEnergies, fs::path>> found;
  for (const fs::path& f : files_) {
    const auto e = golden::ReadOperationEnergies(f, config);
    if (auto it = e.find(arch); it != e.end()) {
      found = std::make_pair(it->second, f);
      break;
    }
  }
  cache_[key] = found;
  return found;
}

MacroConfig CurveConfig(const MacroConfig& base, Arch arch, int G, const std::string& style) {
  const CellStyle s = ParseCellStyles(style).at(0);
  const MacroConfig c = MacroConfig::Create({.subs = base.subs(), .rows = base.rows(), .cols = base.cols(),
                                             .sel_group = arch == Arch::kFlexcim ? G : base.cols(),
                                             .a_bits = base.a_bits(), .w_bits = base.w_bits()});
  return c.WithMac(s.mac).WithStorage(s.storage);
}

namespace {

const ChosenPoint& PointOf(const std::vector<ChosenPoint>& points, Arch arch, int G, const std::string& style,
                           double budget) {
  for (const ChosenPoint& p : points) {
    const json& f = p.facts;
    if (f.at("arch") == ArchName(arch) && f.at("style") == style && f.at("budget").get<double>() == budget &&
        (arch != Arch::kFlexcim || f.at("G").get<int>() == G)) {
      return p;
    }
  }
  throw Error(fmt::format("codesign: no chosen point for {} G={} {} at {}x", ArchName(arch), G, style, budget));
}

}  // namespace

json ChoicesAtSettings(const std::vector<ChosenPoint>& points, const SettingsInputs& in,
                       std::vector<std::string>* notes) {
  EnergyLookup energies(in.energy_files);
  std::vector<double> budgets;
  for (const ChosenPoint& p : points) {
    const double b = p.facts.at("budget").get<double>();
    if (std::find(budgets.begin(), budgets.end(), b) == budgets.end()) budgets.push_back(b);
  }
  std::sort(budgets.begin(), budgets.end());
  // The curves: FlexCiM at each G, then the baselines, in --arch order.
  std::vector<std::pair<Arch, int>> curves;
  for (Arch a : in.archs) {
    if (a == Arch::kFlexcim) {
      for (int G : in.groups) curves.emplace_back(a, G);
    } else {
      curves.emplace_back(a, 0);
    }
  }
  struct Setting {
    std::string style;
    bool equal_area = false;
    int reference_G = 0;
  };
  std::vector<Setting> settings;
  for (const std::string& s : in.styles) {
    settings.push_back({s, false, 0});
    for (const auto& [a, G] : curves) {
      if (a != Arch::kFlexcim) continue;
      if (!energies.Find(a, CurveConfig(in.base, a, G, s))) {
        if (notes) {
          notes->push_back(fmt::format("no energies (area, fmax) for FlexCiM {} in the --energy files: no equal-area "
                                       "points and no µs or pJ against it",
                                       CurveConfig(in.base, a, G, s).Name()));
        }
        continue;
      }
      settings.push_back({s, true, G});
    }
  }

  json choices = json::array();
  for (const Setting& set : settings) {
    for (const auto& [arch, G] : curves) {
      if (set.equal_area && arch == Arch::kFlexcim && G != set.reference_G) continue;
      const MacroConfig styled = CurveConfig(in.base, arch, G, set.style);
      const auto file = energies.Find(arch, styled);
      const std::optional<golden::OperationEnergies> ops = file ? std::optional(file->first) : std::nullopt;
      int q = in.macros;
      if (set.equal_area) {
        if (!ops) continue;  // no equal-area point without its area
        const auto ref = energies.Find(Arch::kFlexcim, CurveConfig(in.base, Arch::kFlexcim, set.reference_G, set.style));
        q = golden::EqualAreaMacros(in.macros, ref->first.area_um2, ops->area_um2);
      }
      for (double budget : budgets) {
        const ChosenPoint& point = PointOf(points, arch, G, set.style, budget);
        json ch = point.facts;
        ch["area_mode"] = set.equal_area ? "equal_area" : "equal_cells";
        ch["reference_G"] = set.equal_area ? json(set.reference_G) : json(nullptr);
        if (!ch.at("reachable").get<bool>()) {
          choices.push_back(ch);
          continue;
        }
        const golden::ArchPerf perf =
            golden::EvaluateArch(arch, styled, point.layers, q, in.tokens, ops, in.buffer_pj_per_bit);
        const json pj = golden::ToJson(perf);
        for (const char* k : {"macros", "tiles", "regime", "decode_cycles", "prefill_cycles", "prefill_tokens",
                              "fmax_mhz", "decode_us", "prefill_us", "energy_per_token_pj",
                              "energy_per_token_with_buffer_pj", "area_um2", "decode_utilisation"}) {
          ch[k] = pj.at(k);
        }
        ch["prefill_us_per_token"] =
            pj.at("prefill_us").is_null() ? json(nullptr) : json(pj.at("prefill_us").get<double>() / in.tokens);
        int blocks = 0;
        for (const golden::ModelLayer& l : point.layers) blocks = std::max(blocks, l.block + 1);
        std::vector<int64_t> per_block(blocks, 0);
        for (size_t i = 0; i < point.layers.size(); ++i) {
          per_block.at(point.layers[i].block) += perf.system.decode.layers[i].cycles;
        }
        ch["block_decode_cycles"] = per_block;
        ch["energy_file"] = file ? json(file->second.string()) : json(nullptr);
        const std::string dir = ch.at("prune_dir").get<std::string>();
        ch["commands"] = {
            {"eval", fmt::format("flexcim eval --pruned {} --tokenizer {} --blocks {}", dir, in.tokenizer_path,
                                 in.heldout_slice)},
            {"perf", fmt::format("flexcim perf --pruned {} --arch {} --macros {} --tokens {} {}{}", dir,
                                 ArchName(arch), q, in.tokens, styled.Flags(),
                                 file ? " --energy " + file->second.string() : std::string())}};
        choices.push_back(ch);
      }
    }
  }
  return choices;
}

json RescoreCodesign(const json& cd, const std::vector<fs::path>& energy_files, const std::string& source) {
  SettingsInputs in;
  in.base = ParseMacroConfigName(cd.at("config").get<std::string>());
  for (const json& a : cd.at("archs")) in.archs.push_back(ParseArch(a.get<std::string>()));
  in.groups = cd.at("groups").get<std::vector<int>>();
  in.styles = cd.at("styles").get<std::vector<std::string>>();
  in.macros = cd.at("macros").get<int>();
  in.tokens = cd.at("tokens").get<int64_t>();
  in.buffer_pj_per_bit = cd.at("buffer_pj_per_bit").get<double>();
  in.energy_files = energy_files;
  in.heldout_slice = cd.at("slices").at("heldout").get<std::string>();
  // The tokenizer of the commands: as the run wrote it.
  for (const json& c : cd.at("choices")) {
    if (c.contains("commands")) {
      const std::string eval = c.at("commands").at("eval").get<std::string>();
      const size_t t = eval.find("--tokenizer ");
      if (t != std::string::npos) {
        const size_t from = t + 12;
        in.tokenizer_path = eval.substr(from, eval.find(' ', from) - from);
      }
      break;
    }
  }
  // The chosen points: the equal-cells choices (one per architecture / G /
  // style / budget), without the setting's figures.
  std::vector<ChosenPoint> points;
  std::map<std::string, std::vector<golden::ModelLayer>> layers_of;
  for (const json& c : cd.at("choices")) {
    if (c.at("area_mode") != "equal_cells") continue;
    ChosenPoint p;
    for (const char* k : {"budget", "arch", "G", "label", "style", "tries", "reachable", "note", "patterns",
                          "sparsified", "block_sparsity", "prune_dir", "validation_ppl_estimate", "validation_ppl",
                          "validation_ratio", "heldout_ppl", "heldout_ratio"}) {
      if (c.contains(k)) p.facts[k] = c.at(k);
    }
    if (c.at("reachable").get<bool>()) {
      const std::string dir = c.at("prune_dir").get<std::string>();
      if (!layers_of.count(dir)) {
        const fs::path file = fs::path(dir) / "pruned.flexcim";
        if (!fs::exists(file)) {
          throw Error(fmt::format("{}: chosen point {} {}: no {} (was the run moved?)", source,
                                  c.at("label").get<std::string>(), c.at("patterns").get<std::string>(),
                                  file.string()));
        }
        layers_of[dir] = ContainerLayers(pruner::ReadContainer(file));
      }
      p.layers = layers_of[dir];
    }
    points.push_back(std::move(p));
  }
  std::vector<std::string> notes;
  json out = cd;
  out["choices"] = ChoicesAtSettings(points, in, &notes);
  out["notes"] = notes;
  std::vector<std::string> files;
  for (const fs::path& f : energy_files) files.push_back(f.string());
  out["energy_files"] = files;
  out["rescored_from"] = source;
  return out;
}

}  // namespace flexcim::codesign
