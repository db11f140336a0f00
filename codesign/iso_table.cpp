#include "codesign/iso_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <vector>

#include "codesign/codesign_run.h"
#include "core/svg_chart.h"

namespace flexcim::codesign {

namespace {

using nlohmann::json;

constexpr double kTargetBudget = 1.25, kTargetDecode = 1.5, kTargetEnergy = 1.3;

bool Has(const json& j, const char* k) { return j.contains(k) && !j.at(k).is_null(); }

// Decode latency, prefill latency per token, energy per token (null: unknown).
double Decode(const json& c, bool time) {
  return time ? c.at("decode_us").get<double>() : static_cast<double>(c.at("decode_cycles").get<int64_t>());
}
double Prefill(const json& c, bool time) {
  return time ? c.at("prefill_us_per_token").get<double>()
              : static_cast<double>(c.at("prefill_cycles").get<int64_t>()) / c.at("prefill_tokens").get<double>();
}

struct Ratios {
  double decode = 0, prefill = 0;
  std::optional<double> energy;
  bool time = false;
};

// baseline / FlexCiM (above 1: FlexCiM faster or spends less).
Ratios RatiosOf(const json& flex, const json& base) {
  Ratios r;
  r.time = Has(flex, "decode_us") && Has(base, "decode_us");
  r.decode = Decode(base, r.time) / Decode(flex, r.time);
  r.prefill = Prefill(base, r.time) / Prefill(flex, r.time);
  if (Has(flex, "energy_per_token_pj") && Has(base, "energy_per_token_pj")) {
    r.energy = base.at("energy_per_token_pj").get<double>() / flex.at("energy_per_token_pj").get<double>();
  }
  return r;
}

std::string RatioText(const Ratios& r) {
  return fmt::format("{:.2f}x / {:.2f}x / {}", r.decode, r.prefill, r.energy ? fmt::format("{:.2f}x", *r.energy) : "-");
}

const json* Find(const json& choices, double budget, const std::string& arch, const json& G, const std::string& style,
                 const std::string& mode, const json& ref) {
  for (const json& c : choices) {
    if (c.at("budget").get<double>() == budget && c.at("arch") == arch && c.at("style") == style &&
        c.at("area_mode") == mode && (arch != "flexcim" || c.at("G") == G) && c.at("reference_G") == ref &&
        c.at("reachable").get<bool>()) {
      return &c;
    }
  }
  return nullptr;
}

// The blocks whose decode time differs most between the two points.
std::string Drivers(const json& flex, const json& base, bool time) {
  const auto fb = flex.at("block_decode_cycles").get<std::vector<int64_t>>();
  const auto bb = base.at("block_decode_cycles").get<std::vector<int64_t>>();
  const auto fp = SplitCommaList(flex.at("patterns").get<std::string>());
  const auto bp = SplitCommaList(base.at("patterns").get<std::string>());
  const double ff = time ? flex.at("fmax_mhz").get<double>() : 1.0;
  const double bf = time ? base.at("fmax_mhz").get<double>() : 1.0;
  std::vector<std::pair<double, size_t>> diff;
  for (size_t b = 0; b < fb.size() && b < bb.size(); ++b) diff.emplace_back(bb[b] / bf - fb[b] / ff, b);
  std::sort(diff.begin(), diff.end(), [](const auto& a, const auto& b) {
    return std::abs(a.first) > std::abs(b.first) || (std::abs(a.first) == std::abs(b.first) && a.second < b.second);
  });
  std::string s;
  for (size_t i = 0; i < diff.size() && i < 3; ++i) {
    const size_t b = diff[i].second;
    s += fmt::format("{}block {} ({} vs {}: {:+.3g} {})", i ? ", " : "", b, fp.at(b), bp.at(b), diff[i].first,
                     time ? "µs" : "cycles");
  }
  return s;
}

struct TableScope {
  std::string style, mode;
  json ref;  // reference G (equal area) or null
  json G;    // FlexCiM G
};

}  // namespace

std::string IsoPerplexityMarkdown(const json& cd) {
  const json& choices = cd.at("choices");
  const auto budgets = cd.at("budgets").get<std::vector<double>>();
  const auto groups = cd.at("groups").get<std::vector<int>>();
  const auto styles = cd.at("styles").get<std::vector<std::string>>();
  std::string md = fmt::format(
      "## At equal perplexity: FlexCiM against fixed 1:2 and dense DCiM ({}, held-out blocks {})\n\n"
      "Each architecture runs its own best model under each budget (held-out perplexity relative to the dense W8A8 "
      "model, {:.4f}): `flexcim codesign` (docs/CODESIGN.md) picks per block the pattern that architecture runs "
      "(FlexCiM at G: its N:M set with masks legal at G, dense as 2:2; fixed 1:2: dense or 1:2 with free masks; "
      "dense DCiM: the dense model), minimising decode {} on Q = {} macros subject to W8A8 perplexity <= budget x "
      "dense on validation blocks {} (calibration {}, neither overlaps the held-out text), OBS reconstruction. "
      "Ratios are baseline / FlexCiM as decode / prefill / energy per token (above 1: FlexCiM is faster or spends "
      "less), at equal area (each baseline gets the macros whose total area matches Q FlexCiM macros at that G).\n\n",
      cd.at("model").get<std::string>(), cd.at("slices").at("heldout").get<std::string>(),
      cd.at("dense").at("heldout_w8a8_ppl").get<double>(), cd.at("objective").get<std::string>(),
      cd.at("macros").get<int>(), cd.at("slices").at("validation").get<std::string>(),
      cd.at("slices").at("calibration").get<std::string>());
  std::vector<std::string> losses, drivers, unreachable;
  struct Best {
    double decode = 0;
    std::optional<double> energy;
    std::string where;
  };
  std::optional<Best> best_at_target;
  for (const std::string& style : styles) {
    bool any_equal_area = false;
    for (const json& c : choices) any_equal_area |= c.at("style") == style && c.at("area_mode") == "equal_area";
    const std::string mode = any_equal_area ? "equal_area" : "equal_cells";
    md += fmt::format("### {} cells, {}\n\n", style,
                      any_equal_area ? "equal area" : "equal cells (no areas for this style: not at equal area)");
    md += "| budget | FlexCiM G | FlexCiM N:M per block | held-out ppl (x dense) | decode µs | pJ/token | fixed 1:2 "
          "N:M (Q) | ppl | vs fixed 1:2 | dense Q | vs dense |\n|---:|---:|---|---:|---:|---:|---|---:|---|---:|---|\n";
    for (double budget : budgets) {
      for (int G : groups) {
        const json ref = any_equal_area ? json(G) : json(nullptr);
        const json* f = Find(choices, budget, "flexcim", G, style, mode, ref);
        if (!f) continue;
        const json* s = Find(choices, budget, "sparse12", nullptr, style, mode, ref);
        const json* d = Find(choices, budget, "dense", nullptr, style, mode, ref);
        auto opt = [](const json& c, const char* k, const char* fmt_) {
          return Has(c, k) ? fmt::format(fmt::runtime(fmt_), c.at(k).get<double>()) : std::string("-");
        };
        const std::optional<Ratios> rs = s ? std::optional(RatiosOf(*f, *s)) : std::nullopt;
        const std::optional<Ratios> rd = d ? std::optional(RatiosOf(*f, *d)) : std::nullopt;
        md += fmt::format("| {} | {} | {} | {:.3f} ({:.3f}x) | {} | {} | {} | {} | {} | {} | {} |\n", budget, G,
                          f->at("patterns").get<std::string>(), f->at("heldout_ppl").get<double>(),
                          f->at("heldout_ratio").get<double>(), opt(*f, "decode_us", "{:.2f}"),
                          opt(*f, "energy_per_token_pj", "{:.4g}"),
                          s ? fmt::format("{} ({})", s->at("patterns").get<std::string>(), s->at("macros").get<int>())
                            : "-",
                          s ? fmt::format("{:.3f}", s->at("heldout_ppl").get<double>()) : "-",
                          rs ? RatioText(*rs) : "-", d ? std::to_string(d->at("macros").get<int>()) : "-",
                          rd ? RatioText(*rd) : "-");
        const std::string where = fmt::format("budget {}x, G = {}, {}", budget, G, style);
        if (rs) {
          drivers.push_back(fmt::format("- {}: vs fixed 1:2 {}", where, Drivers(*f, *s, rs->time)));
          std::vector<std::string> lost;
          if (rs->decode < 1) lost.push_back(fmt::format("decode {:.3f}x", rs->decode));
          if (rs->prefill < 1) lost.push_back(fmt::format("prefill {:.3f}x", rs->prefill));
          if (rs->energy && *rs->energy < 1) lost.push_back(fmt::format("energy {:.3f}x", *rs->energy));
          if (!lost.empty()) losses.push_back(fmt::format("- {}: FlexCiM loses to fixed 1:2 in {}", where,
                                                          fmt::join(lost, ", ")));
          if (budget == kTargetBudget && any_equal_area &&
              (!best_at_target || rs->decode > best_at_target->decode)) {
            best_at_target = Best{rs->decode, rs->energy, where};
          }
        }
        if (rd) {
          drivers.push_back(fmt::format("- {}: vs dense {}", where, Drivers(*f, *d, rd->time)));
          std::vector<std::string> lost;
          if (rd->decode < 1) lost.push_back(fmt::format("decode {:.3f}x", rd->decode));
          if (rd->prefill < 1) lost.push_back(fmt::format("prefill {:.3f}x", rd->prefill));
          if (rd->energy && *rd->energy < 1) lost.push_back(fmt::format("energy {:.3f}x", *rd->energy));
          if (!lost.empty()) {
            losses.push_back(fmt::format("- {}: FlexCiM loses to dense DCiM in {}", where, fmt::join(lost, ", ")));
          }
        }
      }
    }
    md += "\n";
  }
  for (const json& c : choices) {
    if (!c.at("reachable").get<bool>()) {
      unreachable.push_back(fmt::format("- {} ({}, {}): budget {}x unreachable: {}", c.at("label").get<std::string>(),
                                        c.at("style").get<std::string>(), c.at("area_mode").get<std::string>(),
                                        c.at("budget").get<double>(), c.at("note").get<std::string>()));
    }
  }
  std::set<std::string> dense_only;
  for (const json& c : choices) {
    if (c.at("reachable").get<bool>() && !c.at("sparsified").get<bool>() && c.at("arch") != "dense") {
      dense_only.insert(fmt::format("{} at {}x", c.at("label").get<std::string>(), c.at("budget").get<double>()));
    }
  }
  if (!dense_only.empty()) {
    md += fmt::format("No sparse assignment meets the budget (every block stays dense) for: {}.\n\n",
                      fmt::join(dense_only, "; "));
  }
  if (!unreachable.empty()) md += "Unreachable budgets:\n\n" + fmt::format("{}", fmt::join(unreachable, "\n")) + "\n\n";
  md += "Which blocks drive each ratio (the three blocks whose decode time differs most, FlexCiM's pattern vs the "
        "baseline's, baseline minus FlexCiM):\n\n" + fmt::format("{}", fmt::join(drivers, "\n")) + "\n\n";
  md += losses.empty() ? std::string("FlexCiM loses nowhere in these tables.\n\n")
                       : "Where FlexCiM loses:\n\n" + fmt::format("{}", fmt::join(losses, "\n")) + "\n\n";
  if (best_at_target) {
    const bool met = best_at_target->decode >= kTargetDecode && best_at_target->energy &&
                     *best_at_target->energy >= kTargetEnergy;
    md += fmt::format(
        "Design target ({}x decode and {}x energy per token against fixed 1:2 at equal area, perplexity <= {}x "
        "dense): {}. The best decode ratio at {}x is {:.2f}x ({}), energy {}.\n\n",
        kTargetDecode, kTargetEnergy, kTargetBudget, met ? "met" : "NOT met", kTargetBudget, best_at_target->decode,
        best_at_target->where, best_at_target->energy ? fmt::format("{:.2f}x", *best_at_target->energy) : "unknown");
  }
  for (const json& n : cd.at("notes")) md += "Note: " + n.get<std::string>() + ".\n";
  return md;
}

std::string CodesignMarkdown(const json& cd) {
  std::string md = "# Codesign: " + cd.at("model").get<std::string>() + "\n\n" + IsoPerplexityMarkdown(cd) + "\n";
  md += "## Every chosen point\n\nRe-run any point with its `eval` and `perf` commands (codesign.json, "
        "`commands`); they give the same numbers.\n\n"
        "| budget | arch | style | area | Q | N:M per block | validation ppl (est.) | held-out ppl | decode cycles | "
        "decode µs | prefill µs/token | pJ/token | area (mm²) | prune output |\n"
        "|---:|---|---|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|\n";
  auto opt = [](const json& c, const char* k, const char* f, double scale = 1) {
    return Has(c, k) ? fmt::format(fmt::runtime(f), c.at(k).get<double>() * scale) : std::string("-");
  };
  for (const json& c : cd.at("choices")) {
    if (!c.at("reachable").get<bool>()) continue;
    const std::string area = c.at("area_mode") == "equal_area"
                                 ? fmt::format("equal to G={}", c.at("reference_G").get<int>())
                                 : std::string("equal cells");
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {:.3f} ({:.3f}) | {:.3f} | {} | {} | {} | {} | {} | {} |\n",
                      c.at("budget").get<double>(), c.at("label").get<std::string>(), c.at("style").get<std::string>(),
                      area, c.at("macros").get<int>(), c.at("patterns").get<std::string>(),
                      c.at("validation_ppl").get<double>(), c.at("validation_ppl_estimate").get<double>(),
                      c.at("heldout_ppl").get<double>(), c.at("decode_cycles").get<int64_t>(),
                      opt(c, "decode_us", "{:.2f}"), opt(c, "prefill_us_per_token", "{:.3f}"),
                      opt(c, "energy_per_token_pj", "{:.4g}"), opt(c, "area_um2", "{:.2f}", 1e-6),
                      c.at("prune_dir").get<std::string>());
  }
  md += "\nPlots: ";
  for (const auto& [name, svg] : CodesignCharts(cd)) md += fmt::format("[{}]({}) ", name, name);
  return md + "\n";
}

