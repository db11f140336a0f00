#include "codesign/perf_report.h"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <fstream>
#include <regex>

#include "core/baseline_config.h"
#include "core/errors.h"
#include "core/json_input.h"
#include "core/svg_chart.h"
#include "flow_pruner/flow_solver.h"
#include "golden/perf_model.h"

namespace flexcim::codesign {

using namespace flexcim::golden;

namespace {

using nlohmann::json;

constexpr Arch kArchs[] = {Arch::kFlexcim, Arch::kSparse12, Arch::kDense};
constexpr double kPaperLatency = 1.75, kPaperEnergy = 1.5;

// One model x assignment x G, evaluated on every architecture.
struct Point {
  std::string model;       // "stories260K", "Llama-2-7B shapes"
  std::string assignment;  // "FLOW", "uniform 2:4", "OWL M=8"
  std::string method;      // flow | uniform | owl
  std::optional<double> target;
  double block_sparsity = 0;
  int G = 0;
  int macros = 1;
  std::vector<NmPattern> patterns;
  std::optional<double> perplexity;
  std::map<Arch, json> perf;        // Q macros each (equal cells)
  std::map<Arch, json> equal_area;  // Q chosen per arch to match FlexCiM's area (null without areas)

  std::string Label() const {
    return target ? fmt::format("{} {:.3g}", assignment, *target) : assignment;
  }
};

std::string Opt(const json& v, const char* format) {
  return v.is_null() ? std::string("-") : fmt::format(fmt::runtime(format), v.get<double>());
}

// Decode latency of one perf object: µs when the compute fmax is known, else cycles.
double DecodeLatency(const json& p, bool time) {
  return time ? p.at("decode_us").get<double>() : static_cast<double>(p.at("decode_cycles").get<int64_t>());
}

// baseline / FlexCiM for latency (time when every side has it) and energy; null when unknown.
std::pair<json, json> Ratios(const json& flex, const json& base) {
  if (flex.is_null() || base.is_null()) return {nullptr, nullptr};
  const bool time = !flex.at("decode_us").is_null() && !base.at("decode_us").is_null();
  json lat = DecodeLatency(base, time) / DecodeLatency(flex, time);
  json energy = nullptr;
  if (!flex.at("energy_per_token_pj").is_null() && !base.at("energy_per_token_pj").is_null()) {
    energy = base.at("energy_per_token_pj").get<double>() / flex.at("energy_per_token_pj").get<double>();
  }
  return {lat, energy};
}

std::string RatioText(const std::pair<json, json>& r) {
  return fmt::format("{} / {}", Opt(r.first, "{:.2f}x"), Opt(r.second, "{:.2f}x"));
}

class Evaluator {
 public:
  Evaluator(const PerfReportInputs& in) : in_(in) {
    if (!in.energy_file.empty() && std::filesystem::exists(in.energy_file)) have_energy_file_ = true;
  }

  void Evaluate(Point& p, const ModelShape& shape) {
    const MacroConfig config = MacroConfig::Create({.subs = in_.config.subs(), .rows = in_.config.rows(), .cols = in_.config.cols(), .sel_group = p.G, .a_bits = in_.config.a_bits(), .w_bits = in_.config.w_bits()});
    const std::map<Arch, OperationEnergies> energies =
        have_energy_file_ ? ReadOperationEnergies(in_.energy_file, config) : std::map<Arch, OperationEnergies>{};
    const std::vector<ModelLayer> layers = ShapeLayers(shape, p.patterns);
    const auto flex_ops = energies.find(Arch::kFlexcim);
    for (Arch a : kArchs) {
      const auto ops = energies.find(a);
      const std::optional<OperationEnergies> o =
          ops == energies.end() ? std::nullopt : std::optional(ops->second);
      json j = ToJson(EvaluateArch(a, config, layers, p.macros, in_.tokens, o, in_.buffer_pj_per_bit));
      j.erase("layers");
      p.perf[a] = j;
      if (o && flex_ops != energies.end()) {
        const int q = EqualAreaMacros(p.macros, flex_ops->second.area_um2, o->area_um2);
        json e = ToJson(EvaluateArch(a, config, layers, q, in_.tokens, o, in_.buffer_pj_per_bit));
        e.erase("layers");
        p.equal_area[a] = e;
      } else {
        p.equal_area[a] = nullptr;
      }
    }
  }

