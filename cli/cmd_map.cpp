// flexcim map: map every layer of a pruned container onto the macro's tiles
// (FLEXCIM.md section 4), check each layer bit-exactly through the golden
// compute against the plain integer GEMV of its kept weights, count cycles
// (section 5), and optionally write one layer's pin-level stimulus for the
// RTL (`flexcim verify --stimulus`).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "core/macro_config.h"
#include "core/output_directory.h"
#include "flow_pruner/pruned_container.h"
#include "golden/arch_layer_schedule.h"
#include "golden/arch_mapping.h"
#include "golden/layer_runner.h"
#include "golden/layer_schedule.h"
#include "golden/run_as_pattern.h"
#include "verif/stimulus_file.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

struct MapOptions {
  std::string pruned;
  std::string out;
  int64_t tokens = 128;
  int check_tokens = 4;
  uint64_t seed = 1;
  std::string stimulus_layer;
  int stimulus_tokens = 16;
  std::string archs = "flexcim";
  std::string stimulus_macs;      // "": the container's cell style
  std::string stimulus_storages;  // "": the container's storage kind
  int subs = 0;                   // 0: the container's P
  int sel_group = 0;              // 0: the container's G
  std::string layers;             // "": every layer of the container
  std::string flexcim_run_as = "pruned";
};

po::options_description MapFlags(MapOptions& o) {
  po::options_description d("Mapping (FLEXCIM.md sections 4 and 5)");
  d.add_options()
      ("pruned", po::value(&o.pruned)->required(),
       "pruned.flexcim written by `flexcim prune`, or the prune output directory")
      ("out", po::value(&o.out)->required(), "output directory: map.json, map.md [, stimulus]")
      ("tokens", po::value(&o.tokens)->default_value(o.tokens), "tokens per layer for the cycle count")
      ("check-tokens", po::value(&o.check_tokens)->default_value(o.check_tokens),
       "random A-bit tokens per layer run through the golden macro and compared with the GEMV")
      ("seed", po::value(&o.seed)->default_value(o.seed), "seed of the check activations")
      ("stimulus-layer", po::value(&o.stimulus_layer),
       "also write this layer's pin-level stimulus, e.g. 0.wq (block.name)")
      ("stimulus-tokens", po::value(&o.stimulus_tokens)->default_value(o.stimulus_tokens),
       "tokens in that stimulus")
      ("stimulus-mac", po::value(&o.stimulus_macs),
       "cell styles of the stimulus designs, comma list of bit-parallel, bit-serial (default: the "
       "container's): one stimulus per architecture of --arch x cell style x storage kind")
      ("stimulus-storage", po::value(&o.stimulus_storages),
       "storage kinds of the stimulus designs, comma list of ff, latch (default: the container's)")
      ("arch", po::value(&o.archs)->default_value(o.archs),
       "also map every layer onto these architectures' macros of the same configuration "
       "(comma list of flexcim, dense, sparse12) and check each against its GEMV")
      ("flexcim-run-as", po::value(&o.flexcim_run_as)->default_value(o.flexcim_run_as),
       "pattern FlexCiM runs each layer as: pruned (its own) | fewest-tiles (the equivalent kN:kM with the "
       "fewest tiles for the layer's shape, ties to the largest N) | widest (the largest N the macro runs); "
       "an N:M mask is also a kN:kM mask (golden/run_as_pattern.h)")
      ("layers", po::value(&o.layers),
       "map only these layers (comma list of block.name, e.g. 3.wq,3.w2; default: every layer)")
      ("sel-group", po::value(&o.sel_group),
       "map onto the macro with this select group G instead of the container's: a power of two dividing "
       "the container's G (a mask legal when G' columns share a pair select is legal for every G dividing G')")
      ("subs", po::value(&o.subs),
       "map onto the macro with this P instead of the container's (each mapped layer's N:M must be one "
       "that P runs)");
  return d;
}

