#include "codesign/codesign_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "codesign/block_variants.h"
#include "codesign/greedy_path.h"
#include "codesign/iso_table.h"
#include "codesign/perf_table.h"
#include "codesign/point_settings.h"
#include "core/errors.h"
#include "core/nm_pattern.h"
#include "flow_pruner/prune_outputs.h"
#include "flow_pruner/prune_pipeline.h"
#include "flow_pruner/quantized_eval.h"
#include "flow_pruner/text_blocks.h"
#include "golden/model_layers.h"
#include "golden/perf_model.h"

namespace flexcim::codesign {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// One architecture (FlexCiM at a select group, fixed 1:2, dense): what it
// runs per block, with which masks, on which configuration.
struct Curve {
  Arch arch = Arch::kFlexcim;
  int G = 0;  // FlexCiM only
  MaskKind mask;
  std::vector<NmPattern> options;  // per block; dense (2:2) first
  MacroConfig config = MacroConfig::Default();  // bit-parallel/ff; the container's

  std::string Key() const { return arch == Arch::kFlexcim ? fmt::format("flexcim_g{}", G) : ArchName(arch); }
  std::string Label() const {
    switch (arch) {
      case Arch::kFlexcim: return fmt::format("FlexCiM G={}", G);
      case Arch::kSparse12: return "fixed 1:2";
      case Arch::kDense: return "dense";
    }
    return "?";
  }
  MacroConfig Styled(const CellStyle& s) const { return config.WithMac(s.mac).WithStorage(s.storage); }
};

std::string PatternsText(const std::vector<NmPattern>& ps) {
  std::vector<std::string> names;
  for (const NmPattern& p : ps) names.push_back(p.ToString());
  return fmt::format("{}", fmt::join(names, ","));
}

// One sequential prune of an assignment (cached by curve and patterns).
struct PruneRecord {
  std::string name;
  fs::path dir;  // final location
  double validation_ppl = 0;  // W8A8
  double heldout_ppl = 0;     // W8A8
  double block_sparsity = 0;
  std::vector<golden::ModelLayer> layers;  // real masks
  std::shared_ptr<const pruner::LlamaModel> pruned;  // until the held-out perplexity is measured
};

}  // namespace

std::vector<std::string> SplitCommaList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string CellStyle::Name() const {
  return fmt::format("{}/{}", MacStyleName(mac), StorageKindName(storage));
}