  bool have_energy_file() const { return have_energy_file_; }

 private:
  const PerfReportInputs& in_;
  bool have_energy_file_ = false;
};

std::vector<NmPattern> ParsePatterns(const json& list) {
  std::vector<NmPattern> out;
  for (const json& s : list) out.push_back(NmPattern::Parse(s.get<std::string>(), "patterns"));
  return out;
}

// The shipped model of the run: the prune report's "model" (name and
// shape, issue 17); reports written before it have none and are of
// stories260K.
ModelShape ShippedShape(const std::optional<json>& report, const std::optional<ModelShape>& prune_shape) {
  if ((!report || !report->contains("model")) && prune_shape) return *prune_shape;
  if (!report || !report->contains("model")) {
    ModelShape s = ReadModelShape("stories260k");
    s.name = "stories260K";
    return s;
  }
  const json& m = report->at("model");
  const std::string what = "the prune report's model";
  ModelShape s;
  s.name = m.at("name").get<std::string>();
  s.blocks = static_cast<int>(JsonInteger(m, "blocks", 1, kMaxShapeBlocks, what));
  s.dim = static_cast<int>(JsonInteger(m, "dim", 1, kMaxShapeWidth, what));
  s.hidden = static_cast<int>(JsonInteger(m, "hidden", 1, kMaxShapeWidth, what));
  s.heads = static_cast<int>(JsonInteger(m, "heads", 1, s.dim, what));
  s.kv_heads = static_cast<int>(JsonInteger(m, "kv_heads", 1, s.heads, what));
  return s;
}

// The shipped model's points: every pruned row of the prune report at G = C and G = 1.
std::vector<Point> ShippedPoints(const json& report, const MacroConfig& config, const std::string& model) {
  std::vector<Point> points;
  for (const json& row : report.at("rows")) {
    if (row.at("method") == "dense" || !row.at("skipped").is_null()) continue;
    for (const json& cell : row.at("cells")) {
      const std::string masks = cell.at("masks").get<std::string>();
      int G = 0;
      if (masks == fmt::format("G={}", config.cols())) G = config.cols();
      if (masks == "G=1") G = 1;
      if (G == 0) continue;
      Point p;
      p.model = model;
      p.assignment = row.at("name").get<std::string>();
      p.method = row.at("method").get<std::string>();
      if (!row.at("target").is_null()) p.target = row.at("target").get<double>();
      p.block_sparsity = row.at("block_sparsity").get<double>();
      p.G = G;
      p.patterns = ParsePatterns(row.at("patterns"));
      p.perplexity = cell.at("perplexity").get<double>();
      points.push_back(std::move(p));
    }
  }
  return points;
}

// The run's own pruning when there is no prune report: one point.
Point PrunePoint(const json& prune, const MacroConfig& config, const std::string& model) {
  Point p;
  p.model = model;
  p.method = prune.at("method").get<std::string>();
  p.assignment = p.method == "flow" ? "FLOW" : p.method;
  p.target = prune.at("target_sparsity").get<double>();
  p.block_sparsity = prune.at("achieved_block_sparsity").get<double>();
  p.G = config.sel_group();
  for (const json& b : prune.at("blocks")) p.patterns.push_back(NmPattern::Parse(b.at("pattern").get<std::string>(), "pattern"));
  if (prune.contains("evaluation")) p.perplexity = prune.at("evaluation").at("pruned").at("perplexity").get<double>();
  return p;
}

struct Profile {
  std::vector<double> outlier_norm, locality_norm;
};

Profile ReadProfile(const std::filesystem::path& file, int blocks) {
  const json j = ReadJsonFile(file);
  const json& outlier = JsonArray(j, "outlier_norm", file.string());
  const json& locality = JsonArray(j, "locality_norm", file.string());
  if (outlier.size() != static_cast<size_t>(blocks) || locality.size() != static_cast<size_t>(blocks)) {
    throw Error(fmt::format("{}: {} / {} values, need {} blocks", file.string(), outlier.size(), locality.size(),
                            blocks));
  }
  Profile p;
  for (size_t i = 0; i < outlier.size(); ++i) {
    p.outlier_norm.push_back(JsonNumberValue(outlier[i], 0, 1e12, fmt::format("{}: outlier_norm[{}]", file.string(), i)));
    p.locality_norm.push_back(
        JsonNumberValue(locality[i], 0, 1e12, fmt::format("{}: locality_norm[{}]", file.string(), i)));
  }
  if (static_cast<int>(p.outlier_norm.size()) != blocks || static_cast<int>(p.locality_norm.size()) != blocks) {
    throw Error(fmt::format("{}: {} / {} values, need {} blocks", file.string(), p.outlier_norm.size(),
                            p.locality_norm.size(), blocks));
  }
  return p;
}

std::vector<Point> SevenBPoints(const Profile& profile, const MacroConfig& config, const ModelShape& shape) {
  std::vector<Point> points;
  for (const NmPattern& u : std::vector<NmPattern>{{1, 2}, {2, 4}, {4, 8}, {2, 8}}) {
    Point p;
    p.model = "Llama-2-7B shapes";
    p.assignment = "uniform " + u.ToString();
    p.method = "uniform";
    p.block_sparsity = u.sparsity();
    p.G = config.cols();
    p.patterns.assign(static_cast<size_t>(shape.blocks), u);
    points.push_back(std::move(p));
  }
  for (double target : {0.5, 0.625, 0.75}) {
    pruner::FlowSolverOptions o;
    o.candidates = SupportedPatterns(config);
    o.target_sparsity = target;
    const pruner::FlowAssignment a = pruner::SolveFlow(profile.outlier_norm, profile.locality_norm, o);
    Point p;
    p.model = "Llama-2-7B shapes";
    p.assignment = a.exact ? "FLOW (synthetic profile)" : "FLOW (synthetic profile, nearest)";
    p.method = "flow";
    p.target = target;
    p.block_sparsity = a.achieved_sparsity;
    p.G = config.cols();
    p.patterns = a.patterns;
    points.push_back(std::move(p));
  }
  return points;
}

const Point* FairBaseline(const std::vector<Point>& points, const Point& p) {
  for (const Point& q : points) {
    if (q.model == p.model && q.G == p.G && q.macros == p.macros && q.assignment == "uniform 1:2") return &q;
  }
  return nullptr;
}

std::string PatternsText(const std::vector<NmPattern>& patterns) {
  std::vector<std::string> names;
  for (const NmPattern& p : patterns) names.push_back(p.ToString());
  return fmt::format("{}", fmt::join(names, " "));
}

std::string DetailTable(const std::vector<Point>& points) {
  std::string s =
      "| assignment | G | Q | perplexity | arch | tiles | regime | decode cycles | decode µs | prefill cycles | "
      "pJ/token | pJ/token +buffer | decode util. | cell util. | area (mm²) |\n"
      "|---|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Point& p : points) {
    for (Arch a : kArchs) {
      const json& j = p.perf.at(a);
      s += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1f}% | {:.1f}% | {} |\n",
                       p.Label(), p.G, p.macros, p.perplexity ? fmt::format("{:.3f}", *p.perplexity) : "-", ArchName(a),
                       j.at("tiles").get<int64_t>(), j.at("regime").get<std::string>(),
                       j.at("decode_cycles").get<int64_t>(), Opt(j.at("decode_us"), "{:.3f}"),
                       j.at("prefill_cycles").get<int64_t>(), Opt(j.at("energy_per_token_pj"), "{:.4g}"),
                       Opt(j.at("energy_per_token_with_buffer_pj"), "{:.4g}"),
                       100 * j.at("decode_utilisation").get<double>(), 100 * j.at("cell_utilisation").get<double>(),
                       j.at("area_um2").is_null() ? "-" : fmt::format("{:.2f}", j.at("area_um2").get<double>() / 1e6));
    }
  }
  return s;
}

