#include "golden/perf_model.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "core/errors.h"
#include "core/json_input.h"

namespace flexcim::golden {

namespace {

// A measured quantity of an energy file: a finite number, > 0 when it
// divides (areas, frequencies), >= 0 otherwise.
double RequireEnergyValue(const nlohmann::json& j, const std::string& key, const std::string& where,
                          bool positive = false) {
  if (!j.is_object() || !j.contains(key) || !j.at(key).is_number()) {
    throw Error(fmt::format("{}: no number \"{}\"", where, key));
  }
  const double v = j.at(key).get<double>();
  if (!std::isfinite(v) || v < 0 || (positive && v == 0) || v > 1e15) {
    throw Error(fmt::format("{}: \"{}\" is {}, must be {} 0 and at most 1e15", where, key, v,
                            positive ? ">" : ">="));
  }
  return v;
}

nlohmann::json SplitJson(const CycleSplit& s) {
  return {{"weight_load", s.weight_load}, {"compute", s.compute}, {"pipeline_fill", s.pipeline_fill},
          {"idle", s.idle}};
}

}  // namespace

std::string EnergyConfigName(Arch arch, const MacroConfig& config) {
  return arch == Arch::kFlexcim ? config.Name() : BaselineConfig::For(arch, config).Name();
}

std::map<Arch, OperationEnergies> ReadOperationEnergies(const std::filesystem::path& file,
                                                        const MacroConfig& config) {
  const nlohmann::json j = ReadJsonFile(file);
  if (!j.contains("archs") || !j.at("archs").is_object()) {
    throw Error(fmt::format("{}: no \"archs\" object (write it with flexcim energy)", file.string()));
  }
  std::map<Arch, OperationEnergies> out;
  for (const auto& [name, a] : j.at("archs").items()) {
    const std::string where = fmt::format("{}: {}", file.string(), name);
    Arch arch = Arch::kFlexcim;
    try {
      arch = ParseArch(name);
    } catch (const UsageError&) {
      throw Error(fmt::format("{}: not an architecture (flexcim, dense, sparse12)", where));
    }
    if (!a.is_object()) throw Error(fmt::format("{}: must be an object", where));
    if (!a.contains("config") || !a.at("config").is_string()) throw Error(fmt::format("{}: no string \"config\"", where));
    if (a.at("config").get<std::string>() != EnergyConfigName(arch, config)) continue;
    OperationEnergies e;
    e.area_um2 = RequireEnergyValue(a, "area_um2", where, true);
    e.fmax_mhz = RequireEnergyValue(a, "fmax_mhz", where, true);
    if (!a.contains("energy_pj") || !a.at("energy_pj").is_object()) {
      throw Error(fmt::format("{}: no \"energy_pj\" object", where));
    }
    const nlohmann::json& pj = a.at("energy_pj");
    e.vector_pj = RequireEnergyValue(pj, "vector", where);
    e.row_write_pj = RequireEnergyValue(pj, "row_write", where);
    e.idle_cycle_pj = RequireEnergyValue(pj, "idle_cycle", where);
    out[arch] = e;
  }
  return out;
}

std::string EnergySourceText(const std::filesystem::path& file, const MacroConfig& config) {
  const nlohmann::json j = ReadJsonFile(file);
  std::string simulated;
  bool vectorless = false;
  if (j.contains("archs") && j.at("archs").is_object()) {
    for (const auto& [name, a] : j.at("archs").items()) {
      Arch arch = Arch::kFlexcim;
      try {
        arch = ParseArch(name);
      } catch (const UsageError&) {
        continue;  // ReadOperationEnergies names it
      }
      if (!a.is_object() || a.value("config", "") != EnergyConfigName(arch, config)) continue;
      if (a.value("activity", "") == "simulated") {
        const std::string from = a.contains("stimulus") ? a.value("stimulus", "") : a.value("trace", "");
        simulated += fmt::format("{}{}: {}", simulated.empty() ? "" : "; ", name, from.empty() ? "?" : from);
      } else {
        vectorless = true;
      }
    }
  }
  if (!simulated.empty() && !vectorless) return fmt::format("simulated activity ({})", simulated);
  if (!simulated.empty()) return fmt::format("simulated activity for some ({}), vectorless for the rest", simulated);
  if (j.contains("act_activity") && j.at("act_activity").is_number()) {
    return fmt::format("vectorless activity (in_act {}, write {} toggles per bit per cycle)",
                       j.at("act_activity").get<double>(), j.value("write_activity", 0.0));
  }
  return "activity not recorded in the file";
}

PassEnergy EnergyOfPass(const PassTiming& pass, int macros, const MacroTiming& t, const OperationEnergies& e,
                        double buffer_pj_per_bit) {
  const int64_t busy = pass.vectors * t.initiation_interval + pass.row_writes;
  const int64_t other = std::max<int64_t>(0, static_cast<int64_t>(macros) * pass.cycles - busy);
  PassEnergy p;
  p.macro_pj = static_cast<double>(pass.vectors) * e.vector_pj + static_cast<double>(pass.row_writes) * e.row_write_pj +
               static_cast<double>(other) * e.idle_cycle_pj;
  p.buffer_pj = static_cast<double>(pass.row_writes) * t.row_bits * buffer_pj_per_bit;
  return p;
}

double ArchPerf::CellUtilisation() const {
  const double cells = static_cast<double>(system.total_tiles) * static_cast<double>(timing.cells);
  return cells == 0 ? 0.0 : static_cast<double>(kept_weights) / cells;
}

ArchPerf EvaluateArch(Arch arch, const MacroConfig& config, const std::vector<ModelLayer>& layers, int macros,
                      int64_t prefill_tokens, const std::optional<OperationEnergies>& ops,
                      double buffer_pj_per_bit, Schedule schedule, RunAsPolicy run_as) {
  if (buffer_pj_per_bit < 0 || !std::isfinite(buffer_pj_per_bit)) {
    throw UsageError(fmt::format("--buffer-pj-per-bit {}: must be >= 0", buffer_pj_per_bit));
  }
  ArchPerf p;
  p.arch = arch;
  p.config = config;
  p.timing = MacroTiming::For(arch, config);
  p.macros = macros;
  p.schedule = schedule;
  p.run_as = run_as;
  std::vector<SystemLayer> system_layers;
  for (const ModelLayer& l : layers) {
    NmPattern pattern = l.pattern;
    if (arch == Arch::kFlexcim && run_as != RunAsPolicy::kPruned) {
      RequireArchRuns(arch, config, l.pattern, l.FullName());
      pattern = ChooseRunAsPattern(run_as, config, l.pattern, l.out_features, l.in_features);
    }
    ArchLayerPlan plan = l.weights ? PlanArchLayer(arch, config, pattern, *l.weights, l.FullName())
                                   : PlanArchLayer(arch, config, pattern, l.out_features, l.in_features,
                                                   l.FullName());
    plan.pattern = l.pattern;
    if (l.weights) {
      for (uint8_t k : l.weights->keep) p.kept_weights += k;
    } else {
      p.kept_weights += static_cast<int64_t>(l.out_features) * l.in_features * l.pattern.n / l.pattern.m;
    }
    system_layers.push_back({l.FullName(), plan.tiles()});
    p.layer_names.push_back(l.FullName());
    p.plans.push_back(std::move(plan));
  }
  p.system = ModelSystem(p.timing, system_layers, macros, prefill_tokens, schedule);
  if (ops) {
    p.ops = ops;
    p.decode_energy = EnergyOfPass(p.system.decode, macros, p.timing, *ops, buffer_pj_per_bit);
    p.prefill_energy = EnergyOfPass(p.system.prefill, macros, p.timing, *ops, buffer_pj_per_bit);
    PassEnergy load;
    load.macro_pj = static_cast<double>(p.system.initial_row_writes) * ops->row_write_pj;
    load.buffer_pj = static_cast<double>(p.system.initial_row_writes) * p.timing.row_bits * buffer_pj_per_bit;
    p.initial_load_energy = load;
  }
  return p;
}

int EqualAreaMacros(int macros, double reference_area_um2, double area_um2) {
  if (!(area_um2 > 0) || !(reference_area_um2 > 0) || !std::isfinite(area_um2) ||
      !std::isfinite(reference_area_um2)) {
    throw Error(fmt::format("equal-area comparison: areas must be finite and > 0 (have {} and {} µm²)",
                            reference_area_um2, area_um2));
  }
  const double q = std::round(static_cast<double>(macros) * reference_area_um2 / area_um2);
  if (!(q <= kMaxMacros)) {
    throw Error(fmt::format("equal-area comparison: {} macros of {} µm² against {} µm² each needs {:.0f} macros, "
                            "more than {} (check the areas of the --energy file)",
                            macros, reference_area_um2, area_um2, q, kMaxMacros));
  }
  return std::max(1, static_cast<int>(q));
}

nlohmann::json ToJson(const ArchPerf& p) {
  const SystemTiming& s = p.system;
  nlohmann::json j;
  j["arch"] = ArchName(p.arch);
  j["config"] = p.config.Name();
  j["macros"] = p.macros;
  j["regime"] = RegimeName(s.regime);
  j["schedule"] = ScheduleName(s.schedule);
  if (p.arch == Arch::kFlexcim) j["flexcim_run_as"] = RunAsPolicyName(p.run_as);
  j["tiles"] = s.total_tiles;
  j["tile_load_cycles"] = p.timing.tile_load_cycles;
  j["pipeline_latency"] = p.timing.pipeline_latency;
  j["initiation_interval"] = p.timing.initiation_interval;
  j["initial_load_cycles"] = s.initial_load_cycles;
  j["decode_cycles"] = s.decode.cycles;
  j["prefill_cycles"] = s.prefill.cycles;
  j["prefill_tokens"] = s.prefill.tokens;
  j["decode_split"] = SplitJson(s.decode.split);
  j["prefill_split"] = SplitJson(s.prefill.split);
  j["decode_utilisation"] = s.decode.Utilisation(p.macros);
  j["prefill_utilisation"] = s.prefill.Utilisation(p.macros);
  j["cell_utilisation"] = p.CellUtilisation();
  j["kept_weights"] = p.kept_weights;
  const double fmax = p.ops ? p.ops->fmax_mhz : 0;
  j["fmax_mhz"] = p.ops ? nlohmann::json(fmax) : nlohmann::json(nullptr);
  j["area_um2"] = p.ops ? nlohmann::json(p.ops->area_um2 * p.macros) : nlohmann::json(nullptr);
  j["decode_us"] = fmax > 0 ? nlohmann::json(s.decode.cycles / fmax) : nlohmann::json(nullptr);
  j["prefill_us"] = fmax > 0 ? nlohmann::json(s.prefill.cycles / fmax) : nlohmann::json(nullptr);
  auto energy = [&](const std::optional<PassEnergy>& e, double per, bool buffer) {
    if (!e) return nlohmann::json(nullptr);
    return nlohmann::json((buffer ? e->total_pj() : e->macro_pj) / per);
  };
  const double T = static_cast<double>(s.prefill.tokens);
  j["energy_per_token_pj"] = energy(p.decode_energy, 1, false);
  j["energy_per_token_with_buffer_pj"] = energy(p.decode_energy, 1, true);
  j["prefill_energy_per_token_pj"] = energy(p.prefill_energy, T, false);
  j["prefill_energy_per_token_with_buffer_pj"] = energy(p.prefill_energy, T, true);
  j["initial_load_energy_pj"] = energy(p.initial_load_energy, 1, false);
  j["initial_load_energy_with_buffer_pj"] = energy(p.initial_load_energy, 1, true);
  nlohmann::json layers = nlohmann::json::array();
  for (size_t i = 0; i < p.plans.size(); ++i) {
    const ArchLayerPlan& l = p.plans[i];
    layers.push_back({{"layer", p.layer_names[i]},
                      {"shape", fmt::format("{}x{}", l.out_features, l.in_features)},
                      {"pattern", l.pattern.ToString()},
                      {"runs_as", l.ModeText()},
                      {"tiles", l.tiles()},
                      {"decode_cycles", s.decode.layers[i].cycles},
                      {"prefill_cycles", s.prefill.layers[i].cycles}});
  }
  j["layers"] = layers;
  return j;
}

}  // namespace flexcim::golden
