#include "flow_pruner/prune_outputs.h"

#include <fmt/format.h>
#include <malloc.h>

#include <cmath>

#include "core/json_input.h"
#include "core/output_directory.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/quantized_eval.h"

namespace flexcim::pruner {

namespace {

// Each linear layer's pattern (empty: the block's pattern for every layer).
nlohmann::json LayerPatternNames(const BlockChoice& b) {
  nlohmann::json names = nlohmann::json::array();
  for (const NmPattern& p : b.layer_patterns) names.push_back(p.ToString());
  return names;
}


nlohmann::json PerplexityJson(const PerplexityResult& p) {
  return {{"mean_nll", p.mean_nll()}, {"perplexity", p.perplexity()}, {"predictions", p.predictions},
          {"tokens", p.tokens},       {"seconds", p.seconds}};
}

// The selection and its blocks, common to a Llama's PruneResult and a
// BlockModelPruneResult.
template <typename Result>
nlohmann::json SelectionJson(const Result& r, const std::string& model_format) {
  const PruneSettings& s = r.settings;
  nlohmann::json j;
  j["model_format"] = model_format;
  j["method"] = PruneMethodName(s.method);
  j["target_sparsity"] = s.target;
  j["reconstruct"] = ReconstructionName(s.reconstruct);
  if (s.reconstruct == Reconstruction::kObs) {
    j["obs_damping"] = s.obs.damping;
    j["obs_refine_iterations"] = s.obs.refine_iterations;
  }
  if (s.permute_channels != ChannelPermutationMethod::kNone) {
    j["permute_channels"] = ChannelPermutationName(s.permute_channels);
  }
  j["macro"] = s.config.Name();
  j["masks"] = s.hardware_legal ? fmt::format("legal G={}", s.config.sel_group()) : "free";
  j["hyper_m"] = s.outliers.hyper_m;
  j["alpha"] = s.alpha;
  j["beta"] = s.beta;
  j["locality_outliers_cap"] = s.outliers.max_locality_outliers;
  j["keep_dense"] = s.keep_dense;
  nlohmann::json candidates = nlohmann::json::array();
  for (const NmPattern& p : s.candidates.empty() ? SupportedPatterns(s.config) : s.candidates) {
    candidates.push_back(p.ToString());
  }
  j["candidates"] = candidates;
  j["exact"] = r.assignment.exact;
  j["objective"] = r.assignment.objective;
  j["achieved_block_sparsity"] = r.block_sparsity();
  j["achieved_weight_sparsity"] = r.weight_sparsity();
  j["blocks"] = nlohmann::json::array();
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    const BlockChoice& b = r.blocks[i];
    j["blocks"].push_back({{"block", i},
                           {"outlier_ratio_percent", b.stats.ratio_percent},
                           {"outliers", b.stats.outliers},
                           {"locality", b.stats.locality},
                           {"locality_defined", b.stats.locality_defined},
                           {"outlier_ratio_norm", b.outlier_norm},
                           {"locality_norm", b.locality_norm},
                           {"pattern", b.pattern.ToString()},
                           {"layer_patterns", LayerPatternNames(b)},
                           {"sparsity", b.pattern.sparsity()},
                           {"weights", b.weights},
                           {"kept", b.kept}});
  }
  j["warnings"] = r.warnings;
  return j;
}

void AddEvaluationJson(nlohmann::json& j, const std::optional<PruneEvaluation>& eval,
                       const PrunedContainer& container) {
  if (eval) {
    j["evaluation"] = {{"blocks", eval->blocks},
                       {"dense", PerplexityJson(eval->dense)},
                       {"pruned", PerplexityJson(eval->pruned)}};
    if (eval->pruned_quantized) {
      j["evaluation"]["pruned_quantized"] = PerplexityJson(*eval->pruned_quantized);
      j["evaluation"]["quantized_bits"] = {{"w", container.w_bits}, {"a", container.a_bits}};
    }
  }
}

template <typename Result>
std::string BlockTable(const Result& r) {
  std::string s = fmt::format("{:>5} {:>10} {:>9} {:>12} {:>7} {:>7} {:>7} {:>9}\n", "block",
                              "O_i (%)", "outliers", "D_i", "O norm", "D norm", "N:M", "kept");
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    const BlockChoice& b = r.blocks[i];
    s += fmt::format("{:>5} {:>10.4f} {:>9} {:>12.4e} {:>7.3f} {:>7.3f} {:>7} {:>8.1f}%\n", i,
                     b.stats.ratio_percent, b.stats.outliers, b.stats.locality, b.outlier_norm,
                     b.locality_norm, b.pattern.ToString(),
                     100.0 * static_cast<double>(b.kept) / static_cast<double>(b.weights));
    if (!b.layer_patterns.empty()) {
      std::vector<std::string> names;
      for (size_t k = 0; k < b.layer_patterns.size(); ++k) {
        // Per-layer assignments come from the Llama search: its layer names.
        names.push_back(fmt::format("{} {}", LinearName(kAllLinearKinds.at(k)), b.layer_patterns[k].ToString()));
      }
      s += fmt::format("      per layer: {}\n", fmt::join(names, ", "));
    }
  }
  s += fmt::format("mean block sparsity {:.4f} (target {:.4f}{}), weight sparsity {:.4f}\n",
                   r.block_sparsity(), r.settings.target,
                   r.assignment.exact ? "" : ", NOT exact: nearest achievable", r.weight_sparsity());
  return s;
}

}  // namespace