json PointJson(const Point& p, const std::vector<Point>& all) {
  json j = {{"model", p.model}, {"assignment", p.assignment}, {"method", p.method}, {"G", p.G}, {"macros", p.macros},
            {"block_sparsity", p.block_sparsity}, {"patterns", PatternsText(p.patterns)}};
  j["target"] = p.target ? json(*p.target) : json(nullptr);
  j["perplexity"] = p.perplexity ? json(*p.perplexity) : json(nullptr);
  for (Arch a : kArchs) {
    j["archs"][ArchName(a)] = p.perf.at(a);
    j["archs"][ArchName(a)]["equal_area"] = p.equal_area.at(a);
  }
  const json& flex = p.perf.at(Arch::kFlexcim);
  auto put = [&](const char* key, const std::pair<json, json>& r) {
    j["ratios"][key] = {{"latency", r.first}, {"energy", r.second}};
  };
  put("fixed12_same_model", Ratios(flex, p.perf.at(Arch::kSparse12)));
  put("dense", Ratios(flex, p.perf.at(Arch::kDense)));
  put("fixed12_same_model_equal_area", Ratios(flex, p.equal_area.at(Arch::kSparse12)));
  put("dense_equal_area", Ratios(flex, p.equal_area.at(Arch::kDense)));
  if (const Point* fair = FairBaseline(all, p)) {
    put("fixed12_fair", Ratios(flex, fair->perf.at(Arch::kSparse12)));
    put("fixed12_fair_equal_area", Ratios(flex, fair->equal_area.at(Arch::kSparse12)));
  }
  return j;
}

