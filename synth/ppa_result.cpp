#include "synth/ppa_result.h"

#include "core/json_input.h"

#include "synth/component_map.h"

namespace flexcim::synth {

double PpaResult::FlexibilityArea() const {
  auto get = [&](const char* c) {
    const auto it = area.components.find(c);
    return it == area.components.end() ? 0.0 : it->second;
  };
  return get(kDistribution) + get(kSelectStorage) + get(kElementBits) + get(kMerge);
}

std::optional<double> PpaResult::EnergyPerCyclePj() const {
  if (!timing || timing->fmax_mhz <= 0) return std::nullopt;
  // mW / MHz = nJ; x1000 = pJ.
  return timing->power.total / timing->fmax_mhz * 1e3;
}

std::optional<double> PpaResult::EnergyPerVectorPj() const {
  const auto per_cycle = EnergyPerCyclePj();
  if (!per_cycle) return std::nullopt;
  return *per_cycle * initiation_interval;
}

std::optional<double> PpaResult::EnergyPerMacPj() const {
  const auto per_cycle = EnergyPerCyclePj();
  if (!per_cycle || macs_per_cycle <= 0) return std::nullopt;
  return *per_cycle / macs_per_cycle;
}

double PpaResult::Mac8PerMac() const {
  return params.value("A", 8) * params.value("W", 8) / 64.0;
}

std::optional<double> PpaResult::EnergyPerMac8Pj() const {
  const auto e = EnergyPerMacPj();
  if (!e) return std::nullopt;
  return *e / Mac8PerMac();
}

std::optional<double> PpaResult::TopsPerWatt() const {
  const auto e = EnergyPerMac8Pj();
  if (!e || *e <= 0) return std::nullopt;
  return 2.0 / *e;  // 2 ops / (e pJ) = 2/e 1e12 ops/J
}

std::optional<double> PpaResult::ClockMhz() const {
  if (!timing || timing->fmax_mhz <= 0) return std::nullopt;
  return timing->fmax_mhz;
}

std::optional<double> PpaResult::ComputeFmaxMhz() const {
  if (!timing) return std::nullopt;
  return timing->compute_fmax_mhz > 0 ? timing->compute_fmax_mhz : timing->fmax_mhz;
}

std::optional<double> PpaResult::TopsPerMm2() const {
  const auto f = ClockMhz();
  if (!f || area.total_area <= 0) return std::nullopt;
  // 2 ops x MAC8/cycle x f[MHz] 1e6 / 1e12 per (area[µm²] / 1e6) mm².
  return 2.0 * macs_per_cycle * Mac8PerMac() * *f / area.total_area;
}

double PpaResult::AreaPerWeightUm2() const { return cells > 0 ? area.total_area / static_cast<double>(cells) : 0.0; }

nlohmann::json ToJson(const PpaResult& r) {
  nlohmann::json j;
  j["arch"] = r.arch;
  j["name"] = r.name;
  j["params"] = r.params;
  j["latency"] = r.latency;
  j["mac"] = r.mac;
  j["storage"] = r.storage;
  j["initiation_interval"] = r.initiation_interval;
  j["cells"] = r.cells;
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
  area["um2_per_weight"] = r.AreaPerWeightUm2();
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
    j["power"]["activity_source"] = r.port_only_power ? "measured registers and input ports" : "input ports (vectorless)";
    j["power"]["annotated_registers"] = r.annotated_registers;
    j["power"]["sequential_cells"] = r.sequential_cells;
    if (r.port_only_power) j["power"]["input_ports_only"] = pw(*r.port_only_power);
    j["power"]["components_mw"] = r.component_power;
    auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    j["energy"] = {{"pj_per_mac", opt(r.EnergyPerMacPj())},
                   {"pj_per_vector", opt(r.EnergyPerVectorPj())},
                   {"pj_per_cycle", opt(r.EnergyPerCyclePj())},
                   {"pj_per_mac8", opt(r.EnergyPerMac8Pj())},
                   {"tops_per_w", opt(r.TopsPerWatt())},
                   {"tops_per_mm2", opt(r.TopsPerMm2())}};
  } else {
    j["timing"] = nullptr;
  }
  j["runtime_s"] = {{"yosys", r.yosys_seconds}, {"sta", r.sta_seconds}};
  j["work_dir"] = r.work_dir;
  return j;
}

