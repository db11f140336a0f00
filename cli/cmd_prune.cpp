// flexcim prune: FLOW / OWL-style / uniform N:M pruning of a llama2.c model
// with hardware-legal masks, W-bit quantisation and perplexity; with
// --report, the comparison table of every method, target and mask
// (flow_pruner/prune_report.h).
#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <fmt/ranges.h>

#include <iostream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "cli/model_path_options.h"
#include "core/errors.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/prune_outputs.h"
#include "flow_pruner/prune_report.h"
#include "flow_pruner/quantized_eval.h"
#include "flow_pruner/recurrent_inputs.h"
#include "flow_pruner/text_blocks.h"

namespace flexcim::cli {
namespace {

using namespace flexcim::pruner;

struct PruneOptions {
  ModelPathFlags paths;
  MacroConfigFlags macro;
  std::string method = "flow";
  std::string nm;
  double target = 0.5;
  int select_group = 0;  // overrides --sel-group when given
  bool free_masks = false;
  std::string candidates;
  double hyper_m = 5.0;
  double alpha = 1.0;
  double beta = 4.0;
  double lamda = 1.0;
  std::string locality_direction = "code";
  std::string prioritize = "accuracy";
  int64_t locality_subset = 0;
  std::string keep_dense;
  std::string keep_dense_mode = "solve";
  bool allow_nearest = false;
  std::string reconstruct = "obs";
  int obs_refine = 10;
  int obs_reselect = 0;
  int search_samples = 16;
  std::string search_score_blocks;
  std::string search_granularity = "block";
  int search_rounds = 12;
  int search_moves = 6;
  std::string permute_channels = "none";
  std::string calib_blocks = "0:255";
  std::string eval_blocks = "3300:4299";
  bool no_eval = false;
  int threads = 0;
  bool quiet = false;
  std::string out;
  bool save_quantized = false;
  bool report = false;
  std::string report_targets = "0.5,0.625,0.75";
  std::string report_groups = "all";
  std::string report_reconstruct = "none,obs";
  std::string report_selectors = "FLOW,FLOW figure,FLOW latency,FLOW balanced,FLOW-measured,FLOW-measured latency,FLOW-measured balanced";
  bool report_no_free = false;
};

po::options_description PruneFlags(PruneOptions& o) {
  po::options_description d = ModelPathOptions(o.paths);
  d.add(MacroConfigOptions(o.macro));
  po::options_description own("Pruning (FLEXCIM.md section 7)");
  own.add_options()
      ("method", po::value(&o.method)->default_value(o.method),
       "flow | flow-measured (each block's cost measured on the calibration text) | uniform | owl | "
       "search (assignment chosen by the pruned model's NLL on calibration blocks, pruning inside the loop)")
      ("nm", po::value(&o.nm), "uniform: the pattern; owl: its M is every block's M (e.g. 2:8)")
      ("target", po::value(&o.target)->default_value(o.target),
       "target mean sparsity over blocks, mean of (M-N)/M")
      ("select-group", po::value(&o.select_group),
       "G for hardware-legal masks (overrides --sel-group)")
      ("free-masks", po::bool_switch(&o.free_masks),
       "keep the N largest per group, ignoring what the macro's select groups can run")
      ("candidates", po::value(&o.candidates),
       "patterns to choose from, e.g. 2:4,4:4,2:8,4:8,8:8 (default: every pattern the macro runs)")
      ("hyper-m", po::value(&o.hyper_m)->default_value(o.hyper_m), "outlier threshold: metric > hyper_m * mean")
      ("alpha", po::value(&o.alpha)->default_value(o.alpha), "weight of the N term")
      ("beta", po::value(&o.beta)->default_value(o.beta), "weight of the M term")
      ("lamda", po::value(&o.lamda)->default_value(o.lamda),
       "the reference's scale (no effect: min-max normalisation cancels it)")
      ("locality-direction", po::value(&o.locality_direction)->default_value(o.locality_direction),
       "code: clustered outliers pull M down (the reference code); figure: up (its README figure)")
      ("prioritize", po::value(&o.prioritize)->default_value(o.prioritize),
       "accuracy | latency (fewest tile passes on the macro meeting the target) | balanced")
      ("locality-subset", po::value(&o.locality_subset)->default_value(o.locality_subset),
       "compute locality over only the first N outliers (reference parity: 10000); 0 = all, exact")
      ("keep-dense", po::value(&o.keep_dense), "blocks kept dense: first,last and/or indices, e.g. first,last")
      ("keep-dense-mode", po::value(&o.keep_dense_mode)->default_value(o.keep_dense_mode),
       "solve: solve the other blocks for the target; override: the reference's solve-then-override")
      ("allow-nearest", po::bool_switch(&o.allow_nearest),
       "accept the closest achievable sparsity when the target cannot be met exactly")
      ("reconstruct", po::value(&o.reconstruct)->default_value(o.reconstruct),
       "none (masks only, weights kept as they are) | obs (SparseGPT-style: each linear layer's "
       "mask chosen and its kept weights updated from H = X^T X of its calibration inputs, "
       "blocks calibrated sequentially; docs/FLOW.md)")
      ("obs-refine", po::value(&o.obs_refine)->default_value(o.obs_refine),
       "obs: after each layer's SparseGPT pass, this many conjugate-gradient steps on every row's "
       "kept weights towards the least-squares optimum under the chosen mask (0 = SparseGPT as "
       "published; 10 by default: stories15M 2:4 at G = 16 29.86 -> 22.44)")
      ("obs-reselect", po::value(&o.obs_reselect)->default_value(o.obs_reselect),
       "obs: then at most this many rounds of re-choosing each layer's legal mask from the refined "
       "weights (kept weights by what dropping them costs, dropped ones by what restoring them "
       "gains), each kept only if the layer's output error falls; 0 = off")
      ("search-samples", po::value(&o.search_samples)->default_value(o.search_samples),
       "search: the first N calibration blocks score every candidate assignment (mean NLL)")
      ("search-score-blocks", po::value(&o.search_score_blocks),
       "search: score every candidate assignment on these text blocks A:B (all of them) instead of "
       "the first --search-samples calibration blocks, which the reconstruction has fitted; must "
       "not overlap --calib-blocks or --eval-blocks")
      ("search-granularity", po::value(&o.search_granularity)->default_value(o.search_granularity),
       "search: block (the seven linear layers of a block share a pattern) | layer (each linear "
       "layer its own pattern; the parameter-weighted mean sparsity meets --target exactly)")
      ("search-rounds", po::value(&o.search_rounds)->default_value(o.search_rounds),
       "search: at most this many rounds of pair moves at constant sparsity")
      ("search-moves", po::value(&o.search_moves)->default_value(o.search_moves),
       "search: per round, the moves with the best additive estimate evaluated by the joint NLL "
       "of the score samples (one forward pass each); the round takes the best that lowers it, "
       "the search stops when none does")
      ("permute-channels", po::value(&o.permute_channels)->default_value(o.permute_channels),
       "none | rows | inputs | both (the same function, written as an ordinary model; Llama models "
       "only; docs/FLOW.md). rows: group each block's FFN hidden units (w1/w3 rows, w2 columns) and "
       "value channels within each head (wv rows, wo columns) so the G outputs of a select group "
       "have similar importance along K; inputs: order input channels (the residual stream, the FFN "
       "hidden units for w2, the value channels for wo) so each pair holds a strong and a weak one; "
       "both: rows, then inputs inside each select group")
      ("calib-blocks", po::value(&o.calib_blocks)->default_value(o.calib_blocks), "calibration text blocks A:B")
      ("eval-blocks", po::value(&o.eval_blocks)->default_value(o.eval_blocks), "evaluation text blocks A:B")
      ("no-eval", po::bool_switch(&o.no_eval), "skip the perplexity evaluation")
      ("threads", po::value(&o.threads)->default_value(o.threads), "worker threads; 0 = all")
      ("quiet,q", po::bool_switch(&o.quiet), "no progress on stderr")
      ("out", po::value(&o.out)->required(),
       "output directory (replaced atomically); the pruned model is written in the input's format "
       "(pruned.bin, or config.json + model.safetensors in the input dtype)")
      ("save-quantized", po::bool_switch(&o.save_quantized),
       "write the pruned model with its linear weights fake-quantised to --w-bits (as the macro "
       "computes) instead of the masked fp32 weights");
  d.add(own);
  po::options_description report("Report (--report: one table of every method, target and mask)");
  report.add_options()
      ("report", po::bool_switch(&o.report),
       "instead of one pruning, write report.md, report.json and flow_blocks.svg to --out: "
       "perplexity on --eval-blocks of dense, uniform 1:2/2:4/4:8/1:4/2:8, OWL-style (M=8) and "
       "every FLOW selection choice (locality code/figure, flow-measured, prioritize "
       "accuracy/latency/balanced) at each --report-targets, with free masks and legal masks at each --report-groups, "
       "unquantised and W/A-bit (--w-bits/--a-bits); --method, --nm, --target, --select-group, "
       "--free-masks and --no-eval do not apply")
      ("report-targets", po::value(&o.report_targets)->default_value(o.report_targets),
       "OWL-style and FLOW target sparsities, comma-separated, each in [0, 1)")
      ("report-groups", po::value(&o.report_groups)->default_value(o.report_groups),
       "select groups G of the legal-mask columns, comma-separated powers of two in [1, --cols], "
       "or all: 1, 2, 4, ..., --cols")
      ("report-reconstruct", po::value(&o.report_reconstruct)->default_value(o.report_reconstruct),
       "weight updates to report, comma-separated from none, obs: every pruned row once per value "
       "(named [none], [obs]); --reconstruct does not apply")
      ("report-selectors", po::value(&o.report_selectors)->default_value(o.report_selectors),
       "the FLOW selection choices to report, comma-separated (a subset of the default)")
      ("report-no-free", po::bool_switch(&o.report_no_free),
       "leave out the free-mask column (only the hardware-legal columns)");
  d.add(report);
  return d;
}

std::vector<int> ParseKeepDense(const std::string& text, int blocks) {
  std::vector<int> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(start, comma - start);
    if (item == "first") {
      out.push_back(0);
    } else if (item == "last") {
      out.push_back(blocks - 1);
    } else {
      size_t used = 0;
      int v = -1;
      try {
        v = std::stoi(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != item.size() || item.empty() || v < 0 || v >= blocks) {
        throw UsageError(fmt::format("--keep-dense {}: '{}' must be first, last or a block index in [0, {}]",
                                     text, item, blocks - 1));
      }
      out.push_back(v);
    }
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::vector<double> ParseTargets(const std::string& text) {
  std::vector<double> out;
  for (const std::string& item : SplitList(text)) {
    size_t used = 0;
    double v = -1;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || !(v >= 0.0 && v < 1.0)) {
      throw UsageError(fmt::format("--report-targets {}: '{}' must be a sparsity in [0, 1)", text, item));
    }
    out.push_back(v);
  }
  return out;
}

std::vector<int> ParseGroups(const std::string& text, int cols) {
  if (text == "all") return AllSelectGroups(cols);
  std::vector<int> out;
  for (const std::string& item : SplitList(text)) {
    size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || v < 1 || v > cols || !IsPowerOfTwo(v)) {
      throw UsageError(fmt::format("--report-groups {}: '{}' must be a power of two in [1, {}]",
                                   text, item, cols));
    }
    out.push_back(v);
  }
  return out;
}

// The report's reconstruction axis: one variant per listed value (the row
// name carries it when there are several).
std::vector<ReportVariant> ParseReportReconstructions(const std::string& text) {
  std::vector<ReportVariant> out;
  const std::vector<std::string> items = SplitList(text);
  for (const std::string& item : items) {
    if (item != "none" && item != "obs") {
      throw UsageError(fmt::format("--report-reconstruct {}: '{}' must be one of none, obs", text, item));
    }
    const Reconstruction r = item == "obs" ? Reconstruction::kObs : Reconstruction::kNone;
    out.push_back({items.size() > 1 ? item : "", [r](PruneSettings& p) { p.reconstruct = r; }});
  }
  return out;
}

// --search-score-blocks against the text's `num_blocks` blocks: refused when
// it overlaps --calib-blocks or --eval-blocks (even with --no-eval: the
// default evaluation slice is the held-out text).
void RefuseOverlappingScoreBlocks(const PruneOptions& o, int num_blocks) {
  if (o.search_score_blocks.empty()) return;
  const BlockSlice score = ParseBlockSlice(o.search_score_blocks, num_blocks, "--search-score-blocks");
  const std::pair<const char*, const std::string*> others[] = {{"--calib-blocks", &o.calib_blocks},
                                                                {"--eval-blocks", &o.eval_blocks}};
  for (const auto& [flag, spec] : others) {
    const BlockSlice other = ParseBlockSlice(*spec, num_blocks, flag);
    if (score.Overlaps(other)) {
      throw UsageError(fmt::format("--search-score-blocks {} overlaps {} {}: the score blocks must be text neither "
                                   "calibrated on nor evaluated",
                                   score.ToString(), flag, other.ToString()));
    }
  }
}

PruneSettings ToSettings(const PruneOptions& o, int blocks) {
  PruneSettings s;
  s.method = ParsePruneMethod(o.method);
  MacroConfigFlags macro = o.macro;
  if (o.select_group != 0) {
    if (o.select_group < 1 || o.select_group > macro.cols || !IsPowerOfTwo(o.select_group)) {
      throw UsageError(fmt::format("--select-group {}: must be a power of two in [1, {}]",
                                   o.select_group, macro.cols));
    }
    macro.sel_group = o.select_group;
  }
  s.config = macro.ToConfig();
  if (!o.nm.empty()) {
    s.nm = NmPattern::Parse(o.nm, "--nm");
    s.nm->RequireSupportedBy(s.config, "--nm");
  }
  if ((s.method == PruneMethod::kUniform || s.method == PruneMethod::kOwl) && !s.nm) {
    throw UsageError(fmt::format("--method {} needs --nm N:M", o.method));
  }
  if (!(o.target >= 0.0 && o.target < 1.0)) {
    throw UsageError(fmt::format("--target {}: must be in [0, 1)", o.target));
  }
  s.target = o.target;
  s.hardware_legal = !o.free_masks;
  if (!o.candidates.empty()) s.candidates = ParsePatternList(o.candidates, "--candidates");
  for (const NmPattern& p : s.candidates) p.RequireSupportedBy(s.config, "--candidates");
  if (!(o.hyper_m > 0)) throw UsageError(fmt::format("--hyper-m {}: must be > 0", o.hyper_m));
  s.outliers.hyper_m = o.hyper_m;
  if (o.locality_subset < 0) {
    throw UsageError(fmt::format("--locality-subset {}: must be >= 0", o.locality_subset));
  }
  s.outliers.max_locality_outliers = o.locality_subset;
  s.alpha = o.alpha;
  s.beta = o.beta;
  s.lamda = o.lamda;
  s.locality_direction = ParseLocalityDirection(o.locality_direction);
  s.priority = ParseSelectionPriority(o.prioritize);
  s.keep_dense = ParseKeepDense(o.keep_dense, blocks);
  if (o.keep_dense_mode == "solve") {
    s.keep_dense_mode = ForcedDenseMode::kSolveOthers;
  } else if (o.keep_dense_mode == "override") {
    s.keep_dense_mode = ForcedDenseMode::kOverrideAfterSolve;
  } else {
    throw UsageError(fmt::format("--keep-dense-mode {}: must be solve or override", o.keep_dense_mode));
  }
  s.allow_nearest = o.allow_nearest;
  s.reconstruct = ParseReconstruction(o.reconstruct);
  if (o.search_samples < 1) throw UsageError(fmt::format("--search-samples {}: must be >= 1", o.search_samples));
  if (o.search_rounds < 0) throw UsageError(fmt::format("--search-rounds {}: must be >= 0", o.search_rounds));
  if (o.search_moves < 1) throw UsageError(fmt::format("--search-moves {}: must be >= 1", o.search_moves));
  s.search_samples = o.search_samples;
  if (!o.search_score_blocks.empty() && s.method != PruneMethod::kSearch) {
    throw UsageError(fmt::format("--search-score-blocks {}: only with --method search", o.search_score_blocks));
  }
  s.search_granularity = ParseSearchGranularity(o.search_granularity);
  if (o.obs_refine < 0) throw UsageError(fmt::format("--obs-refine {}: must be >= 0", o.obs_refine));
  s.obs.refine_iterations = o.obs_refine;
  if (o.obs_reselect < 0) throw UsageError(fmt::format("--obs-reselect {}: must be >= 0", o.obs_reselect));
  s.obs.reselect_iterations = o.obs_reselect;
  s.search_rounds = o.search_rounds;
  s.search_moves = o.search_moves;
  s.permute_channels = ParseChannelPermutation(o.permute_channels);
  if (o.threads < 0) throw UsageError(fmt::format("--threads {}: must be >= 0", o.threads));
  s.threads = o.threads;
  s.progress = !o.quiet;
  return s;
}

// Rejects flags that --report overrides, so a user does not believe they apply.
void RequireReportFlags(const po::variables_map& vm, const PruneOptions& o) {
  for (const char* flag :
       {"method", "nm", "target", "select-group", "locality-direction", "prioritize"}) {
    if (vm.count(flag) && !vm[flag].defaulted()) {
      throw UsageError(fmt::format("--report: --{} does not apply (the report runs every method, "
                                   "selection choice, target and mask)", flag));
    }
  }
  if (o.free_masks) throw UsageError("--report: --free-masks does not apply (the report has a free-mask column)");
  if (o.no_eval) throw UsageError("--report: --no-eval does not apply (the report is evaluations)");
}

int RunReport(const PruneOptions& o) {
  ReportSettings rs;
  rs.base = ToSettings(o, 1 << 20);
  rs.targets = ParseTargets(o.report_targets);
  rs.groups = ParseGroups(o.report_groups, rs.base.config.cols());
  rs.free_column = !o.report_no_free;
  rs.selectors = ReportSelectorsNamed(o.report_selectors);
  rs.variants = ParseReportReconstructions(o.report_reconstruct);
  if (rs.groups.empty() && !rs.free_column) {
    throw UsageError("--report-no-free: no column left (give --report-groups)");
  }
  rs.calib_blocks = o.calib_blocks;
  rs.eval_blocks = o.eval_blocks;
  rs.quant = {rs.base.config.w_bits(), rs.base.config.a_bits()};
  rs.progress = !o.quiet;
  const ModelPaths paths = o.paths.Resolve();
  std::filesystem::path model_path = paths.model;
  if (model_path.filename().empty()) model_path = model_path.parent_path();  // "DIR/"
  rs.model_name = model_path.stem().string();
  RefuseOutputOverInputs({"--out", o.out}, ModelInputFlags(paths));
  if (LoadRecurrentModel(paths.model)) {
    throw UsageError(fmt::format("--report: {} is a recurrent model; prune it without --report "
                                 "(`flexcim report` has its recurrent section)", paths.model));
  }
  const ModelInputs inputs = ModelInputs::Load(paths);
  rs.base = ToSettings(o, inputs.model.config.n_layers);
  const auto calibration = inputs.EncodeSlice(o.calib_blocks, "--calib-blocks");
  const auto evaluation = inputs.EncodeSlice(o.eval_blocks, "--eval-blocks");
  CalibrationOptions copt;
  copt.threads = o.threads;
  copt.progress = !o.quiet;
  const CalibrationStats dense_stats = Calibrate(inputs.model, calibration, copt);
  const PruneReport report = BuildPruneReport(inputs.model, dense_stats, calibration, evaluation,
                                              rs, ModelSha256(paths.model));
  WritePruneReport(report, o.out);
  std::cout << PruneReportMarkdown(report);
  std::cout << fmt::format(
      "wrote {}/{{report.md, report.json, flow_blocks.svg, select_group.svg, select_group.json}}\n", o.out);
  return 0;
}

// The options of every perplexity `flexcim prune` prints.
PerplexityOptions EvalOptions(const PruneOptions& o, std::string label) {
  PerplexityOptions popt;
  popt.threads = o.threads;
  popt.progress = !o.quiet;
  popt.progress_label = std::move(label);
  return popt;
}

// The dense, pruned and pruned W/A-bit perplexities (each computed by the
// family's function with these options), unless --no-eval.
using Perplexity = std::function<PerplexityResult(const PerplexityOptions&)>;
std::optional<PruneEvaluation> EvaluatePrune(const PruneOptions& o, const MacroConfig& c, const Perplexity& dense,
                                             const Perplexity& pruned, const Perplexity& quantized) {
  if (o.no_eval) return std::nullopt;
  PruneEvaluation e;
  e.blocks = o.eval_blocks;
  e.dense = dense(EvalOptions(o, "eval dense"));
  e.pruned = pruned(EvalOptions(o, "eval pruned"));
  e.pruned_quantized = quantized(EvalOptions(o, fmt::format("eval pruned W{}A{}", c.w_bits(), c.a_bits())));
  return e;
}

// The lines after the table: perplexities and the files written.
void PrintPruneTail(const std::optional<PruneEvaluation>& eval, const MacroConfig& c, const std::string& out,
                    const std::vector<std::string>& files) {
  if (eval) {
    std::cout << fmt::format(
        "perplexity on blocks {} ({} predictions): dense {:.4f}, pruned {:.4f}, pruned W{}A{} {:.4f}\n",
        eval->blocks, eval->dense.predictions, eval->dense.perplexity(), eval->pruned.perplexity(), c.w_bits(),
        c.a_bits(), eval->pruned_quantized->perplexity());
  }
  std::cout << fmt::format("wrote {}/{{{}}}\n", out, fmt::join(files, ", "));
}

// A recurrent model (rwkv.cpp file, Hugging Face Mamba directory): the
// block-model flow (flow_pruner/block_model_pruning.h), evaluated in fp32,
// pruned fp32 and pruned W/A-bit, each block from an empty state.
int RunRecurrentPrune(const PruneOptions& o, const ModelPaths& paths,
                      std::unique_ptr<RecurrentLanguageModel> model, bool tokenizer_given) {
  const RecurrentInputs inputs = RecurrentInputs::Load(paths, std::move(model), tokenizer_given);
  const RecurrentLanguageModel& dense = *inputs.model;
  const PruneSettings settings = ToSettings(o, dense.num_blocks());
  if (settings.permute_channels != ChannelPermutationMethod::kNone) {
    throw UsageError(fmt::format("--permute-channels {}: only Llama-family models ({} is {})", o.permute_channels,
                                 paths.model, dense.Describe()));
  }
  const auto calibration = inputs.EncodeSlice(o.calib_blocks, "--calib-blocks");
  std::vector<std::vector<int>> evaluation;
  if (!o.no_eval) evaluation = inputs.EncodeSlice(o.eval_blocks, "--eval-blocks");
  const std::string source = std::filesystem::absolute(paths.model).lexically_normal().string();
  const BlockModelPruneResult result =
      RunBlockModelPrune(dense, calibration, settings, settings.config.w_bits(),
                         settings.config.a_bits(), ModelSha256(paths.model));
  for (const std::string& w : result.warnings) std::cerr << "prune: warning: " << w << "\n";
  const std::optional<PruneEvaluation> eval = EvaluatePrune(
      o, settings.config, [&](const PerplexityOptions& p) { return EvaluateRecurrentPerplexity(dense, evaluation, p); },
      [&](const PerplexityOptions& p) { return EvaluateBlockModelPerplexity(*result.pruned, evaluation, p); },
      [&](const PerplexityOptions& p) {
        const QuantizedLinearExecutor quantized(result.container, result.linear_names);
        return EvaluateBlockModelPerplexity(*result.pruned, evaluation, p, &quantized);
      });
  const std::vector<std::string> files =
      WritePruneOutputs(result, dense.Describe(), source, eval, o.out);
  std::cout << fmt::format("{} pruning of {} ({}) for macro {} ({} masks, {} per block)\n", o.method,
                           paths.model, dense.Describe(), settings.config.Name(),
                           settings.hardware_legal ? fmt::format("legal G={}", settings.config.sel_group()) : "free",
                           fmt::join(result.linear_names, ", "));
  std::cout << PruneResultTable(result);
  PrintPruneTail(eval, settings.config, o.out, files);
  return 0;
}

int RunPrune(const std::vector<std::string>& args) {
  PruneOptions o;
  const auto vm = ParseFlags(args, PruneFlags(o), "prune",
                             "--out DIR [--method flow|flow-measured|uniform|owl|search] [--nm N:M] [--target S] [flags]\n"
                             "       flexcim prune --report --out DIR [--eval-blocks A:B] "
                             "[--report-targets 0.5,...] [--report-groups 1,4,16] [flags]");
  if (!vm) return 0;
  if (o.report) {
    RequireReportFlags(*vm, o);
    return RunReport(o);
  }
  // Validate every flag that does not need the model before loading it.
  (void)ToSettings(o, 1 << 20);
  const ModelPaths paths = o.paths.Resolve();
  RefuseOutputOverInputs({"--out", o.out}, ModelInputFlags(paths));
  if (auto recurrent = LoadRecurrentModel(paths.model)) {
    return RunRecurrentPrune(o, paths, std::move(recurrent), vm->count("tokenizer") > 0);
  }
  ModelInputs inputs = ModelInputs::Load(paths);
  PruneSettings settings = ToSettings(o, inputs.model.config.n_layers);
  RefuseOverlappingScoreBlocks(o, inputs.num_blocks());
  if (!o.search_score_blocks.empty()) settings.search_score_blocks = inputs.EncodeSlice(o.search_score_blocks, "--search-score-blocks");
  const auto calibration = inputs.EncodeSlice(o.calib_blocks, "--calib-blocks");
  std::vector<std::vector<int>> evaluation;
  if (!o.no_eval) evaluation = inputs.EncodeSlice(o.eval_blocks, "--eval-blocks");
  const std::string model_format = DescribeModelFormat(inputs.model);

  // The dense perplexity first: the pruning then consumes the dense model
  // (pruned in place, one copy of the weights in memory).
  std::optional<PerplexityResult> dense_perplexity;
  if (!o.no_eval) dense_perplexity = EvaluatePerplexity(inputs.model, evaluation, EvalOptions(o, "eval dense"));
  const PruneResult result = RunPruneInPlace(std::move(inputs.model), calibration, settings, settings.config.w_bits(),
                                             settings.config.a_bits(), ModelSha256(paths.model));
  for (const std::string& w : result.warnings) std::cerr << "prune: warning: " << w << "\n";

  const std::optional<PruneEvaluation> eval = EvaluatePrune(
      o, settings.config, [&](const PerplexityOptions&) { return *dense_perplexity; },
      [&](const PerplexityOptions& p) { return EvaluatePerplexity(result.pruned, evaluation, p); },
      [&](const PerplexityOptions& p) {
        return EvaluateQuantized(result.pruned, evaluation, {settings.config.w_bits(), settings.config.a_bits()}, p);
      });
  const std::vector<std::string> files = WritePruneOutputs(result, eval, o.out, o.save_quantized);

  std::cout << fmt::format("{} pruning of {} ({}) for macro {} ({} masks)\n", o.method, paths.model,
                           model_format,
                           settings.config.Name(),
                           settings.hardware_legal ? fmt::format("legal G={}", settings.config.sel_group()) : "free");
  std::cout << PruneResultTable(result);
  PrintPruneTail(eval, settings.config, o.out, files);
  return 0;
}

const CommandRegistrar kPrune({"prune", "FLOW / OWL / uniform N:M pruning with hardware-legal masks",
                               RunPrune});

}  // namespace
}  // namespace flexcim::cli
