// flexcim codesign: per architecture / select group / cell style, the
// assignment with the lowest decode latency (or energy) per token under
// each perplexity budget, the Pareto fronts and the iso-perplexity table
// (codesign/codesign_run.h, docs/CODESIGN.md). Only flags and dispatch here.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "cli/model_path_options.h"
#include "codesign/codesign_run.h"
#include "codesign/iso_table.h"
#include "codesign/point_settings.h"
#include "core/json_input.h"
#include "core/baseline_config.h"
#include "core/errors.h"
#include "core/output_directory.h"
#include "flow_pruner/model_inputs.h"
#include "flow_pruner/model_reader.h"
#include "golden/perf_model.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

struct CodesignFlags {
  ModelPathFlags paths;
  std::string budgets = "1.05,1.1,1.25,1.5,2";
  std::string archs = "flexcim,sparse12,dense";
  std::string groups = "1,4,16";
  std::string styles = "bit-parallel/ff";
  std::string minimise = "latency";
  std::string energy;
  int macros = 16;
  int64_t tokens = 128;
  double buffer_pj_per_bit = golden::kDefaultBufferReadPjPerBit;
  codesign::CodesignSlices slices;
  int obs_refine = 0;
  int subs = MacroConfig::kDefaultSubs, rows = MacroConfig::kDefaultRows, cols = MacroConfig::kDefaultCols;
  int a_bits = MacroConfig::kDefaultBits, w_bits = MacroConfig::kDefaultBits;
  int threads = 0;
  bool quiet = false;
  std::string rescore;
  std::string out;
};

po::options_description Flags(CodesignFlags& o) {
  po::options_description d = ModelPathOptions(o.paths);
  po::options_description c("Codesign (docs/CODESIGN.md)");
  c.add_options()
      ("budgets", po::value(&o.budgets)->default_value(o.budgets),
       "perplexity budgets relative to the dense W8A8 model, comma list, each >= 1.0")
      ("arch", po::value(&o.archs)->default_value(o.archs), "architectures: flexcim, sparse12 (fixed 1:2), dense")
      ("groups", po::value(&o.groups)->default_value(o.groups), "FlexCiM select groups G to compare (powers of two <= C)")
      ("styles", po::value(&o.styles)->default_value(o.styles),
       "cell styles MAC/STORAGE, comma list: bit-parallel/ff, bit-serial/latch, ...")
      ("minimise", po::value(&o.minimise)->default_value(o.minimise),
       "what the search minimises under the budget: latency (decode cycles) or energy (decode pJ/token)")
      ("energy", po::value(&o.energy),
       "`flexcim energy` files, comma list: areas, compute fmax and operation energies of every architecture, G "
       "and style compared (without them: cycles only, no equal area)")
      ("macros", po::value(&o.macros)->default_value(o.macros), "Q, FlexCiM macros (equal cells; equal area scales the baselines)")
      ("tokens", po::value(&o.tokens)->default_value(o.tokens), "T, tokens of the prefill pass")
      ("buffer-pj-per-bit", po::value(&o.buffer_pj_per_bit)->default_value(o.buffer_pj_per_bit),
       "weight-buffer read energy per bit (the +buffer energy column)")
      ("calib-blocks", po::value(&o.slices.calibration)->default_value(o.slices.calibration),
       "calibration text blocks A:B (OBS Hessians)")
      ("validation-blocks", po::value(&o.slices.validation)->default_value(o.slices.validation),
       "validation blocks A:B: the budget is checked here (disjoint from calibration and held-out)")
      ("heldout-blocks", po::value(&o.slices.heldout)->default_value(o.slices.heldout),
       "held-out blocks A:B: the perplexity reported")
      ("obs-refine", po::value(&o.obs_refine)->default_value(o.obs_refine),
       "CG refinement steps of the chosen assignments' OBS reconstruction (0: SparseGPT's pass)")
      ("subs", po::value(&o.subs)->default_value(o.subs), "P of every macro")
      ("rows", po::value(&o.rows)->default_value(o.rows), "R of every macro")
      ("cols", po::value(&o.cols)->default_value(o.cols), "C of every macro")
      ("a-bits", po::value(&o.a_bits)->default_value(o.a_bits), "A (and the activation quantisation)")
      ("w-bits", po::value(&o.w_bits)->default_value(o.w_bits), "W (and the weight quantisation)")
      ("threads", po::value(&o.threads)->default_value(o.threads), "worker threads (0: all cores)")
      ("quiet,q", po::bool_switch(&o.quiet), "no progress on stderr")
      ("rescore", po::value(&o.rescore),
       "a finished run's codesign.json: report its chosen points again with the --energy files (areas, clocks, "
       "energies; equal area against every G that has them), without pruning; the model flags are not read")
      ("out", po::value(&o.out)->required(),
       "output directory: codesign.json, codesign.md, codesign_<style>.svg, prunes/<point>/");
  d.add(c);
  return d;
}

void WriteResult(const fs::path& staging, const codesign::CodesignResult& result) {
  WriteTextFile(staging / "codesign.json", result.json.dump(2) + "\n");
  WriteTextFile(staging / "codesign.md", result.markdown);
  for (const auto& [name, svg] : result.svgs) WriteTextFile(staging / name, svg);
}