PpaResult PpaResultFromJson(const nlohmann::json& j) {
  // Integers through the one checked conversion: no float truncated, no
  // value cut to 32 bits.
  constexpr std::string_view kWhere = "result";
  auto integer = [](const nlohmann::json& o, std::string_view key, std::string_view where) {
    return JsonInteger(o, key, 0, INT32_MAX, where);
  };
  PpaResult r;
  r.arch = j.at("arch");
  r.name = j.at("name");
  r.params = j.at("params");
  r.latency = static_cast<int>(integer(j, "latency", kWhere));
  r.mac = j.at("mac");
  r.storage = j.at("storage");
  r.initiation_interval = static_cast<int>(JsonInteger(j, "initiation_interval", 1, 1 << 16, kWhere));
  r.cells = JsonInteger(j, "cells", 0, INT64_MAX / 2, kWhere);
  r.macs_per_cycle = j.at("macs_per_cycle");
  r.check_passed = j.at("check_assert_passed");
  const auto& area = j.at("area");
  r.area.top = area.at("top");
  r.area.total_area = area.at("total_um2");
  r.area.sequential_cells = integer(area, "sequential_cells", "result: area");
  for (const auto& [c, v] : area.at("components").items()) r.area.components[c] = v.at("um2");
  for (const auto& m : area.at("modules")) {
    r.area.modules.push_back({m.at("name"), m.at("component"), integer(m, "instances", "result: area module"), m.at("own_um2"),
                              m.at("own_sequential_um2"), m.at("total_um2")});
  }
  if (!j.at("timing").is_null()) {
    const auto& t = j.at("timing");
    TimingPower tp;
    tp.startpoint = t.at("critical_path").at("startpoint");
    tp.endpoint = t.at("critical_path").at("endpoint");
    tp.arrival_ns = t.at("critical_path").at("arrival_ns");
    tp.min_period_ns = t.at("min_period_ns");
    tp.fmax_mhz = t.at("fmax_mhz");
    tp.compute_startpoint = t.at("compute_path").at("startpoint");
    tp.compute_endpoint = t.at("compute_path").at("endpoint");
    tp.compute_min_period_ns = t.at("compute_min_period_ns");
    tp.compute_fmax_mhz = t.at("compute_fmax_mhz");
    auto pw = [](const nlohmann::json& p) {
      return PowerMw{p.at("internal_mw"), p.at("switching_mw"), p.at("leakage_mw"), p.at("total_mw")};
    };
    const auto& power = j.at("power");
    tp.power = pw(power);
    tp.sequential_power = pw(power.at("sequential"));
    tp.combinational_power = pw(power.at("combinational"));
    r.timing = tp;
    r.input_activity = power.at("default_input_activity");
    r.port_activity = power.at("port_activity").get<std::map<std::string, double>>();
    r.annotated_registers = static_cast<int>(integer(power, "annotated_registers", "result: power"));
    r.sequential_cells = static_cast<int>(integer(power, "sequential_cells", "result: power"));
    if (power.contains("input_ports_only")) r.port_only_power = pw(power.at("input_ports_only"));
    r.component_power = power.at("components_mw").get<std::map<std::string, double>>();
  }
  r.yosys_seconds = j.at("runtime_s").at("yosys");
  r.sta_seconds = j.at("runtime_s").at("sta");
  r.work_dir = j.at("work_dir");
  return r;
}

}  // namespace flexcim::synth