// The configurations of the stimulus designs: the container's with every
// listed cell style x storage kind ("" keeps the container's).
std::vector<MacroConfig> StimulusStyles(const MacroConfig& c, const std::string& macs, const std::string& storages) {
  std::vector<MacStyle> mac_list;
  std::vector<StorageKind> storage_list;
  // ParseMacStyle / ParseStorageKind name --mac / --storage: say which flag.
  auto renamed = [](const UsageError& e) { return UsageError("--stimulus-" + std::string(e.what()).substr(2)); };
  for (const std::string& m : macs.empty() ? std::vector<std::string>{} : CommaList("stimulus-mac", macs)) {
    try {
      mac_list.push_back(ParseMacStyle(m));
    } catch (const UsageError& e) {
      throw renamed(e);
    }
  }
  for (const std::string& st : storages.empty() ? std::vector<std::string>{} : CommaList("stimulus-storage", storages)) {
    try {
      storage_list.push_back(ParseStorageKind(st));
    } catch (const UsageError& e) {
      throw renamed(e);
    }
  }
  if (mac_list.empty()) mac_list.push_back(c.mac());
  if (storage_list.empty()) storage_list.push_back(c.storage());
  std::vector<MacroConfig> out;
  for (const MacStyle m : mac_list) {
    for (const StorageKind s : storage_list) out.push_back(c.WithMac(m).WithStorage(s));
  }
  return out;
}

// The container's configuration with --subs / --sel-group applied (0 keeps
// the container's). A smaller G only relaxes the sharing of pair selects,
// so every mask stays legal; a larger one would not.
MacroConfig RetargetedConfig(const MacroConfig& c, int subs, int sel_group) {
  MacroParams p = c.params();
  if (sel_group != 0) {
    if (!IsPowerOfTwo(sel_group) || c.sel_group() % sel_group != 0) {
      throw UsageError(fmt::format("--sel-group {}: must be a power of two dividing the container's G = {}",
                                   sel_group, c.sel_group()));
    }
    p.sel_group = sel_group;
  }
  if (subs != 0) p.subs = subs;  // Create names --subs when P is out of range
  return MacroConfig::Create(p);
}

// The layers named by --layers (block.name, comma list), in container order.
std::vector<pruner::PrunedLayer> SelectedLayers(std::vector<pruner::PrunedLayer> all, const std::string& list) {
  const std::vector<std::string> names = CommaList("layers", list);
  for (const std::string& name : names) {
    if (std::none_of(all.begin(), all.end(),
                     [&](const pruner::PrunedLayer& l) { return l.FullName() == name; })) {
      throw UsageError(fmt::format("--layers {}: no such layer (use block.name, e.g. 0.wq)", name));
    }
  }
  std::erase_if(all, [&](const pruner::PrunedLayer& l) {
    return std::find(names.begin(), names.end(), l.FullName()) == names.end();
  });
  return all;
}

constexpr int64_t kMaxTokens = int64_t{1} << 32;
constexpr int kMaxCheckTokens = 1 << 16;

struct LayerMap {
  const pruner::PrunedLayer* source;
  golden::TiledLayer tiled;
  int64_t cycles = 0;
  int64_t kept = 0;
  bool bit_exact = false;
};

golden::LayerWeights ToLayerWeights(const pruner::PrunedLayer& l) {
  return {l.rows, l.cols, std::vector<int32_t>(l.weights.begin(), l.weights.end()), l.mask};
}

std::vector<int32_t> RandomActivations(const MacroConfig& c, size_t count, std::mt19937_64& rng) {
  const int amax = (1 << (c.a_bits() - 1)) - 1;
  std::uniform_int_distribution<int> a(-amax - 1, amax);
  std::vector<int32_t> x(count);
  for (auto& v : x) v = a(rng);
  return x;
}

// True when y (tokens x O_out) equals the plain GEMV of `w`'s kept weights
// on every token of x (tokens x K).
bool EqualsMaskedGemv(const golden::LayerWeights& w, const std::vector<int32_t>& x, int tokens,
                      const std::vector<int32_t>& y) {
  for (int t = 0; t < tokens; ++t) {
    const std::vector<int32_t> xt(x.begin() + static_cast<size_t>(t) * w.in_features,
                                  x.begin() + static_cast<size_t>(t + 1) * w.in_features);
    if (golden::MaskedLayerGemv(w, xt) !=
        std::vector<int32_t>(y.begin() + static_cast<size_t>(t) * w.out_features,
                             y.begin() + static_cast<size_t>(t + 1) * w.out_features)) {
      return false;
    }
  }
  return true;
}