// --rescore: a finished run's chosen points at the settings the --energy
// files allow (codesign/point_settings.h).
int Rescore(const CodesignFlags& f, const po::variables_map& vm) {
  for (const char* flag : {"budgets", "arch", "groups", "styles", "minimise", "macros", "tokens", "buffer-pj-per-bit",
                           "calib-blocks", "validation-blocks", "heldout-blocks", "obs-refine", "subs", "rows",
                           "cols", "a-bits", "w-bits", "model", "tokenizer"}) {
    if (vm.count(flag) && !vm[flag].defaulted()) {
      throw UsageError(fmt::format("--rescore: the run's own --{} is kept; do not give it", flag));
    }
  }
  if (f.energy.empty()) throw UsageError("--rescore: give the --energy files to report the run with");
  std::vector<fs::path> energy_files;
  std::vector<FlagPath> inputs = {{"--rescore", f.rescore}};
  for (const std::string& file : codesign::SplitCommaList(f.energy)) {
    energy_files.emplace_back(file);
    inputs.push_back({"--energy", file});
  }
  RefuseOutputOverInputs({"--out", f.out}, inputs);
  CheckOutputDirectory(f.out, "codesign");
  const nlohmann::json run = ReadJsonFile(f.rescore);
  codesign::CodesignResult result;
  try {
    result.json = codesign::RescoreCodesign(run, energy_files, f.rescore);
    result.markdown = codesign::CodesignMarkdown(result.json);
    result.svgs = codesign::CodesignCharts(result.json);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("--rescore {}: not a codesign.json ({})", f.rescore, e.what()));
  }
  WriteOutputDirectory(f.out, "codesign", [&](const fs::path& staging) { WriteResult(staging, result); });
  std::cout << codesign::IsoPerplexityMarkdown(result.json);
  std::cout << fmt::format("wrote {}/{{codesign.json, codesign.md}} (prune outputs stay in the run's prunes/)\n", f.out);
  return 0;
}

int RunCodesign(const std::vector<std::string>& args) {
  CodesignFlags f;
  const auto vm = ParseFlags(args, Flags(f), "codesign",
                             "--out DIR [--model M --tokenizer T] [--budgets 1.05,1.25,2] [--arch LIST] [--groups 1,4,16] "
                             "[--styles bit-parallel/ff,bit-serial/latch] [--energy FILES]");
  if (!vm) return 0;
  if (!f.rescore.empty()) return Rescore(f, *vm);
  codesign::CodesignOptions o;
  o.budgets = codesign::ParseBudgets(f.budgets);
  o.archs = ParseArchList(f.archs);
  o.groups = codesign::ParseGroups(f.groups);
  o.styles = codesign::ParseCellStyles(f.styles);
  o.objective = codesign::ParseObjective(f.minimise);
  if (f.macros < 1 || f.macros > golden::kMaxMacros) {
    throw UsageError(fmt::format("--macros {}: must be in [1, {}]", f.macros, golden::kMaxMacros));
  }
  if (f.tokens < 1 || f.tokens > golden::kMaxPerfTokens) {
    throw UsageError(fmt::format("--tokens {}: must be in [1, {}]", f.tokens, golden::kMaxPerfTokens));
  }
  if (f.buffer_pj_per_bit < 0) throw UsageError(fmt::format("--buffer-pj-per-bit {}: must be >= 0", f.buffer_pj_per_bit));
  if (f.obs_refine < 0) throw UsageError(fmt::format("--obs-refine {}: must be >= 0", f.obs_refine));
  if (f.threads < 0) throw UsageError(fmt::format("--threads {}: must be >= 0", f.threads));
  o.base = MacroConfig::Create({.subs = f.subs, .rows = f.rows, .cols = f.cols, .sel_group = f.cols, .a_bits = f.a_bits, .w_bits = f.w_bits});
  o.macros = f.macros;
  o.tokens = f.tokens;
  o.buffer_pj_per_bit = f.buffer_pj_per_bit;
  if (!f.energy.empty()) {
    for (const std::string& file : codesign::SplitCommaList(f.energy)) o.energy_files.emplace_back(file);
  }
  o.slices = f.slices;
  o.obs.refine_iterations = f.obs_refine;
  o.threads = f.threads;
  o.progress = !f.quiet;

  const pruner::ModelPaths paths = f.paths.Resolve();
  std::vector<FlagPath> inputs = ModelInputFlags(paths);
  for (const fs::path& e : o.energy_files) inputs.push_back({"--energy", e});
  RefuseOutputOverInputs({"--out", f.out}, inputs);
  CheckOutputDirectory(f.out, "codesign");
  const pruner::ModelInputs in = pruner::ModelInputs::Load(paths);
  codesign::RefuseOverlappingSlices(o.slices, in.num_blocks());
  o.model_name = fs::path(paths.model).stem().string();
  o.model_path = paths.model;
  o.tokenizer_path = paths.tokenizer;
  o.source_sha256 = pruner::ModelSha256(paths.model);
  const auto calibration = in.EncodeSlice(o.slices.calibration, "--calib-blocks");
  const auto validation = in.EncodeSlice(o.slices.validation, "--validation-blocks");
  const auto heldout = in.EncodeSlice(o.slices.heldout, "--heldout-blocks");

  std::optional<codesign::CodesignResult> result;
  WriteOutputDirectory(f.out, "codesign", [&](const fs::path& staging) {
    result = codesign::RunCodesign(in.model, calibration, validation, heldout, o, staging, f.out);
    WriteResult(staging, *result);
  });
  std::cout << codesign::IsoPerplexityMarkdown(result->json);
  std::cout << fmt::format("wrote {}/{{codesign.json, codesign.md, prunes/}}\n", f.out);
  return 0;
}

const CommandRegistrar kCodesign({"codesign",
                                  "per architecture, G and cell style: the fastest (or least-energy) model under each "
                                  "perplexity budget, Pareto fronts and the iso-perplexity table",
                                  RunCodesign});

}  // namespace
}  // namespace flexcim::cli
