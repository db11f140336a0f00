#include "synth/area_breakdown.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "core/errors.h"
#include "synth/component_map.h"

namespace flexcim::synth {

AreaBreakdown ComputeAreaBreakdown(const YosysStat& stat, const LibertyCells& cells,
                                   const AreaBreakdownOptions& options) {
  AreaBreakdown out;
  out.top = stat.top;
  if (out.top.empty()) {
    // No "Chip area for top module" line: the top is the module nobody instantiates.
    std::set<std::string> children;
    for (const auto& [name, m] : stat.modules)
      for (const auto& [type, n] : m.cell_counts)
        if (stat.modules.count(type)) children.insert(type);
    for (const auto& [name, m] : stat.modules)
      if (!children.count(name)) out.top = name;
  }
  if (!stat.modules.count(out.top)) throw Error(fmt::format("top module '{}' missing from the Yosys statistics", out.top));

  // Instance counts: depth-first from the top (the hierarchy is a DAG).
  std::map<std::string, long long> instances;
  std::vector<std::string> order;
  std::function<void(const std::string&, long long)> visit = [&](const std::string& name, long long n) {
    if (!instances.count(name)) order.push_back(name);
    instances[name] += n;
    for (const auto& [type, count] : stat.modules.at(name).cell_counts)
      if (stat.modules.count(type)) visit(type, n * count);
  };
  visit(out.top, 1);

  for (const auto& c : ComponentOrder()) out.components[c] = 0;
  double summed = 0;
  for (const auto& name : order) {
    const YosysModuleStat& m = stat.modules.at(name);
    double lib_area = 0, seq_area = 0;
    long long seq_cells = 0;
    for (const auto& [type, count] : m.cell_counts) {
      if (stat.modules.count(type)) continue;
      const auto it = cells.find(type);
      if (it == cells.end()) {
        throw Error(fmt::format("module '{}' has {} cells of type '{}', which is neither a module "
                                "nor a liberty cell (unmapped logic)",
                                name, count, type));
      }
      lib_area += it->second.area * static_cast<double>(count);
      if (it->second.sequential) {
        seq_area += it->second.area * static_cast<double>(count);
        seq_cells += count;
      }
    }
    if (m.chip_area && std::abs(*m.chip_area - lib_area) > 0.01) {
      throw Error(fmt::format("module '{}': Yosys reports {:.4f} µm², its cells sum to {:.4f} µm² "
                              "(liberty mismatch?)",
                              name, *m.chip_area, lib_area));
    }
    const double own = m.chip_area.value_or(lib_area);
    const ComponentRule& rule = RuleForModule(name);
    ModuleArea ma{name, rule.comb_component, instances[name], own, seq_area,
                  own * static_cast<double>(instances[name])};
    const double k = static_cast<double>(ma.instances);
    // Rounding of Yosys's 6-decimal area can leave -1e-7 for an all-flip-flop module.
    const double comb_total = std::max(0.0, own - seq_area) * k;
    const double seq_total = seq_area * k;
    AddToComponents(rule, comb_total, seq_total, options, out.components);
    out.sequential_cells += seq_cells * ma.instances;
    summed += ma.total_area;
    out.modules.push_back(ma);
  }
  out.total_area = stat.top_area.value_or(summed);
  if (std::abs(out.total_area - summed) > 0.01 * static_cast<double>(order.size()) + 1e-6) {
    throw Error(fmt::format("hierarchy roll-up gives {:.4f} µm² but Yosys reports {:.4f} µm² for '{}'",
                            summed, out.total_area, out.top));
  }
  return out;
}

void AddToComponents(const ComponentRule& rule, double comb, double seq, const AreaBreakdownOptions& options,
                     std::map<std::string, double>& components) {
  if (rule.cell_storage) {
    const double bits = options.w_bits + options.element_bits_per_cell;
    const double element_share = options.element_bits_per_cell / bits;
    components[kElementBits] += (comb + seq) * element_share;
    components[kWeightStorage] += (comb + seq) * (1 - element_share);
  } else {
    components[rule.comb_component] += comb;
    components[rule.seq_component] += seq;
  }
}

}  // namespace flexcim::synth