// The summary: G = C, FLOW at every target and uniform 2:4, at every Q.
bool InSummary(const Point& p, int cols) {
  return p.G == cols && (p.method == "flow" || p.assignment == "uniform 2:4");
}

std::string SummaryTable(const std::vector<Point>& points, const json& point_json, int cols) {
  std::string s =
      "| model | assignment | Q | perplexity | FlexCiM decode µs (cycles) | FlexCiM pJ/token | vs fixed 1:2, same "
      "model | vs fixed 1:2 running uniform 1:2 | vs dense | equal area: vs fixed 1:2 (1:2 model) | equal area: vs "
      "dense |\n|---|---|---:|---:|---:|---:|---|---|---|---|---|\n";
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    if (!InSummary(p, cols)) continue;
    const json& f = p.perf.at(Arch::kFlexcim);
    const json& r = point_json[i].at("ratios");
    auto ratio = [&](const char* key) {
      if (!r.contains(key)) return std::string("-");
      return RatioText({r.at(key).at("latency"), r.at(key).at("energy")});
    };
    s += fmt::format("| {} | {} | {} | {} | {} ({}) | {} | {} | {} | {} | {} | {} |\n", p.model, p.Label(), p.macros,
                     p.perplexity ? fmt::format("{:.3f}", *p.perplexity) : "-", Opt(f.at("decode_us"), "{:.3f}"),
                     f.at("decode_cycles").get<int64_t>(), Opt(f.at("energy_per_token_pj"), "{:.4g}"),
                     ratio("fixed12_same_model"), ratio("fixed12_fair"), ratio("dense"),
                     ratio("fixed12_fair_equal_area"), ratio("dense_equal_area"));
  }
  s += "\nWhere the ratios come from (FLOW's N:M per block; fixed 1:2 runs the blocks with N = 1 natively and "
       "every other block in dense mode, each input pair over two rows; dense DCiM runs every block as dense):\n\n";
  for (const Point& p : points) {
    if (p.method == "flow" && p.G == cols && p.macros == points.front().macros) {
      s += fmt::format("- {}, {}: {}\n", p.model, p.Label(), PatternsText(p.patterns));
    }
  }
  s += fmt::format(
      "\nG = C (the published FlexCiM); Q = macros of each architecture (equal cells); every assignment and G = 1 "
      "are in the tables below. Ratios are baseline / FlexCiM as latency / energy per decoded token (above 1: FlexCiM is faster or "
      "spends less); the paper reports up to {}x lower latency and {}x lower energy than existing sparse "
      "accelerators.\n",
      kPaperLatency, kPaperEnergy);
  return s;
}

// Bars: per-block sparsity of every FLOW target, labelled N:M.
Chart BlockChart(const std::vector<Point>& points, const std::string& model, int G) {
  Chart c;
  c.kind = ChartKind::kBar;
  c.title = fmt::format("{}: FLOW's N:M per block (G = {})", model, G);
  c.x_label = "block";
  c.y_label = "sparsity (M-N)/M";
  c.y_min = 0;
  c.y_max = 1;
  for (const Point& p : points) {
    if (p.model != model || p.method != "flow" || p.G != G) continue;
    if (c.categories.empty()) {
      for (size_t b = 0; b < p.patterns.size(); ++b) c.categories.push_back(std::to_string(b));
    }
    ChartSeries s;
    s.name = fmt::format("target {:.3g}", *p.target);
    for (const NmPattern& n : p.patterns) {
      s.values.push_back(n.sparsity());
      if (p.patterns.size() <= 8) s.point_labels.push_back(n.ToString());
    }
    c.series.push_back(std::move(s));
  }
  return c;
}

