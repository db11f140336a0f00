// flexcim report: one summary of an end-to-end run (what `make demo` does),
// headed by the iso-perplexity table of `flexcim codesign` (codesign/):
// the FLOW assignment and perplexities (prune.json), the mapping (map.json),
// the co-simulation results (verify*.json) and the PPA (synth report.json).
// Every number is read from those machine-readable files; nothing is
// recomputed here.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "core/json_input.h"
#include "core/output_directory.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/recurrent_report.h"
#include "golden/perf_model.h"
#include "golden/schedule_gain.h"
#include "codesign/design_sweep.h"
#include "codesign/iso_table.h"
#include "codesign/perf_report.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct ReportOptions {
  std::string run_dir;
  std::string out;
};

std::optional<json> ReadJson(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::nullopt;
  return ReadJsonFile(p);
}

// A count of an earlier run's JSON: an integer >= 0, never truncated from
// a float or wrapped (core/json_input.h); Render names the file.
int64_t ReportCount(const json& object, const char* key) {
  return JsonInteger(object, key, 0, std::numeric_limits<int64_t>::max(), "field");
}

// A section rendered from `file`'s JSON; a key missing or of the wrong type
// is an Error naming the file, not a raw nlohmann exception.
template <typename Section>
std::string Render(const fs::path& file, const json& j, Section section) {
  try {
    return section(j);
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (const size_t close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    throw Error(fmt::format("{}: unexpected content: {}", file.string(), what));
  } catch (const Error& e) {
    throw Error(fmt::format("{}: unexpected content: {}", file.string(), e.what()));
  }
}

std::string PruneSection(const json& j) {
  std::string s = fmt::format("## FLOW pruning ({}, target {}, masks {}, macro {})\n\n",
                              j.at("method").get<std::string>(), j.at("target_sparsity").get<double>(),
                              j.at("masks").get<std::string>(), j.at("macro").get<std::string>());
  s += "| block | O_i (%) | D_i | N:M |\n|---:|---:|---:|---|\n";
  for (const auto& b : j.at("blocks")) {
    s += fmt::format("| {} | {:.4f} | {:.4e} | {} |\n", ReportCount(b, "block"),
                     b.at("outlier_ratio_percent").get<double>(), b.at("locality").get<double>(),
                     b.at("pattern").get<std::string>());
  }
  s += fmt::format("\nAchieved mean block sparsity {:.4f} (exact: {}), weight sparsity {:.4f}.\n",
                   j.at("achieved_block_sparsity").get<double>(), j.at("exact").get<bool>() ? "yes" : "no",
                   j.at("achieved_weight_sparsity").get<double>());
  if (j.contains("evaluation")) {
    const auto& e = j.at("evaluation");
    s += fmt::format("Perplexity on blocks {}: dense {:.4f}, pruned {:.4f}", e.at("blocks").get<std::string>(),
                     e.at("dense").at("perplexity").get<double>(), e.at("pruned").at("perplexity").get<double>());
    if (e.contains("pruned_quantized")) {
      s += fmt::format(", pruned W{}A{} {:.4f}", ReportCount(e.at("quantized_bits"), "w"),
                       ReportCount(e.at("quantized_bits"), "a"),
                       e.at("pruned_quantized").at("perplexity").get<double>());
    }
    s += ".\n";
  }
  return s + "\n";
}

std::string MapSection(const json& j) {
  const auto& t = j.at("total");
  std::string s = fmt::format(
      "## Mapping onto {}\n\n{} tiles, {} cycles for {} tokens per layer (latency {}), utilisation {:.1f}%; "
      "every layer's golden-macro output equals its integer GEMV.\n",
      j.at("config").get<std::string>(), ReportCount(t, "tiles"), ReportCount(t, "cycles"),
      ReportCount(j, "tokens"), ReportCount(j, "latency"), 100 * t.at("utilisation").get<double>());
  if (j.contains("stimulus")) {
    s += fmt::format("Layer {} was scheduled for the RTL: {} tokens, {} cycles.\n",
                     j.at("stimulus").at("layer").get<std::string>(), ReportCount(j.at("stimulus"), "tokens"),
                     ReportCount(j.at("stimulus"), "cycles"));
  }
  return s + "\n";
}

std::string VerifySection(const std::string& title, const json& j) {
  return fmt::format("- {}: {} vectors, {} mismatches, latency {} cycles, {} cycles simulated ({})\n", title,
                     ReportCount(j, "vectors"), ReportCount(j, "mismatches"), ReportCount(j, "latency"),
                     ReportCount(j, "cycles"), j.at("config").get<std::string>());
}

std::string SynthSection(const json& j) {
  std::string s = "## PPA (Yosys 0.23 + OpenSTA, sky130hd typical)\n\n"
                  "| arch | configuration | area (µm²) | fmax (MHz) | power (mW) | pJ/MAC |\n"
                  "|---|---|---:|---:|---:|---:|\n";
  for (const auto& r : j.at("results")) {
    auto num = [&](const json& v, int digits) {
      return v.is_null() ? std::string("-") : fmt::format("{:.{}f}", v.get<double>(), digits);
    };
    const bool timed = !r.at("timing").is_null();
    s += fmt::format("| {} | {} | {:.0f} | {} | {} | {} |\n", r.at("arch").get<std::string>(),
                     r.at("name").get<std::string>(), r.at("area").at("total_um2").get<double>(),
                     timed ? num(r.at("timing").at("fmax_mhz"), 1) : "-",
                     timed ? num(r.at("power").at("total_mw"), 2) : "-",
                     timed ? num(r.at("energy").at("pj_per_mac"), 3) : "-");
  }
  for (const auto& o : j.at("overheads")) {
    s += fmt::format("\nFlexibility overhead of {} vs {}: {:.0f} µm² = {:.2f}% of the baseline's area "
                     "(total area difference {:+.2f}%).",
                     o.at("flexcim").get<std::string>(), o.at("baseline").get<std::string>(),
                     o.at("flexibility_um2").get<double>(), o.at("flexibility_percent_of_baseline").get<double>(),
                     o.at("total_difference_percent").get<double>());
  }
  return s + "\n\n";
}

// What the overlapped schedule buys (docs/ACCEL.md): stories15M's and
// Llama-2-7B's shapes at 2:4 on the accelerator's Q = 4 macros.
golden::ScheduleGainReport ScheduleGainSection(const MacroConfig& config, int64_t tokens) {
  std::vector<golden::ModelShape> shapes{
      golden::ReadModelShape(std::string(FLEXCIM_SOURCE_DIR) + "/testdata/perf/stories15m-shape.json"),
      golden::ReadModelShape("llama2-7b")};
  shapes[0].name = "stories15M";
  shapes[1].name = "Llama-2-7B";
  return golden::BuildScheduleGainReport(config, shapes, NmPattern::Parse("2:4", "schedule section"), 4, tokens);
}

std::string Missing(const std::string& section, const fs::path& file, const std::string& how) {
  return fmt::format("## {}\n\nMissing: {} not found ({}).\n\n", section, file.string(), how);
}

int RunReport(const std::vector<std::string>& args) {
  ReportOptions o;
  std::string macros = "1,16";
  int64_t tokens = 128;
  double buffer_pj_per_bit = golden::kDefaultBufferReadPjPerBit;
  std::string energy, profile = std::string(FLEXCIM_SOURCE_DIR) + "/testdata/perf/llama2-7b-outlier-profile.json";
  bool summary_only = false;
  po::options_description d("report");
  d.add_options()
      ("run", po::value(&o.run_dir)->required(),
       "directory of an end-to-end run: prune/, map/, verify.json, verify_layer.json, synth/, prune_report/")
      ("out", po::value(&o.out), "write report.md, report.json and the SVG plots here (default: print only)")
      ("macros", po::value(&macros)->default_value(macros),
       "Q values (comma list): macros of each architecture in the system model")
      ("tokens", po::value(&tokens)->default_value(tokens), "T, prefill tokens")
      ("energy", po::value(&energy), "operation energies (default <run>/synth/energy.json, from `flexcim energy`)")
      ("buffer-pj-per-bit", po::value(&buffer_pj_per_bit)->default_value(buffer_pj_per_bit),
       "weight-buffer read energy per bit (default: Horowitz ISSCC 2014, 10 pJ per 64-bit 8 KB SRAM read)")
      ("profile", po::value(&profile)->default_value(profile), "the Llama-2-7B outlier profile (synthetic, documented)")
      ("summary", po::bool_switch(&summary_only), "print only the summary table (and write the full report to --out)");
  if (!ParseFlags(args, d, "report", "--run DIR [--out DIR] [--macros Q] [--tokens T]")) return 0;
  const fs::path run = o.run_dir;
  if (!fs::is_directory(run)) throw UsageError(fmt::format("--run {}: not a directory", o.run_dir));
  std::vector<int> qs;
  for (size_t start = 0; start <= macros.size();) {
    size_t comma = macros.find(',', start);
    if (comma == std::string::npos) comma = macros.size();
    const std::string item = macros.substr(start, comma - start);
    start = comma + 1;
    int q = 0;
    try {
      size_t used = 0;
      q = std::stoi(item, &used);
      if (used != item.size()) q = 0;
    } catch (const std::exception&) {
    }
    if (q < 1 || q > golden::kMaxMacros) {
      throw UsageError(fmt::format("--macros {}: each Q must be an integer in [1, {}]", macros, golden::kMaxMacros));
    }
    qs.push_back(q);
  }
  if (tokens < 1) throw UsageError(fmt::format("--tokens {}: must be >= 1", tokens));
  if (tokens > golden::kMaxPerfTokens) {
    throw UsageError(fmt::format("--tokens {}: must be at most {} (2^40)", tokens, golden::kMaxPerfTokens));
  }
  if (buffer_pj_per_bit < 0) throw UsageError(fmt::format("--buffer-pj-per-bit {}: must be >= 0", buffer_pj_per_bit));
  if (!o.out.empty()) {
    RefuseOutputOverInputs({"--out", o.out}, {{"--run", run}, {"--energy", energy}, {"--profile", profile}});
    CheckOutputDirectory(o.out, "report");  // a refused --out is reported before the work
  }
  const auto prune = ReadJson(run / "prune" / "prune.json");
  const auto map = ReadJson(run / "map" / "map.json");
  const auto verify = ReadJson(run / "verify.json");
  const auto verify_layer = ReadJson(run / "verify_layer.json");
  const auto synth = ReadJson(run / "synth" / "report.json");
  const auto prune_report = ReadJson(run / "prune_report" / "report.json");
  const auto codesign = ReadJson(run / "codesign" / "codesign.json");
  std::string md = fmt::format("# FlexCiM end-to-end report ({})\n\n", run.string());
  // The headline: each architecture's best model at equal perplexity.
  const std::string headline =
      codesign ? Render(run / "codesign" / "codesign.json", *codesign, codesign::IsoPerplexityMarkdown) + "\n"
               : Missing("At equal perplexity", run / "codesign" / "codesign.json",
                         "run `flexcim codesign --out <run>/codesign`");
  md += headline;
  // The design sweep (`make codesign-sweep`), when it was run into this run directory.
  const fs::path sweep_file = run / "codesign_sweep" / "sweep" / "design_sweep.json";
  if (const auto sweep = ReadJson(sweep_file)) md += Render(sweep_file, *sweep, codesign::DesignSweepMarkdown) + "\n";
  md += prune ? Render(run / "prune" / "prune.json", *prune, PruneSection)
              : Missing("FLOW pruning", run / "prune" / "prune.json", "run `flexcim prune --out <run>/prune`");
  md += map ? Render(run / "map" / "map.json", *map, MapSection) : Missing("Mapping", run / "map" / "map.json", "run `flexcim map --out <run>/map`");
  md += "## Co-simulation (generated RTL vs golden model, Verilator)\n\n";
  md += verify ? Render(run / "verify.json", *verify,
                      [](const json& j) { return VerifySection("random traffic with resets and rewrites", j); })
               : fmt::format("- random traffic: missing ({} not found; run `flexcim verify --json`)\n",
                             (run / "verify.json").string());
  md += verify_layer ? Render(run / "verify_layer.json", *verify_layer,
                            [](const json& j) { return VerifySection("a real pruned layer's tiles (map stimulus)", j); })
                     : fmt::format("- a real pruned layer: missing ({} not found; run `flexcim verify --stimulus "
                                   "--json`)\n", (run / "verify_layer.json").string());
  md += "\n";
  md += synth ? Render(run / "synth" / "report.json", *synth, SynthSection)
              : Missing("PPA", run / "synth" / "report.json", "run `flexcim synth --out <run>/synth`");

  codesign::PerfReportInputs in;
  in.macros = qs;
  in.tokens = tokens;
  in.buffer_pj_per_bit = buffer_pj_per_bit;
  in.energy_file = energy.empty() ? run / "synth" / "energy.json" : fs::path(energy);
  in.profile_file = profile;
  const codesign::PerfReport perf = [&] {
    try {
      if (prune_report) {
        in.config = codesign::ParseMacroConfigName(prune_report->at("macro").get<std::string>());
        in.prune_report = *prune_report;
      } else {
        if (prune) {
          in.config = codesign::ParseMacroConfigName(prune->at("macro").get<std::string>());
          in.prune = *prune;
          // The point's model is the run's pruned checkpoint (llama2.c).
          const fs::path pruned_model = run / "prune" / "pruned.bin";
          if (fs::is_regular_file(pruned_model)) {
            const pruner::LlamaConfig c = pruner::LoadModel(pruned_model.string()).config;
            in.prune_shape = golden::ModelShape{.name = fmt::format("pruned model ({})", pruned_model.string()),
                                                .blocks = c.n_layers, .dim = c.dim, .hidden = c.hidden_dim,
                                                .heads = c.n_heads, .kv_heads = c.n_kv_heads};
          }
        }
        in.prune_report_missing = fmt::format("{} not found: run `flexcim prune --report --out <run>/prune_report`",
                                              (run / "prune_report" / "report.json").string());
      }
      return codesign::BuildPerfReport(in);
    } catch (const nlohmann::json::exception& e) {
      // A field of the run's JSON that is missing or of the wrong type.
      std::string what = e.what();
      if (const size_t close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
      const fs::path file = prune_report ? run / "prune_report" / "report.json"
                            : prune      ? run / "prune" / "prune.json"
                                         : in.energy_file;
      throw Error(fmt::format("{}: unexpected content: {}", file.string(), what));
    }
  }();
  md += perf.markdown;
  const golden::ScheduleGainReport schedule_gain = ScheduleGainSection(in.config, tokens);
  md += schedule_gain.markdown;
  const pruner::RecurrentReport recurrent = pruner::BuildRecurrentReport(run);  // <run>/recurrent/, if any
  md += recurrent.markdown;
  std::cout << (summary_only ? headline + perf.summary : md);
  if (!o.out.empty()) {
    json j;
    if (prune) j["prune"] = *prune;
    if (map) j["map"] = *map;
    if (verify) j["verify"] = *verify;
    if (verify_layer) j["verify_layer"] = *verify_layer;
    if (synth) j["synth"] = *synth;
    j["performance"] = perf.json;
    j["schedule_gain"] = schedule_gain.json;
    if (!recurrent.json.is_null()) j["recurrent"] = recurrent.json;
    if (codesign) j["codesign"] = *codesign;
    WriteOutputDirectory(o.out, "report", [&](const fs::path& staging) {
      WriteTextFile(staging / "report.md", md);
      WriteTextFile(staging / "summary.md", headline + perf.summary);
      for (const auto& [name, svg] : perf.svgs) WriteTextFile(staging / name, svg);
      if (codesign) {
        for (const auto& [name, svg] : codesign::CodesignCharts(*codesign)) WriteTextFile(staging / name, svg);
      }
      WriteTextFile(staging / "report.json", j.dump(2) + "\n");
    });
  }
  return 0;
}

const CommandRegistrar kReport({"report", "summarise an end-to-end run (prune, map, verify, synth, latency and energy per token) as one report",
                                RunReport});

}  // namespace
}  // namespace flexcim::cli
