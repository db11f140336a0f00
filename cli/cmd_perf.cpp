// flexcim perf: latency and energy per token of a model on Q macros of each
// architecture (docs/PERF.md): golden/arch_mapping (tiles per layer),
// golden/system_model (cycles), golden/perf_model (energies from a
// `flexcim energy` file). Only flags and dispatch here.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/output_directory.h"
#include "core/baseline_config.h"
#include "flow_pruner/pruned_container.h"
#include "golden/perf_model.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

struct PerfOptions {
  std::string pruned, shape, nm, patterns;
  std::string archs = "flexcim,dense,sparse12";
  int macros = 1;
  int64_t tokens = 128;
  std::string energy;
  double buffer_pj_per_bit = golden::kDefaultBufferReadPjPerBit;
  std::string json;
  std::string schedule = "parallel-ports";
  MacroConfigFlags macro;
};

po::options_description PerfFlags(PerfOptions& o) {
  po::options_description d("Model (one of --pruned, --shape)");
  d.add_options()
      ("pruned", po::value(&o.pruned), "a `flexcim prune` output directory or its pruned.flexcim (real masks)")
      ("shape", po::value(&o.shape), "stories260k, llama2-7b, mamba-130m, mamba-370m, mamba-790m, mamba-1.4b, mamba-2.8b, or a JSON file "
       "{blocks, dim, hidden, heads, kv_heads} or {\"family\": \"mamba\", blocks, dim[, d_state, expand, dt_rank]}")
      ("nm", po::value(&o.nm), "with --shape: one N:M for every block")
      ("patterns", po::value(&o.patterns), "with --shape: a layers.txt (\"Layer i: N:M\" per block)")
      ("arch", po::value(&o.archs)->default_value(o.archs), "comma list of flexcim, dense, sparse12")
      ("macros", po::value(&o.macros)->default_value(o.macros), "Q, macros of each architecture (equal cells)")
      ("tokens", po::value(&o.tokens)->default_value(o.tokens), "T, tokens of the prefill pass")
      ("schedule", po::value(&o.schedule)->default_value(o.schedule),
       "weight loading: parallel-ports (a port per macro), or the accelerator's one shared port "
       "(docs/ACCEL.md): serial (a round's macros load, then compute) or overlapped (a macro loads its next "
       "tile while the others compute)")
      ("energy", po::value(&o.energy),
       "operation energies and areas from `flexcim energy` (without it: cycles only)")
      ("buffer-pj-per-bit", po::value(&o.buffer_pj_per_bit)->default_value(o.buffer_pj_per_bit),
       "weight-buffer read energy per bit written into a macro (default 10 pJ per 64-bit read of an 8 KB "
       "SRAM, Horowitz ISSCC 2014)")
      ("json", po::value(&o.json), "write the results here: one object per architecture");
  d.add(MacroConfigOptions(o.macro));
  return d;
}

bool MacroFlagsGiven(const po::variables_map& vm) {
  for (const char* f : {"subs", "rows", "cols", "sel-group", "a-bits", "w-bits"}) {
    if (vm.count(f) && !vm[f].defaulted()) return true;
  }
  return false;
}

std::string Num(const nlohmann::json& v, const char* format) {
  return v.is_null() ? std::string("-") : fmt::format(fmt::runtime(format), v.get<double>());
}

