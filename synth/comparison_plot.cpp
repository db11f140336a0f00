#include "synth/comparison_plot.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/svg_chart.h"
#include "synth/ppa_report.h"

namespace flexcim::synth {

namespace {

constexpr int kWidth = 900, kPanel = 340;

std::string Variant(const std::string& mac, const std::string& storage) { return mac + " / " + storage; }

template <typename T>
void AddOnce(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

Chart VariantChart(std::string title, std::string y_label) {
  Chart c;
  c.kind = ChartKind::kBar;
  c.title = std::move(title);
  c.x_label = "MAC style / storage";
  c.y_label = std::move(y_label);
  return c;
}

// One bar series per architecture over the variants; std::nullopt when a
// result lacks the figure.
template <typename Figure>
std::optional<Chart> PerArchChart(const std::vector<PpaResult>& results, const std::vector<std::string>& variants,
                                  const std::vector<std::string>& archs, std::string title, std::string y_label,
                                  Figure figure) {
  Chart c = VariantChart(std::move(title), std::move(y_label));
  c.categories = variants;
  for (const auto& arch : archs) {
    ChartSeries s;
    s.name = arch;
    s.values.assign(variants.size(), 0.0);
    s.point_labels.assign(variants.size(), "");
    for (const auto& r : results) {
      if (r.arch != arch) continue;
      const auto i = std::find(variants.begin(), variants.end(), Variant(r.mac, r.storage)) - variants.begin();
      const std::optional<double> v = figure(r);
      if (!v) return std::nullopt;
      s.values[i] = *v;
      s.point_labels[i] = fmt::format("{:.3g}", *v);
    }
    c.series.push_back(std::move(s));
  }
  return c;
}

}  // namespace

std::optional<std::string> ComparisonSvg(const std::vector<PpaResult>& results) {
  if (results.size() < 2) return std::nullopt;
  std::vector<std::string> variants, archs;
  for (const auto& r : results) {
    AddOnce(variants, Variant(r.mac, r.storage));
    AddOnce(archs, r.arch);
  }
  std::vector<Chart> charts;
  if (auto c = PerArchChart(results, variants, archs, "Area per weight", "µm² per weight",
                            [](const PpaResult& r) { return std::optional<double>(r.AreaPerWeightUm2()); }))
    charts.push_back(*c);
  if (auto c = PerArchChart(results, variants, archs, "Energy per 8-bit-equivalent MAC", "pJ",
                            [](const PpaResult& r) { return r.EnergyPerMac8Pj(); }))
    charts.push_back(*c);

  const auto overheads = ComputeOverheads(results);
  Chart o = VariantChart("FlexCiM overhead against the fixed 1:2 macro (goal: below 5%)", "% of the fixed 1:2 macro");
  ChartSeries area, energy, goal;
  area.name = "flexibility area";
  energy.name = "energy per MAC";
  goal.name = "5% goal";
  bool all_energy = true;
  for (const auto& e : overheads) {
    if (e.baseline_arch != "sparse12") continue;
    o.categories.push_back(Variant(e.mac, e.storage));
    area.values.push_back(e.flexibility_percent);
    area.point_labels.push_back(fmt::format("{:.2f}%", e.flexibility_percent));
    energy.values.push_back(e.energy_difference_percent.value_or(0));
    energy.point_labels.push_back(
        e.energy_difference_percent ? fmt::format("{:+.2f}%", *e.energy_difference_percent) : "-");
    all_energy = all_energy && e.energy_difference_percent.has_value();
    goal.values.push_back(5.0);
  }
  if (!o.categories.empty()) {
    o.series.push_back(area);
    if (all_energy) o.series.push_back(energy);
    o.series.push_back(goal);
    charts.push_back(o);
  }
  SvgCanvas canvas(kWidth, kPanel * static_cast<int>(charts.size()));
  for (size_t i = 0; i < charts.size(); ++i) canvas.Draw(charts[i], 0, 1.0 * kPanel * i, kWidth, kPanel);
  return canvas.Render();
}

}  // namespace flexcim::synth