int RunMap(const std::vector<std::string>& args) {
  MapOptions o;
  if (!ParseFlags(args, MapFlags(o), "map", "--pruned FILE|DIR --out DIR [--tokens T] [--stimulus-layer B.NAME]")) {
    return 0;
  }
  const std::vector<Arch> archs = ParseArchList(o.archs);
  const golden::RunAsPolicy run_as = golden::ParseRunAsPolicy(o.flexcim_run_as);
  // Bounded so that every cycle count (tiles x (load + tokens + latency),
  // summed over layers) fits in 64 bits with room to spare.
  if (o.tokens < 1 || o.tokens > kMaxTokens) {
    throw UsageError(fmt::format("--tokens {}: must be in [1, {}]", o.tokens, kMaxTokens));
  }
  if (o.check_tokens < 1 || o.check_tokens > kMaxCheckTokens) {
    throw UsageError(fmt::format("--check-tokens {}: must be in [1, {}]", o.check_tokens, kMaxCheckTokens));
  }
  if (o.stimulus_tokens < 1 || o.stimulus_tokens > kMaxCheckTokens) {
    throw UsageError(fmt::format("--stimulus-tokens {}: must be in [1, {}]", o.stimulus_tokens, kMaxCheckTokens));
  }
  if (o.stimulus_layer.empty() && (!o.stimulus_macs.empty() || !o.stimulus_storages.empty())) {
    throw UsageError(fmt::format("--{}: needs --stimulus-layer", o.stimulus_macs.empty() ? "stimulus-storage" : "stimulus-mac"));
  }
  fs::path container_path = o.pruned;
  if (fs::is_directory(container_path)) container_path /= "pruned.flexcim";
  RefuseOutputOverInputs({"--out", o.out}, {{"--pruned", container_path}});
  pruner::PrunedContainer container = pruner::ReadContainer(container_path);
  if (!container.hardware_legal) {
    throw UsageError(fmt::format("--pruned {}: its masks were made without the macro's select groups "
                                 "(--free-masks); prune again with hardware-legal masks to map it",
                                 container_path.string()));
  }
  const MacroConfig c = RetargetedConfig(container.config, o.subs, o.sel_group);
  if (!o.layers.empty()) container.layers = SelectedLayers(std::move(container.layers), o.layers);
  const pruner::PrunedLayer* stimulus_source = nullptr;
  if (!o.stimulus_layer.empty()) {
    for (const auto& l : container.layers) {
      if (l.FullName() == o.stimulus_layer) stimulus_source = &l;
    }
    if (!stimulus_source) {
      throw UsageError(fmt::format("--stimulus-layer {}: no such layer (use block.name, e.g. 0.wq)",
                                   o.stimulus_layer));
    }
  }

  std::mt19937_64 rng(o.seed);
  std::vector<LayerMap> maps;
  for (const pruner::PrunedLayer& l : container.layers) {
    const golden::LayerWeights w = ToLayerWeights(l);
    const auto encode = [&] {
      try {
        return golden::EncodeLayer(c, golden::ChooseRunAsPattern(run_as, c, l.pattern, l.rows, l.cols), w);
      } catch (const Error& e) {  // a mask the header calls legal but the macro cannot hold
        throw Error(fmt::format("{}: layer {}.{}: {}", container_path.string(), l.block, l.name, e.what()));
      }
    };
    LayerMap m{&l, encode()};
    m.cycles = golden::LayerCycles(c, m.tiled, o.tokens);
    for (uint8_t k : l.mask) m.kept += k;
    const std::vector<int32_t> x = RandomActivations(c, static_cast<size_t>(o.check_tokens) * l.cols, rng);
    const std::vector<int32_t> y = golden::RunLayerOnMacroBatch(m.tiled, x, o.check_tokens);
    m.bit_exact = EqualsMaskedGemv(w, x, o.check_tokens, y);
    if (!m.bit_exact) {
      throw Error(fmt::format("layer {}.{}: the golden macro disagrees with the plain GEMV of its kept weights",
                              l.block, l.name));
    }
    maps.push_back(std::move(m));
  }

  // The baselines (FLEXCIM.md 6): every layer on each, checked the same way.
  struct ArchSummary {
    Arch arch;
    int64_t tiles = 0, native = 0, dense_mode = 0;
    nlohmann::json layers = nlohmann::json::array();
  };
  std::vector<ArchSummary> baselines;
  for (const Arch arch : archs) {
    if (arch == Arch::kFlexcim) continue;
    ArchSummary s{arch};
    for (const pruner::PrunedLayer& l : container.layers) {
      const std::string name = l.FullName();
      const golden::LayerWeights w = ToLayerWeights(l);
      const golden::ArchMappedLayer m = golden::MapArchLayer(arch, c, l.pattern, w, name);
      const std::vector<int32_t> x = RandomActivations(c, static_cast<size_t>(o.check_tokens) * l.cols, rng);
      std::vector<int32_t> y;
      for (int t = 0; t < o.check_tokens; ++t) {
        const auto yt = golden::RunArchLayer(m, std::vector<int32_t>(x.begin() + static_cast<size_t>(t) * l.cols,
                                                                     x.begin() + static_cast<size_t>(t + 1) * l.cols));
        y.insert(y.end(), yt.begin(), yt.end());
      }
      if (!EqualsMaskedGemv(w, x, o.check_tokens, y)) {
        throw Error(fmt::format("layer {} on {}: the golden macro disagrees with the plain GEMV of its kept weights",
                                name, ArchName(arch)));
      }
      s.tiles += m.tiles();
      s.native += m.plan.mode == golden::ArchMode::kSparse12Native;
      s.dense_mode += m.plan.mode == golden::ArchMode::kSparse12DenseMode;
      s.layers.push_back({{"layer", name}, {"runs_as", m.plan.ModeText()}, {"tiles", m.tiles()},
                          {"golden_equals_gemv", true}});
    }
    baselines.push_back(std::move(s));
  }

  // Tables and totals.
  std::string md = fmt::format(
      "# Mapping of {} onto {}\n\n{} tokens per layer; cycles = sum over tiles of (P*R load + tokens + "
      "latency {}). Utilisation = kept weights / (tiles x P*R*C cells). FlexCiM runs each layer as: {}.\n\n"
      "| layer | shape | N:M | runs as | tiles (K x out) | cycles | utilisation | golden = GEMV |\n"
      "|---|---|---|---|---|---:|---:|---|\n",
      container_path.string(), c.Name(), o.tokens, c.pipeline_latency(), golden::RunAsPolicyName(run_as));
  nlohmann::json j;
  j["container"] = container_path.string();
  j["config"] = c.Name();
  j["tokens"] = o.tokens;
  j["latency"] = c.pipeline_latency();
  j["flexcim_run_as"] = golden::RunAsPolicyName(run_as);
  j["layers"] = nlohmann::json::array();
  int64_t total_cycles = 0, total_tiles = 0, total_kept = 0;
  for (const LayerMap& m : maps) {
    const auto& l = *m.source;
    const double util = static_cast<double>(m.kept) / (static_cast<double>(m.tiled.tiles.size()) * c.cells());
    md += fmt::format("| {}.{} | {}x{} | {} | {} | {} ({}x{}) | {} | {:.1f}% | {} |\n", l.block, l.name,
                      l.rows, l.cols, l.pattern.ToString(), m.tiled.pattern.ToString(), m.tiled.tiles.size(),
                      m.tiled.k_tiles, m.tiled.o_tiles, m.cycles, 100 * util, m.bit_exact ? "yes" : "NO");
    j["layers"].push_back({{"layer", l.FullName()},
                           {"rows", l.rows},
                           {"cols", l.cols},
                           {"pattern", l.pattern.ToString()},
                           {"hardware_pattern", m.tiled.pattern.ToString()},
                           {"tiles", m.tiled.tiles.size()},
                           {"k_tiles", m.tiled.k_tiles},
                           {"o_tiles", m.tiled.o_tiles},
                           {"cycles", m.cycles},
                           {"kept_weights", m.kept},
                           {"utilisation", util},
                           {"golden_equals_gemv", m.bit_exact}});
    if (__builtin_add_overflow(total_cycles, m.cycles, &total_cycles)) {
      throw UsageError(fmt::format("--tokens {}: the total cycle count overflows 64 bits", o.tokens));
    }
    total_tiles += static_cast<int64_t>(m.tiled.tiles.size());
    total_kept += m.kept;
  }
  const double total_util = static_cast<double>(total_kept) / (static_cast<double>(total_tiles) * c.cells());
  md += fmt::format("\n**Total:** {} tiles, {} cycles for {} tokens per layer, utilisation {:.1f}%, "
                    "every layer bit-exact against its GEMV on {} random tokens.\n",
                    total_tiles, total_cycles, o.tokens, 100 * total_util, o.check_tokens);
  j["total"] = {{"tiles", total_tiles}, {"cycles", total_cycles}, {"utilisation", total_util}};
  for (const ArchSummary& s : baselines) {
    const std::string modes = s.arch == Arch::kSparse12
                                  ? fmt::format("{} run 1:2 natively, {} in dense mode", s.native, s.dense_mode)
                                  : "the masked weights as dense";
    md += fmt::format("\n{}: {} layers, {} tiles ({}), every layer bit-exact against its GEMV on {} random tokens.\n",
                      ArchName(s.arch), s.layers.size(), s.tiles, modes, o.check_tokens);
    j["archs"][ArchName(s.arch)] = {{"tiles", s.tiles}, {"native_layers", s.native},
                                    {"dense_mode_layers", s.dense_mode}, {"layers", s.layers}};
  }

  // One stimulus per design (architecture x cell style x storage kind), all
  // from the same layer and the same tokens, each checked on its own golden
  // cycle model against the GEMV before anything is written.
  struct DesignStimulus {
    ArchConfig design;
    std::string file;
    std::vector<golden::CycleInput> cycles;
  };
  std::vector<DesignStimulus> stimuli;
  if (stimulus_source) {
    const std::vector<int32_t> x =
        RandomActivations(c, static_cast<size_t>(o.stimulus_tokens) * stimulus_source->cols, rng);
    const golden::LayerWeights w = ToLayerWeights(*stimulus_source);
    for (const MacroConfig& styled : StimulusStyles(c, o.stimulus_macs, o.stimulus_storages)) {
      for (const Arch arch : archs) {
        const ArchConfig design(arch, styled);
        const NmPattern pattern =
            arch == Arch::kFlexcim ? golden::ChooseRunAsPattern(run_as, styled, stimulus_source->pattern,
                                                                 stimulus_source->rows, stimulus_source->cols)
                                   : stimulus_source->pattern;
        const golden::ArchMappedLayer m = golden::MapArchLayer(arch, styled, pattern, w, o.stimulus_layer);
        std::vector<golden::CycleInput> cycles = golden::ScheduleArchLayer(m, x, o.stimulus_tokens);
        const auto y = golden::RunArchScheduleOnCycleModel(m, o.stimulus_tokens, cycles);
        if (!EqualsMaskedGemv(w, x, o.stimulus_tokens, y)) {
          throw Error(fmt::format("layer {} on {}: the cycle model on the schedule disagrees with the GEMV",
                                  o.stimulus_layer, design.Name()));
        }
        // One power-on reset edge first: the pipeline's valid bits start unknown.
        golden::CycleInput reset;
        reset.rst_n = false;
        cycles.insert(cycles.begin(), reset);
        const bool first = arch == Arch::kFlexcim && styled == c;
        const std::string file = first ? "stimulus.txt" : fmt::format("stimulus_{}.txt", design.Name());
        const int64_t writes = m.tiles() * design.write_subs() * design.write_rows();
        const int64_t vectors = m.tiles() * o.stimulus_tokens;
        j["stimuli"].push_back({{"design", design.Name()}, {"file", file}, {"cycles", cycles.size()},
                                {"writes", writes}, {"vectors", vectors}, {"tiles", m.tiles()}});
        if (first) {
          j["stimulus"] = {{"layer", o.stimulus_layer}, {"tokens", o.stimulus_tokens}, {"cycles", cycles.size()},
                           {"file", file}};
        }
        md += fmt::format("\nStimulus {}: layer {} on {} ({} tokens, {} tiles: {} row writes, {} vectors, {} cycles "
                          "incl. one power-on reset edge); its golden cycle model reproduces the layer's GEMV exactly. "
                          "Run it on the RTL with `flexcim verify {} --stimulus {}`.\n",
                          file, o.stimulus_layer, design.Name(), o.stimulus_tokens, m.tiles(), writes, vectors,
                          cycles.size(), design.Flags(), file);
        stimuli.push_back({design, file, std::move(cycles)});
      }
    }
  }

  WriteOutputDirectory(o.out, "map", [&](const fs::path& staging) {
    WriteTextFile(staging / "map.json", j.dump(2) + "\n");
    WriteTextFile(staging / "map.md", md);
    for (const DesignStimulus& s : stimuli) verif::WriteStimulusFile(s.design, s.cycles, staging / s.file);
  });
  std::cout << md;
  std::string files;
  for (const DesignStimulus& s : stimuli) files += ", " + s.file;
  std::cout << fmt::format("wrote {}/map.json, map.md{}\n", o.out, files);
  return 0;
}

const CommandRegistrar kMap({"map", "map a pruned model's layers onto macro tiles, check them, count cycles",
                             RunMap});

}  // namespace
}  // namespace flexcim::cli