nlohmann::json PruneResultJson(const PruneResult& r, const std::optional<PruneEvaluation>& eval) {
  nlohmann::json j = SelectionJson(r, DescribeModelFormat(r.pruned));
  if (r.search) {
    const SearchResult& sr = *r.search;
    nlohmann::json deltas = nlohmann::json::array();
    for (const auto& row : sr.loss_delta) deltas.push_back(row);
    nlohmann::json names = nlohmann::json::array();
    for (const NmPattern& p : sr.candidates) names.push_back(p.ToString());
    j["search"] = {{"candidates", names},
                   {"single_block_loss_increase", deltas},
                   {"calibration_dense_nll", sr.dense_nll},
                   {"start", sr.start},
                   {"start_nll", sr.start_nll},
                   {"final_nll", sr.final_nll},
                   {"evaluations", sr.evaluations},
                   {"rounds", sr.rounds},
                   {"moves", sr.log}};
    if (!std::isnan(sr.additive_target_level) && !std::isnan(sr.additive_best_mix)) {
      j["search"]["additive_target_level"] = sr.additive_target_level;
      j["search"]["additive_best_mix"] = sr.additive_best_mix;
    }
  }
  AddEvaluationJson(j, eval, r.container);
  return j;
}

std::string PruneResultTable(const PruneResult& r) { return BlockTable(r); }

nlohmann::json PruneResultJson(const BlockModelPruneResult& r, const std::string& model_format,
                               const std::string& source_model,
                               const std::optional<PruneEvaluation>& eval) {
  nlohmann::json j = SelectionJson(r, model_format);
  j["linear_layers"] = r.linear_names;
  j["source_model"] = source_model;
  j["source_model_sha256"] = r.container.source_model_sha256;
  AddEvaluationJson(j, eval, r.container);
  return j;
}

std::string PruneResultTable(const BlockModelPruneResult& r) { return BlockTable(r); }

std::vector<std::string> WritePruneOutputs(const BlockModelPruneResult& r,
                                           const std::string& model_format,
                                           const std::string& source_model,
                                           const std::optional<PruneEvaluation>& eval,
                                           const std::filesystem::path& out_dir) {
  WriteOutputDirectory(out_dir, "prune", [&](const std::filesystem::path& staging) {
    WriteTextFile(staging / "layers.txt", LayerPatternText(r));
    WriteTextFile(staging / "prune.json",
                  PruneResultJson(r, model_format, source_model, eval).dump(2) + "\n");
    WriteContainer(r.container, staging / "pruned.flexcim");
  });
  return {"layers.txt", "prune.json", "pruned.flexcim"};
}

std::string PrunedSourceModel(const std::filesystem::path& out_dir) {
  const std::filesystem::path json_path = out_dir / "prune.json";
  if (!std::filesystem::exists(json_path)) return "";
  const nlohmann::json j = ReadJsonFile(json_path);
  if (!j.is_object() || !j.contains("source_model") || !j["source_model"].is_string()) return "";
  return j["source_model"].get<std::string>();
}

std::vector<std::string> WritePruneOutputs(const PruneResult& r,
                                           const std::optional<PruneEvaluation>& eval,
                                           const std::filesystem::path& out_dir,
                                           bool fake_quantized_weights) {
  // The evaluations before this leave freed heap resident (glibc keeps it
  // for reuse); the model file about to be built is one more copy of the
  // weights, so the freed heap goes back to the OS first (peak RSS of
  // `flexcim prune`, issue 17).
  malloc_trim(0);
  std::vector<std::string> files = {"layers.txt", "prune.json"};
  WriteOutputDirectory(out_dir, "prune", [&](const std::filesystem::path& staging) {
    WriteTextFile(staging / "layers.txt", LayerPatternText(r));
    WriteTextFile(staging / "prune.json", PruneResultJson(r, eval).dump(2) + "\n");
    const auto model_files =
        fake_quantized_weights
            ? WriteModelFiles(FakeQuantizeLinearWeights(r.pruned, r.container.w_bits), staging)
            : WriteModelFiles(r.pruned, staging);
    files.insert(files.end(), model_files.begin(), model_files.end());
    WriteContainer(r.container, staging / "pruned.flexcim");
  });
  files.push_back("pruned.flexcim");
  return files;
}

}  // namespace flexcim::pruner
