#include "synth/ppa_result.h"

#include "synth/component_map.h"

namespace flexcim::synth {

double PpaResult::FlexibilityArea() const {
  auto get = [&](const char* c) {
    const auto it = area.components.find(c);
    return it == area.components.end() ? 0.0 : it->second;
  };
  return get(kDistribution) + get(kSelectStorage) + get(kElementBits) + get(kMerge);
}

std::optional<double> PpaResult::EnergyPerVectorPj() const {
  if (!timing || timing->fmax_mhz <= 0) return std::nullopt;
  // mW / MHz = nJ; x1000 = pJ.
  return timing->power.total / timing->fmax_mhz * 1e3;
}

std::optional<double> PpaResult::EnergyPerMacPj() const {
  const auto per_vector = EnergyPerVectorPj();
  if (!per_vector || macs_per_cycle <= 0) return std::nullopt;
  return *per_vector / static_cast<double>(macs_per_cycle);
}

nlohmann::json ToJson(const PpaResult& r) {
  nlohmann::json j;
  j["arch"] = r.arch;
  j["name"] = r.name;
  j["params"] = r.params;
  j["latency"] = r.latency;
  j["macs_per_cycle"] = r.macs_per_cycle;
  j["check_assert_passed"] = r.check_passed;
  nlohmann::json area;
  area["top"] = r.area.top;
  area["total_um2"] = r.area.total_area;
  area["sequential_cells"] = r.area.sequential_cells;
  nlohmann::json comps = nlohmann::json::object();
  for (const auto& c : ComponentOrder()) {
    const double a = r.area.components.count(c) ? r.area.components.at(c) : 0.0;
    comps[c] = {{"um2", a}, {"percent", r.area.total_area > 0 ? 100.0 * a / r.area.total_area : 0.0}};
  }
  area["components"] = comps;
  nlohmann::json modules = nlohmann::json::array();
  for (const auto& m : r.area.modules) {
    modules.push_back({{"name", m.name}, {"component", m.component}, {"instances", m.instances},
                       {"own_um2", m.own_area}, {"own_sequential_um2", m.own_seq_area},
                       {"total_um2", m.total_area}});
  }
  area["modules"] = modules;
  area["flexibility_um2"] = r.FlexibilityArea();
  j["area"] = area;
  if (r.timing) {
    const auto& t = *r.timing;
    j["timing"] = {{"critical_path", {{"startpoint", t.startpoint}, {"endpoint", t.endpoint},
                                      {"arrival_ns", t.arrival_ns}}},
                   {"min_period_ns", t.min_period_ns},
                   {"fmax_mhz", t.fmax_mhz},
                   {"compute_path", {{"startpoint", t.compute_startpoint}, {"endpoint", t.compute_endpoint}}},
                   {"compute_min_period_ns", t.compute_min_period_ns},
                   {"compute_fmax_mhz", t.compute_fmax_mhz}};
    auto pw = [](const PowerMw& p) {
      return nlohmann::json{{"internal_mw", p.internal}, {"switching_mw", p.switching},
                            {"leakage_mw", p.leakage}, {"total_mw", p.total}};
    };
    j["power"] = pw(t.power);
    j["power"]["sequential"] = pw(t.sequential_power);
    j["power"]["combinational"] = pw(t.combinational_power);
    j["power"]["at_mhz"] = t.fmax_mhz;
    j["power"]["default_input_activity"] = r.input_activity;
    j["power"]["port_activity"] = r.port_activity;
    auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    j["energy"] = {{"pj_per_mac", opt(r.EnergyPerMacPj())}, {"pj_per_vector", opt(r.EnergyPerVectorPj())}};
  } else {
    j["timing"] = nullptr;
  }
  j["runtime_s"] = {{"yosys", r.yosys_seconds}, {"sta", r.sta_seconds}};
  j["work_dir"] = r.work_dir;
  return j;
}

}  // namespace flexcim::synth