Chart BreakdownChart(const Point& p, const Point* fair, int macros) {
  Chart c;
  c.kind = ChartKind::kBar;
  c.title = fmt::format("{}, {}: decode cycles per token by kind (average per macro, Q = {})", p.model, p.Label(),
                        macros);
  c.x_label = "architecture";
  c.y_label = "cycles";
  std::vector<std::pair<std::string, const json*>> cols;
  for (Arch a : kArchs) cols.emplace_back(ArchName(a), &p.perf.at(a));
  if (fair) cols.emplace_back("sparse12, uniform 1:2 model", &fair->perf.at(Arch::kSparse12));
  for (const auto& [name, j] : cols) c.categories.push_back(name);
  for (const char* kind : {"weight_load", "compute", "pipeline_fill", "idle"}) {
    ChartSeries s;
    s.name = kind;
    for (const auto& [name, j] : cols) {
      s.values.push_back(static_cast<double>(j->at("decode_split").at(kind).get<int64_t>()) /
                         j->at("macros").get<int>());
    }
    c.series.push_back(std::move(s));
  }
  return c;
}

Chart ParetoChart(const std::vector<Point>& points, bool energy, bool time, int pareto_macros,
                  const std::string& model) {
  Chart c;
  c.kind = ChartKind::kScatter;
  c.title = fmt::format("{}, Q = {}: perplexity vs {}", model, pareto_macros,
                        energy ? "energy per token" : "decode latency per token");
  c.x_label = energy ? "pJ per decoded token" : (time ? "µs per decoded token" : "cycles per decoded token");
  c.y_label = "perplexity";
  for (Arch a : kArchs) {
    ChartSeries s;
    s.name = ArchName(a);
    for (const Point& p : points) {
      if (p.model != model || !p.perplexity || p.macros != pareto_macros) continue;
      const json& j = p.perf.at(a);
      const json& x = energy ? j.at("energy_per_token_pj") : (time ? j.at("decode_us") : j.at("decode_cycles"));
      if (x.is_null()) continue;
      s.x_values.push_back(x.get<double>());
      s.values.push_back(*p.perplexity);
      s.point_labels.push_back(fmt::format("{} G{}", p.Label(), p.G));
    }
    if (!s.values.empty()) c.series.push_back(std::move(s));
  }
  return c;
}

}  // namespace

MacroConfig ParseMacroConfigName(const std::string& name) {
  static const std::regex kName(R"(^p(\d{1,4})_r(\d{1,4})_c(\d{1,4})_g(\d{1,4})_a(\d{1,4})_w(\d{1,4})$)");
  std::smatch m;
  if (!std::regex_match(name, m, kName)) {
    throw Error(fmt::format("macro name \"{}\": expected p<P>_r<R>_c<C>_g<G>_a<A>_w<W>", name));
  }
  try {
    return MacroConfig::Create({.subs = std::stoi(m[1]), .rows = std::stoi(m[2]), .cols = std::stoi(m[3]), .sel_group = std::stoi(m[4]), .a_bits = std::stoi(m[5]), .w_bits = std::stoi(m[6])});
  } catch (const UsageError& e) {  // worded with flags; here it is a file's field
    throw Error(fmt::format("macro name \"{}\": not a valid configuration ({})", name, e.what()));
  }
}

