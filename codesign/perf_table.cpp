#include "codesign/perf_table.h"

#include <fmt/format.h>

namespace flexcim::codesign {

namespace {

std::string Num(const nlohmann::json& v, const char* format) {
  return v.is_null() ? std::string("-") : fmt::format(fmt::runtime(format), v.get<double>());
}

std::string Row(const std::string& label, const nlohmann::json& j) {
  return fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1f}% | {:.1f}% |\n", label,
                     j["macros"].get<int>(), j["regime"].get<std::string>(), j["tiles"].get<int64_t>(),
                     j["decode_cycles"].get<int64_t>(), Num(j["decode_us"], "{:.3f}"),
                     j["prefill_cycles"].get<int64_t>(), Num(j["energy_per_token_pj"], "{:.4g}"),
                     Num(j["energy_per_token_with_buffer_pj"], "{:.4g}"),
                     100 * j["decode_utilisation"].get<double>(), 100 * j["cell_utilisation"].get<double>());
}

}  // namespace

std::vector<golden::ModelLayer> ContainerLayers(const pruner::PrunedContainer& c) {
  std::vector<golden::ModelLayer> layers;
  for (const pruner::PrunedLayer& l : c.layers) {
    golden::LayerWeights w{l.rows, l.cols, std::vector<int32_t>(l.weights.begin(), l.weights.end()), l.mask};
    layers.push_back({l.block, l.name, l.rows, l.cols, l.pattern, std::move(w)});
  }
  return layers;
}

PerfTable BuildPerfTable(const PerfTableInputs& in) {
  std::map<Arch, golden::OperationEnergies> energies;
  if (!in.energy_file.empty()) energies = golden::ReadOperationEnergies(in.energy_file, in.config);
  std::string missing_energies;
  auto ops_of = [&](Arch a) -> std::optional<golden::OperationEnergies> {
    if (auto it = energies.find(a); it != energies.end()) return it->second;
    if (!in.energy_file.empty()) {
      missing_energies += fmt::format("\n{} has no energies for {} {}: its energy columns are empty.",
                                      in.energy_file.string(), ArchName(a), golden::EnergyConfigName(a, in.config));
    }
    return std::nullopt;
  };

  PerfTable out;
  out.json = nlohmann::json::object();
  std::string& table = out.text;
  table = fmt::format(
      "{} on {} macros of {} each ({} architectures), prefill {} tokens{}{}\n\n"
      "| arch | macros | regime | tiles | decode cycles | decode µs | prefill cycles | pJ/token | "
      "pJ/token +buffer | decode util. | cell util. |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
      in.source, in.macros, in.config.Name(), in.archs.size(), in.tokens,
      in.schedule == golden::Schedule::kParallelPorts
          ? ""
          : fmt::format(", {} schedule", golden::ScheduleName(in.schedule)),
      in.flexcim_run_as == golden::RunAsPolicy::kPruned
          ? ""
          : fmt::format(", FlexCiM runs each layer as: {}", golden::RunAsPolicyName(in.flexcim_run_as)));
  const auto flexcim_it = energies.find(Arch::kFlexcim);
  const golden::OperationEnergies* flexcim_ops = flexcim_it == energies.end() ? nullptr : &flexcim_it->second;
  std::string equal_area_rows;
  for (Arch a : in.archs) {
    const auto ops = ops_of(a);
    const golden::ArchPerf perf = golden::EvaluateArch(a, in.config, in.layers, in.macros, in.tokens, ops,
                                                       in.buffer_pj_per_bit, in.schedule, in.flexcim_run_as);
    nlohmann::json j = golden::ToJson(perf);
    j["source"] = in.source;
    table += Row(ArchName(a), j);
    if (ops && flexcim_ops) {
      const int q = golden::EqualAreaMacros(in.macros, flexcim_ops->area_um2, ops->area_um2);
      nlohmann::json eq = golden::ToJson(
          golden::EvaluateArch(a, in.config, in.layers, q, in.tokens, ops, in.buffer_pj_per_bit, in.schedule,
                               in.flexcim_run_as));
      eq.erase("layers");
      equal_area_rows += Row(fmt::format("{} (equal area)", ArchName(a)), eq);
      j["equal_area"] = eq;
    } else {
      j["equal_area"] = nullptr;
    }
    out.json[ArchName(a)] = j;
  }
  table += equal_area_rows;
  table += missing_energies.empty() ? "" : missing_energies + "\n";
  if (in.energy_file.empty()) {
    table += "\nNo --energy file: cycles only (see docs/PERF.md to measure energies).\n";
  } else {
    const std::string source = golden::EnergySourceText(in.energy_file, in.config);
    table += fmt::format("\nEnergies from {}: {}.\n", in.energy_file.string(), source);
    out.json["energy_source"] = {{"file", in.energy_file.string()}, {"activity", source}};
  }
  if (!in.outside.empty()) {
    table += "\n" + in.outside + "\n";
    out.json["outside_the_comparison"] = in.outside;
  }
  return out;
}

}  // namespace flexcim::codesign