std::map<std::string, std::string> CodesignCharts(const json& cd) {
  std::map<std::string, std::string> out;
  const json& choices = cd.at("choices");
  const auto groups = cd.at("groups").get<std::vector<int>>();
  for (const std::string& style : cd.at("styles").get<std::vector<std::string>>()) {
    std::vector<Chart> charts;
    for (const std::string mode : {"equal_cells", "equal_area"}) {
      const json ref = mode == "equal_area" && !groups.empty() ? json(groups.back()) : json(nullptr);
      for (const bool energy : {false, true}) {
        Chart c;
        c.kind = ChartKind::kScatter;
        bool time = true;
        for (const json& p : choices) {
          if (p.at("style") == style && p.at("area_mode") == mode && p.at("reachable").get<bool>()) {
            time &= Has(p, "decode_us");
          }
        }
        c.title = fmt::format("{}, {}, {}: held-out perplexity vs {}", cd.at("model").get<std::string>(), style,
                              mode == "equal_area" ? fmt::format("equal area (baselines matched to G = {})",
                                                                 ref.is_null() ? 0 : ref.get<int>())
                                                   : std::string("equal cells"),
                              energy ? "energy per token" : "decode latency per token");
        c.x_label = energy ? "pJ per decoded token" : (time ? "µs per decoded token" : "cycles per decoded token");
        c.y_label = "held-out perplexity (W8A8)";
        std::map<std::string, ChartSeries> series;
        std::vector<std::string> order;
        for (const json& p : choices) {
          if (p.at("style") != style || p.at("area_mode") != mode || !p.at("reachable").get<bool>()) continue;
          if (mode == "equal_area" && p.at("arch") != "flexcim" && p.at("reference_G") != ref) continue;
          const json x = energy ? p.at("energy_per_token_pj") : (time ? p.at("decode_us") : p.at("decode_cycles"));
          if (x.is_null()) continue;
          const std::string name = p.at("label").get<std::string>();
          if (!series.count(name)) order.push_back(name);
          ChartSeries& s = series[name];
          s.name = name;
          s.x_values.push_back(x.get<double>());
          s.values.push_back(p.at("heldout_ppl").get<double>());
          s.point_labels.push_back(fmt::format("{}x", p.at("budget").get<double>()));
        }
        for (const std::string& n : order) c.series.push_back(series.at(n));
        if (!c.series.empty()) charts.push_back(std::move(c));
      }
    }
    if (charts.empty()) continue;
    SvgCanvas canvas(1100, 460 * static_cast<int>(charts.size()));
    for (size_t i = 0; i < charts.size(); ++i) canvas.Draw(charts[i], 0, 460.0 * i, 1100, 460);
    std::string file = style;
    std::replace(file.begin(), file.end(), '/', '_');
    out["codesign_" + file + ".svg"] = canvas.Render();
  }
  return out;
}

}  // namespace flexcim::codesign