std::vector<CellStyle> ParseCellStyles(const std::string& text) {
  std::vector<CellStyle> out;
  for (const std::string& item : SplitCommaList(text)) {
    const size_t slash = item.find('/');
    if (slash == std::string::npos) {
      throw UsageError(fmt::format("--styles {}: each style is MAC/STORAGE, e.g. bit-parallel/ff or bit-serial/latch",
                                   item));
    }
    CellStyle s;
    try {
      s.mac = ParseMacStyle(item.substr(0, slash));
      s.storage = ParseStorageKind(item.substr(slash + 1));
    } catch (const UsageError&) {
      throw UsageError(fmt::format(
          "--styles {}: MAC must be bit-parallel or bit-serial, STORAGE ff or latch", item));
    }
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

std::vector<double> ParseBudgets(const std::string& text, const std::string& flag) {
  std::vector<double> out;
  for (const std::string& item : SplitCommaList(text)) {
    double v = 0;
    size_t used = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || !std::isfinite(v)) {
      throw UsageError(fmt::format("{} {}: not a number (budgets are perplexity / dense W8A8, e.g. 1.25)", flag, item));
    }
    if (v < 1.0) {
      throw UsageError(fmt::format("{} {}: must be >= 1.0 (a perplexity budget relative to the dense W8A8 model)",
                                   flag, item));
    }
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> ParseGroups(const std::string& text) {
  std::vector<int> out;
  for (const std::string& item : SplitCommaList(text)) {
    int g = 0;
    size_t used = 0;
    try {
      g = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || g < 1 || (g & (g - 1)) != 0) {
      throw UsageError(fmt::format("--groups {}: each G must be a power of two >= 1", item));
    }
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Objective ParseObjective(const std::string& text) {
  if (text == "latency") return Objective::kLatency;
  if (text == "energy") return Objective::kEnergy;
  throw UsageError(fmt::format("--minimise {}: must be one of latency, energy", text));
}

void RefuseOverlappingSlices(const CodesignSlices& s, int num_blocks) {
  const std::pair<const char*, pruner::BlockSlice> slices[] = {
      {"--calib-blocks", pruner::ParseBlockSlice(s.calibration, num_blocks, "--calib-blocks")},
      {"--validation-blocks", pruner::ParseBlockSlice(s.validation, num_blocks, "--validation-blocks")},
      {"--heldout-blocks", pruner::ParseBlockSlice(s.heldout, num_blocks, "--heldout-blocks")}};
  for (int i = 0; i < 3; ++i) {
    for (int j = i + 1; j < 3; ++j) {
      const auto& a = slices[i].second;
      const auto& b = slices[j].second;
      if (a.Overlaps(b)) {
        throw UsageError(fmt::format("{} {} overlaps {} {}: calibration, validation and held-out text must be disjoint",
                                     slices[i].first, a.ToString(), slices[j].first, b.ToString()));
      }
    }
  }
}

CodesignResult RunCodesign(const pruner::LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                           const std::vector<std::vector<int>>& validation,
                           const std::vector<std::vector<int>>& heldout, const CodesignOptions& o,
                           const fs::path& staging, const fs::path& out_dir) {
  if (o.budgets.empty()) throw UsageError("--budgets: give at least one budget");
  const int L = dense.config.n_layers;
  const int C = o.base.cols();
  golden::ModelShape shape;
  shape.name = o.model_name;
  shape.blocks = L;
  shape.dim = dense.config.dim;
  shape.hidden = dense.config.hidden_dim;
  shape.heads = dense.config.n_heads;
  shape.kv_heads = dense.config.n_kv_heads;
  const pruner::QuantBits bits{o.base.w_bits(), o.base.a_bits()};

  // The curves.
  std::vector<Curve> curves;
  const NmPattern dense_pattern{2, 2};
  for (Arch a : o.archs) {
    if (a == Arch::kFlexcim) {
      for (int G : o.groups) {
        if (G > C) throw UsageError(fmt::format("--groups {}: G must be at most C = {}", G, C));
        Curve c;
        c.arch = a;
        c.G = G;
        c.mask = {true, G};
        c.config = MacroConfig::Create({.subs = o.base.subs(), .rows = o.base.rows(), .cols = C, .sel_group = G, .a_bits = o.base.a_bits(), .w_bits = o.base.w_bits()});
        c.options.push_back(dense_pattern);
        for (const NmPattern& p : SupportedPatterns(c.config)) {
          if (!p.dense()) c.options.push_back(p);
        }
        curves.push_back(c);
      }
    } else {
      Curve c;
      c.arch = a;
      c.mask = {false, 1};
      c.config = MacroConfig::Create({.subs = o.base.subs(), .rows = o.base.rows(), .cols = C, .sel_group = C, .a_bits = o.base.a_bits(), .w_bits = o.base.w_bits()});
      c.options.push_back(dense_pattern);
      if (a == Arch::kSparse12) c.options.push_back({1, 2});
      curves.push_back(c);
    }
  }

  EnergyLookup energies(o.energy_files);
  auto ops_of = [&](const Curve& c, const CellStyle& s) -> std::optional<golden::OperationEnergies> {
    const auto f = energies.Find(c.arch, c.Styled(s));
    return f ? std::optional(f->first) : std::nullopt;
  };

  // Dense references.
  pruner::PerplexityOptions popt;
  popt.threads = o.threads;
  popt.progress = o.progress;
  popt.progress_label = "codesign dense W8A8 validation";
  const double dense_validation = pruner::EvaluateQuantized(dense, validation, bits, popt).perplexity();
  popt.progress_label = "codesign dense W8A8 held-out";
  const pruner::PerplexityResult dense_heldout_r = pruner::EvaluateQuantized(dense, heldout, bits, popt);
  const double dense_heldout = dense_heldout_r.perplexity();

  pruner::ObsOptions variant_obs = o.obs;
  variant_obs.refine_iterations = 0;  // variants only rank assignments
  BlockVariants variants(dense, calibration, validation, variant_obs, o.threads, o.progress);

  // Joint NLL per mask kind, memoised, with one stream cache following the
  // last assignment computed.
  struct JointState {
    BlockVariants::StreamCache cache;
    std::vector<NmPattern> last;
    std::map<std::vector<NmPattern>, double> memo;
  };
  std::map<MaskKind, JointState> joint;
  auto joint_nll = [&](const MaskKind& kind, const std::vector<NmPattern>& ps) {
    JointState& st = joint[kind];
    if (auto it = st.memo.find(ps); it != st.memo.end()) return it->second;
    if (st.cache.streams.empty()) st.cache = variants.DenseCache();
    int first = 0;
    if (!st.last.empty()) {
      while (first < L && st.last[first] == ps[first]) ++first;
      if (first == L) first = L - 1;
    }
    std::vector<const pruner::LlamaLayer*> layers;
    for (int b = 0; b < L; ++b) layers.push_back(&variants.Variant(b, ps[b], kind));
    const double nll = variants.JointNll(layers, first, st.cache);
    st.last = ps;
    st.memo[ps] = nll;
    return nll;
  };

  // Cost of an assignment on the shapes at Q macros.
  auto shape_perf = [&](const Curve& c, const CellStyle& s, const std::vector<NmPattern>& ps, int q) {
    return golden::EvaluateArch(c.arch, c.Styled(s), golden::ShapeLayers(shape, ps), q, o.tokens, ops_of(c, s),
                                o.buffer_pj_per_bit);
  };
  auto objective_of = [&](const golden::ArchPerf& p) {
    if (o.objective == Objective::kEnergy) {
      if (!p.decode_energy) {
        throw Error(fmt::format("--minimise energy: no energies for {} {} in the --energy files", ArchName(p.arch),
                                golden::EnergyConfigName(p.arch, p.config)));
      }
      return p.decode_energy->macro_pj;
    }
    return static_cast<double>(p.system.decode.cycles);
  };

  // 2. Paths.
  std::map<std::pair<std::string, CellStyle>, std::vector<PathPoint>> paths;
  json paths_json = json::array();
  for (const Curve& c : curves) {
    for (const CellStyle& s : o.styles) {
      PathProblem prob;
      prob.options.assign(L, c.options);
      prob.cost = [&](const std::vector<NmPattern>& ps) { return objective_of(shape_perf(c, s, ps, o.macros)); };
      prob.alone_delta = [&](int b, const NmPattern& p) { return variants.AloneDelta(b, p, c.mask); };
      prob.joint_nll = [&](const std::vector<NmPattern>& ps) { return joint_nll(c.mask, ps); };
      std::vector<PathPoint> path = GreedyPath(prob);
      json pts = json::array();
      for (const PathPoint& p : path) {
        pts.push_back({{"patterns", PatternsText(p.patterns)}, {"step", p.step}, {"cost", p.cost},
                       {"validation_ppl_estimate", std::exp(p.validation_nll)},
                       {"validation_ratio_estimate", std::exp(p.validation_nll - variants.dense_nll())}});
      }
      paths_json.push_back({{"arch", ArchName(c.arch)}, {"G", c.arch == Arch::kFlexcim ? json(c.G) : json(nullptr)},
                            {"label", c.Label()}, {"style", s.Name()}, {"points", pts}});
      if (o.progress) fmt::print(stderr, "codesign: {} {}: path of {} points\n", c.Label(), s.Name(), path.size());
      paths[{c.Key(), s}] = std::move(path);
    }
  }

  // 3. Sequential prunes of chosen assignments (cached).
  std::map<std::pair<std::string, std::vector<NmPattern>>, PruneRecord> prunes;
  auto prune_of = [&](const Curve& c, const std::vector<NmPattern>& ps) -> PruneRecord& {
    const auto key = std::make_pair(c.Key(), ps);
    if (auto it = prunes.find(key); it != prunes.end()) return it->second;
    pruner::PruneSettings st;
    st.method = pruner::PruneMethod::kAssigned;
    st.assigned = ps;
    st.config = c.config;
    st.hardware_legal = c.mask.hardware_legal;
    st.candidates = c.options;
    st.reconstruct = pruner::Reconstruction::kObs;
    st.obs = o.obs;
    st.threads = o.threads;
    st.progress = false;
    const pruner::PruneResult r =
        pruner::RunPrune(dense, calibration, st, o.base.w_bits(), o.base.a_bits(), o.source_sha256);
    PruneRecord rec;
    std::string name = c.Key();
    for (const NmPattern& p : ps) name += fmt::format("_{}-{}", p.n, p.m);
    rec.name = name;
    rec.dir = out_dir / "prunes" / name;
    pruner::PerplexityOptions q = popt;
    q.progress = false;
    if (std::ranges::all_of(ps, [](const NmPattern& p) { return p.dense(); })) {
      // Every block dense: the pruned model is the dense one (W8A8 the same).
      rec.validation_ppl = dense_validation;
      rec.heldout_ppl = dense_heldout;
    } else {
      rec.validation_ppl = pruner::EvaluateQuantized(r.pruned, validation, bits, q).perplexity();
      rec.pruned = std::make_shared<pruner::LlamaModel>(r.pruned);  // held-out only if chosen
    }
    rec.block_sparsity = r.block_sparsity();
    rec.layers = ContainerLayers(r.container);
    pruner::WritePruneOutputs(r, std::nullopt, staging / "prunes" / name);
    if (o.progress) {
      fmt::print(stderr, "codesign: pruned {} {}: W8A8 validation {:.4f} ({:.3f}x)\n", c.Label(), PatternsText(ps),
                 rec.validation_ppl, rec.validation_ppl / dense_validation);
    }
    return prunes.emplace(key, std::move(rec)).first->second;
  };
  auto measure_heldout = [&](PruneRecord& rec) {
    if (!rec.pruned) return;
    pruner::PerplexityOptions q = popt;
    q.progress_label = "codesign held-out " + rec.name;
    rec.heldout_ppl = pruner::EvaluateQuantized(*rec.pruned, heldout, bits, q).perplexity();
    rec.pruned.reset();
  };

  // Per curve, style and budget: the furthest point along the path that
  // meets the budget on the validation blocks (W8A8, sequential pruning).
  // Candidates are the path points whose estimate meets it; validation
  // perplexity grows along the path, so a bisection finds the furthest one
  // (the start, every block dense, always meets it).
  struct Selection {
    const PathPoint* point = nullptr;
    PruneRecord* record = nullptr;
    int tries = 0;
  };
  std::map<std::tuple<std::string, CellStyle, double>, Selection> selections;
  auto select = [&](const Curve& c, const CellStyle& style, double budget) -> const Selection& {
    const auto key = std::make_tuple(c.Key(), style, budget);
    if (auto it = selections.find(key); it != selections.end()) return it->second;
    const std::vector<PathPoint>& path = paths.at({c.Key(), style});
    size_t eligible = 0;
    while (eligible < path.size() && std::exp(path[eligible].validation_nll - variants.dense_nll()) <= budget) {
      ++eligible;
    }
    Selection sel;
    auto meets = [&](size_t i) {
      ++sel.tries;
      return prune_of(c, path[i].patterns).validation_ppl <= budget * dense_validation;
    };
    size_t lo = 0, hi = eligible;  // path[lo] meets (the start); path[hi..] not tried or not met
    if (eligible == 0) {
      hi = 0;
    } else {
      while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (meets(mid)) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      PruneRecord& r = prune_of(c, path[lo].patterns);
      if (r.validation_ppl <= budget * dense_validation) {
        sel.point = &path[lo];
        sel.record = &r;
      }
    }
    return selections.emplace(key, sel).first->second;
  };

  // The chosen point of every curve, style and budget, then every
  // setting's figures (point_settings.h).
  std::vector<ChosenPoint> points;
  for (const Curve& c : curves) {
    for (const CellStyle& style : o.styles) {
      for (double budget : o.budgets) {
        const Selection& sel = select(c, style, budget);
        ChosenPoint p;
        json& ch = p.facts;
        ch = {{"budget", budget}, {"arch", ArchName(c.arch)},
              {"G", c.arch == Arch::kFlexcim ? json(c.G) : json(nullptr)}, {"label", c.Label()},
              {"style", style.Name()}, {"tries", sel.tries}};
        if (!sel.record) {
          ch["reachable"] = false;
          ch["note"] = fmt::format("no assignment of {} meets {}x dense W8A8 on the validation blocks", c.Label(),
                                   budget);
          points.push_back(std::move(p));
          continue;
        }
        PruneRecord* rec = sel.record;
        ch["reachable"] = true;
        measure_heldout(*rec);
        ch["patterns"] = PatternsText(sel.point->patterns);
        ch["sparsified"] = std::ranges::any_of(sel.point->patterns, [](const NmPattern& p) { return !p.dense(); });
        ch["block_sparsity"] = rec->block_sparsity;
        ch["prune_dir"] = rec->dir.string();
        ch["validation_ppl_estimate"] = std::exp(sel.point->validation_nll);
        ch["validation_ppl"] = rec->validation_ppl;
        ch["validation_ratio"] = rec->validation_ppl / dense_validation;
        ch["heldout_ppl"] = rec->heldout_ppl;
        ch["heldout_ratio"] = rec->heldout_ppl / dense_heldout;
        p.layers = rec->layers;
        points.push_back(std::move(p));
      }
    }
  }
  SettingsInputs settings;
  settings.base = o.base;
  settings.archs = o.archs;
  settings.groups = o.groups;
  for (const CellStyle& s : o.styles) settings.styles.push_back(s.Name());
  settings.macros = o.macros;
  settings.tokens = o.tokens;
  settings.buffer_pj_per_bit = o.buffer_pj_per_bit;
  settings.energy_files = o.energy_files;
  settings.tokenizer_path = o.tokenizer_path;
  settings.heldout_slice = o.slices.heldout;
  std::vector<std::string> notes;
  const json choices = ChoicesAtSettings(points, settings, &notes);

  CodesignResult out;
  std::vector<std::string> style_names, arch_names;
  for (const CellStyle& s : o.styles) style_names.push_back(s.Name());
  for (Arch a : o.archs) arch_names.push_back(ArchName(a));
  std::vector<std::string> files;
  for (const fs::path& f : o.energy_files) files.push_back(f.string());
  out.json = {{"model", o.model_name},
              {"model_path", o.model_path},
              {"config", o.base.Name()},
              {"budgets", o.budgets},
              {"archs", arch_names},
              {"groups", o.groups},
              {"styles", style_names},
              {"objective", o.objective == Objective::kEnergy ? "energy" : "latency"},
              {"macros", o.macros},
              {"tokens", o.tokens},
              {"buffer_pj_per_bit", o.buffer_pj_per_bit},
              {"energy_files", files},
              {"obs_refine", o.obs.refine_iterations},
              {"slices",
               {{"calibration", o.slices.calibration},
                {"validation", o.slices.validation},
                {"heldout", o.slices.heldout}}},
              {"dense",
               {{"validation_w8a8_ppl", dense_validation},
                {"heldout_w8a8_ppl", dense_heldout},
                {"heldout_predictions", dense_heldout_r.predictions},
                {"validation_fp32_ppl", std::exp(variants.dense_nll())}}},
              {"notes", notes},
              {"paths", paths_json},
              {"choices", choices}};
  out.markdown = CodesignMarkdown(out.json);
  out.svgs = CodesignCharts(out.json);
  return out;
}

}  // namespace flexcim::codesign