PerfReport BuildPerfReport(const PerfReportInputs& in) {
  PerfReport out;
  Evaluator eval(in);
  std::vector<Point> points;
  std::string shipped_missing;
  // Every base point at every Q.
  auto at_each_q = [&](const std::vector<Point>& base) {
    std::vector<Point> out;
    for (int q : in.macros) {
      for (Point p : base) {
        p.macros = q;
        out.push_back(std::move(p));
      }
    }
    return out;
  };
  const ModelShape shipped_shape = ShippedShape(in.prune_report, in.prune_shape);
  const std::string& shipped_name = shipped_shape.name;
  if (in.prune_report) {
    points = at_each_q(ShippedPoints(*in.prune_report, in.config, shipped_name));
  } else {
    shipped_missing = in.prune_report_missing;
    if (in.prune) points = at_each_q({PrunePoint(*in.prune, in.config, shipped_name)});
  }
  for (Point& p : points) eval.Evaluate(p, shipped_shape);
  std::string seven_missing;
  const ModelShape seven = ReadModelShape("llama2-7b");
  try {
    std::vector<Point> s = at_each_q(SevenBPoints(ReadProfile(in.profile_file, seven.blocks), in.config, seven));
    for (Point& p : s) eval.Evaluate(p, seven);
    points.insert(points.end(), s.begin(), s.end());
  } catch (const Error& e) {
    seven_missing = e.what();
  }

  json point_json = json::array();
  for (const Point& p : points) point_json.push_back(PointJson(p, points));

  std::string& md = out.markdown;
  md += fmt::format(
      "## Latency and energy per token: FlexCiM vs fixed 1:2 and dense DCiM\n\n"
      "System model (docs/PERF.md): Q = {} macros of each architecture, configuration {} (baselines the same "
      "P, R, C, A, W), weight buffer writing each macro one row per cycle; decode = one token with the KV cache, "
      "prefill = {} tokens; layers in model order; only the seven linear layers per block run on the macros. "
      "Equal area: each baseline gets the number of macros whose total area matches FlexCiM's within one macro. "
      "Weight-buffer read energy {:.4g} pJ/bit in the \"+buffer\" columns.\n\n",
      fmt::join(in.macros, " and "), in.config.Name(), in.tokens, in.buffer_pj_per_bit);
  if (!eval.have_energy_file()) {
    md += fmt::format("**Energies missing**: no operation-energy file ({}); latency is in cycles only and the "
                      "energy columns are empty. Produce it with `flexcim energy --synth <synth dir> --out "
                      "<synth dir>/energy.json`.\n\n",
                      in.energy_file.empty() ? "none given" : in.energy_file.string() + " not found");
  } else {
    const json e = ReadJsonFile(in.energy_file);  // already checked by ReadOperationEnergies
    md += fmt::format("Energy per operation ({}; OpenSTA at each design's one-clock period; {}):\n\n| arch | "
                      "configuration | area (mm²) | fmax, one clock (MHz) | pJ/vector | pJ/row write | pJ/idle cycle "
                      "|\n|---|---|---:|---:|---:|---:|---:|\n",
                      in.energy_file.string(), EnergySourceText(in.energy_file, in.config));
    for (const auto& [name, a] : e.at("archs").items()) {
      md += fmt::format("| {} | {} | {:.3f} | {:.1f} | {:.3f} | {:.3f} | {:.4f} |\n", name,
                        a.at("config").get<std::string>(), a.at("area_um2").get<double>() / 1e6,
                        a.at("fmax_mhz").get<double>(), a.at("energy_pj").at("vector").get<double>(),
                        a.at("energy_pj").at("row_write").get<double>(),
                        a.at("energy_pj").at("idle_cycle").get<double>());
    }
    md += "\nFlexCiM at G = 1 has no measured energies unless the synth run included it: its energy cells are "
          "empty.\n\n";
  }
  out.summary = "### Summary\n\n" + SummaryTable(points, point_json, in.config.cols());
  if (!shipped_missing.empty()) {
    // With the run's own prune the shipped rows exist; only the sweep of
    // every method and target is absent (the demo compares at equal
    // perplexity with codesign instead).
    out.summary += in.prune ? fmt::format("\nShipped model: the run's own pruning only, no sweep of methods and "
                                          "targets ({}).\n",
                                          shipped_missing)
                            : fmt::format("\nShipped model: missing ({}).\n", shipped_missing);
  }
  if (!seven_missing.empty()) out.summary += "\nLlama-2-7B shapes: missing (" + seven_missing + ").\n";
  md += out.summary + "\n";

  std::vector<Point> shipped, seven_points;
  for (const Point& p : points) (p.model == shipped_name ? shipped : seven_points).push_back(p);
  md += "### Shipped model (" + shipped_name + "), every assignment of the prune report\n\n";
  if (!shipped_missing.empty()) {
    md += "Missing: " + shipped_missing + "\n\n";
    if (!shipped.empty()) {
      md += "The run's own pruning alone (prune/prune.json; perplexity of `flexcim prune`'s evaluation):\n\n" +
            DetailTable(shipped) + "\n";
    }
  } else {
    md += "Perplexity: `flexcim prune --report` on its evaluation slice (fp32, legal masks at that G). "
          "Uniform at 0.625 does not exist (no power-of-two N:M has sparsity 0.625).\n\n" +
          DetailTable(shipped) + "\n";
  }
  md += "### Llama-2-7B layer shapes (32 blocks, dim 4096, hidden 11008, 32 heads)\n\n";
  if (!seven_missing.empty()) {
    md += "Missing: " + seven_missing + "\n\n";
  } else {
    md += fmt::format("FLOW rows are solved on `{}`, a SYNTHETIC outlier profile (no Llama-2-7B weights are "
                      "available here): they carry no accuracy, only the latency and energy such an "
                      "assignment would have.\n\n",
                      in.profile_file.filename().string());
    for (const Point& p : seven_points) {
      if (p.method == "flow" && p.macros == in.macros.front()) {
        md += fmt::format("- target {:.3g}: {}\n", *p.target, PatternsText(p.patterns));
      }
    }
    md += "\n" + DetailTable(seven_points) + "\n";
  }

  // Plots.
  const bool time = eval.have_energy_file();
  std::vector<std::pair<std::string, Chart>> block_charts;
  if (!shipped.empty()) block_charts.emplace_back("", BlockChart(points, shipped_name, in.config.cols()));
  if (!seven_points.empty()) block_charts.emplace_back("", BlockChart(points, "Llama-2-7B shapes", in.config.cols()));
  std::erase_if(block_charts, [](const auto& c) { return c.second.series.empty(); });
  if (!block_charts.empty()) {
    SvgCanvas canvas(1000, 360 * static_cast<int>(block_charts.size()));
    for (size_t i = 0; i < block_charts.size(); ++i) canvas.Draw(block_charts[i].second, 0, 360.0 * i, 1000, 360);
    out.svgs["perf_blocks.svg"] = canvas.Render();
  }
  std::vector<Chart> breakdowns;
  for (const Point& p : points) {
    if (p.method == "flow" && p.target && *p.target == 0.5 && p.G == in.config.cols() && p.macros == in.macros.back()) {
      breakdowns.push_back(BreakdownChart(p, FairBaseline(points, p), p.macros));
    }
  }
  if (!breakdowns.empty()) {
    SvgCanvas canvas(1000, 380 * static_cast<int>(breakdowns.size()));
    for (size_t i = 0; i < breakdowns.size(); ++i) canvas.Draw(breakdowns[i], 0, 380.0 * i, 1000, 380);
    out.svgs["perf_breakdown.svg"] = canvas.Render();
  }
  if (!shipped.empty()) {
    std::vector<Chart> pareto = {ParetoChart(points, false, time, in.macros.front(), shipped_name)};
    if (eval.have_energy_file()) pareto.push_back(ParetoChart(points, true, time, in.macros.front(), shipped_name));
    std::erase_if(pareto, [](const Chart& c) { return c.series.empty(); });
    if (!pareto.empty()) {
      SvgCanvas canvas(1100, 480 * static_cast<int>(pareto.size()));
      for (size_t i = 0; i < pareto.size(); ++i) canvas.Draw(pareto[i], 0, 480.0 * i, 1100, 480);
      out.svgs["perf_pareto.svg"] = canvas.Render();
    }
  }
  md += "Plots: ";
  for (const auto& [name, svg] : out.svgs) md += fmt::format("[{}]({}) ", name, name);
  md += "(per-block N:M of FLOW; decode cycles split into weight load, compute, pipeline fill and idle; "
        "perplexity against latency and energy per token, one marker per method x architecture x target).\n\n";

  out.json = {{"macros", in.macros}, {"tokens", in.tokens}, {"config", in.config.Name()},
              {"buffer_pj_per_bit", in.buffer_pj_per_bit}, {"paper", {{"latency", kPaperLatency}, {"energy", kPaperEnergy}}},
              {"points", point_json}};
  out.json["missing"] = json::object();
  if (!shipped_missing.empty()) out.json["missing"]["shipped_model"] = shipped_missing;
  if (!seven_missing.empty()) out.json["missing"]["llama2_7b"] = seven_missing;
  if (!eval.have_energy_file()) out.json["missing"]["energies"] = "no operation-energy file";
  return out;
}

}  // namespace flexcim::codesign
