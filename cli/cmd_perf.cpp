// flexcim perf: latency and energy per token of a model on Q macros of each
// architecture (docs/PERF.md), tabulated by codesign/perf_table (equal
// cells and equal area). Only flags and dispatch here.
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
#include "codesign/perf_table.h"
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
  std::string flexcim_run_as = "pruned";
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
      ("flexcim-run-as", po::value(&o.flexcim_run_as)->default_value(o.flexcim_run_as),
       "pattern FlexCiM runs each layer as: pruned | fewest-tiles | widest (as `flexcim map`; an N:M mask is "
       "also a kN:kM mask, golden/run_as_pattern.h)")
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
  const golden::RunAsPolicy run_as = golden::ParseRunAsPolicy(o.flexcim_run_as);
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

  codesign::PerfTableInputs in;
  in.config = o.macro.ToConfig();
  in.archs = archs;
  in.macros = o.macros;
  in.tokens = o.tokens;
  in.schedule = schedule;
  in.flexcim_run_as = run_as;
  in.energy_file = o.energy;
  in.buffer_pj_per_bit = o.buffer_pj_per_bit;
  if (!o.pruned.empty()) {
    if (!o.nm.empty() || !o.patterns.empty()) throw UsageError("--nm / --patterns: only with --shape");
    const pruner::PrunedContainer c = pruner::ReadContainer(pruned_file);
    if (!MacroFlagsGiven(*vm)) in.config = c.config;
    in.layers = codesign::ContainerLayers(c);
    in.source = pruned_file.string();
  } else {
    if (o.nm.empty() == o.patterns.empty()) throw UsageError("--nm / --patterns: give exactly one with --shape");
    const golden::ModelShape shape = golden::ReadModelShape(o.shape);
    const std::vector<NmPattern> patterns =
        o.nm.empty() ? golden::ReadLayerPatterns(o.patterns)
                     : std::vector<NmPattern>(static_cast<size_t>(shape.blocks), NmPattern::Parse(o.nm, "--nm"));
    in.layers = golden::ShapeLayers(shape, patterns);
    in.source = fmt::format("{} ({})", shape.name, o.nm.empty() ? o.patterns : o.nm);
    in.outside = shape.OutsideTheComparison();
  }
  const codesign::PerfTable t = codesign::BuildPerfTable(in);
  std::cout << t.text;
  if (!o.json.empty()) {
    WriteFileAtomically(o.json, t.json.dump(2) + "\n");
    std::cout << fmt::format("wrote {}\n", o.json);
  }
  return 0;
}

const CommandRegistrar kPerf({"perf", "latency and energy per token of a model on Q macros of each architecture",
                              RunPerf});

}  // namespace
}  // namespace flexcim::cli