int RunPerf(const std::vector<std::string>& args) {
  PerfOptions o;
  const auto vm = ParseFlags(args, PerfFlags(o), "perf",
                             "(--pruned DIR | --shape NAME|FILE (--nm N:M | --patterns FILE)) [--arch LIST] "
                             "[--macros Q] [--tokens T] [--schedule S] [--energy FILE] [--json FILE]");
  if (!vm) return 0;
  if (o.pruned.empty() == o.shape.empty()) throw UsageError("--pruned / --shape: give exactly one");
  if (o.macros < 1) throw UsageError(fmt::format("--macros {}: must be >= 1", o.macros));
  if (o.macros > golden::kMaxMacros) {
    throw UsageError(fmt::format("--macros {}: must be at most {}", o.macros, golden::kMaxMacros));
  }
  if (o.tokens < 1) throw UsageError(fmt::format("--tokens {}: must be >= 1", o.tokens));
  if (o.tokens > golden::kMaxPerfTokens) {
    throw UsageError(fmt::format("--tokens {}: must be at most {} (2^40)", o.tokens, golden::kMaxPerfTokens));
  }
  if (o.buffer_pj_per_bit < 0) {
    throw UsageError(fmt::format("--buffer-pj-per-bit {}: must be >= 0", o.buffer_pj_per_bit));
  }
  const golden::Schedule schedule = golden::ParseSchedule(o.schedule);
  const std::vector<Arch> archs = ParseArchList(o.archs);
  // Before anything is read: --json may be none of the inputs.
  const fs::path pruned_file =
      !o.pruned.empty() && fs::is_directory(o.pruned) ? fs::path(o.pruned) / "pruned.flexcim" : fs::path(o.pruned);
  const bool shape_is_file = !o.shape.empty() && o.shape != "stories260k" && o.shape != "llama2-7b";
  RefuseOutputOverInputs({"--json", o.json}, {{"--pruned", pruned_file},
                                              {"--shape", shape_is_file ? o.shape : ""},
                                              {"--patterns", o.patterns},
                                              {"--energy", o.energy}});
  if (!o.json.empty()) RequireWritableTarget("--json", o.json);

  MacroConfig config = o.macro.ToConfig();
  std::vector<golden::ModelLayer> layers;
  std::string source;
  std::string outside;  // with --shape: what stays off the macros
  if (!o.pruned.empty()) {
    if (!o.nm.empty() || !o.patterns.empty()) throw UsageError("--nm / --patterns: only with --shape");
    fs::path path = o.pruned;
    if (fs::is_directory(path)) path /= "pruned.flexcim";
    const pruner::PrunedContainer c = pruner::ReadContainer(path);
    if (!MacroFlagsGiven(*vm)) config = c.config;
    for (const pruner::PrunedLayer& l : c.layers) {
      golden::LayerWeights w{l.rows, l.cols, std::vector<int32_t>(l.weights.begin(), l.weights.end()), l.mask};
      layers.push_back({l.block, l.name, l.rows, l.cols, l.pattern, std::move(w)});
    }
    source = path.string();
  } else {
    if (o.nm.empty() == o.patterns.empty()) throw UsageError("--nm / --patterns: give exactly one with --shape");
    const golden::ModelShape shape = golden::ReadModelShape(o.shape);
    const std::vector<NmPattern> patterns =
        o.nm.empty() ? golden::ReadLayerPatterns(o.patterns)
                     : std::vector<NmPattern>(static_cast<size_t>(shape.blocks), NmPattern::Parse(o.nm, "--nm"));
    layers = golden::ShapeLayers(shape, patterns);
    source = fmt::format("{} ({})", shape.name, o.nm.empty() ? o.patterns : o.nm);
    outside = shape.OutsideTheComparison();
  }

  std::map<Arch, golden::OperationEnergies> energies;
  if (!o.energy.empty()) energies = golden::ReadOperationEnergies(o.energy, config);
  std::string missing_energies;
  auto ops_of = [&](Arch a) -> std::optional<golden::OperationEnergies> {
    if (auto it = energies.find(a); it != energies.end()) return it->second;
    if (!o.energy.empty()) {
      missing_energies += fmt::format("\n{} has no energies for {} {}: its energy columns are empty.", o.energy,
                                      ArchName(a), golden::EnergyConfigName(a, config));
    }
    return std::nullopt;
  };

  nlohmann::json out = nlohmann::json::object();
  std::string table = fmt::format(
      "{} on {} macros of {} each ({} architectures), prefill {} tokens{}\n\n"
      "| arch | macros | regime | tiles | decode cycles | decode µs | prefill cycles | pJ/token | "
      "pJ/token +buffer | decode util. | cell util. |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
      source, o.macros, config.Name(), archs.size(), o.tokens,
      schedule == golden::Schedule::kParallelPorts ? "" : fmt::format(", {} schedule", o.schedule));
  auto row = [&](const std::string& label, const nlohmann::json& j) {
    table += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1f}% | {:.1f}% |\n", label,
                         j["macros"].get<int>(), j["regime"].get<std::string>(), j["tiles"].get<int64_t>(),
                         j["decode_cycles"].get<int64_t>(), Num(j["decode_us"], "{:.3f}"),
                         j["prefill_cycles"].get<int64_t>(), Num(j["energy_per_token_pj"], "{:.4g}"),
                         Num(j["energy_per_token_with_buffer_pj"], "{:.4g}"),
                         100 * j["decode_utilisation"].get<double>(), 100 * j["cell_utilisation"].get<double>());
  };
  const std::optional<golden::OperationEnergies> flexcim_ops =
      energies.count(Arch::kFlexcim) ? std::optional(energies.at(Arch::kFlexcim)) : std::nullopt;
  std::string equal_area_rows;
  for (Arch a : archs) {
    const auto ops = ops_of(a);
    const golden::ArchPerf perf = golden::EvaluateArch(a, config, layers, o.macros, o.tokens, ops, o.buffer_pj_per_bit, schedule);
    nlohmann::json j = golden::ToJson(perf);
    j["source"] = source;
    row(ArchName(a), j);
    if (ops && flexcim_ops) {
      const int q = golden::EqualAreaMacros(o.macros, flexcim_ops->area_um2, ops->area_um2);
      nlohmann::json eq = golden::ToJson(
          golden::EvaluateArch(a, config, layers, q, o.tokens, ops, o.buffer_pj_per_bit, schedule));
      eq.erase("layers");
      const std::string before = table;
      row(fmt::format("{} (equal area)", ArchName(a)), eq);
      equal_area_rows += table.substr(before.size());
      table = before;
      j["equal_area"] = eq;
    } else {
      j["equal_area"] = nullptr;
    }
    out[ArchName(a)] = j;
  }
  table += equal_area_rows;
  table += missing_energies.empty() ? "" : missing_energies + "\n";
  if (o.energy.empty()) table += "\nNo --energy file: cycles only (see docs/PERF.md to measure energies).\n";
  if (!outside.empty()) {
    table += "\n" + outside + "\n";
    out["outside_the_comparison"] = outside;
  }
  std::cout << table;
  if (!o.json.empty()) {
    WriteFileAtomically(o.json, out.dump(2) + "\n");
    std::cout << fmt::format("wrote {}\n", o.json);
  }
  return 0;
}

const CommandRegistrar kPerf({"perf", "latency and energy per token of a model on Q macros of each architecture",
                              RunPerf});

}  // namespace
}  // namespace flexcim::cli
