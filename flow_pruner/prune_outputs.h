// PruneOutputs: the files `flexcim prune` writes into its --out directory
// (all or nothing): layers.txt ("Layer i: N:M", the reference's format),
// prune.json (per-block O_i, D_i, pattern, sparsity, perplexities),
// the pruned model in its input's format (pruned.bin for a llama2.c model,
// fp32, masked; config.json + model.safetensors in the input dtype for a
// Hugging Face checkpoint, so the directory is itself a checkpoint) and
// pruned.flexcim (masks + W-bit weights + scales for `flexcim map`,
// docs/CONTAINER.md).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "flow_pruner/block_model_pruning.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/prune_pipeline.h"

namespace flexcim::pruner {

struct PruneEvaluation {
  std::string blocks;  // "3300:4299"
  PerplexityResult dense;
  PerplexityResult pruned;
  std::optional<PerplexityResult> pruned_quantized;  // W/A-bit fake-quantised
};

nlohmann::json PruneResultJson(const PruneResult& r, const std::optional<PruneEvaluation>& eval);
// One human-readable table: block, O_i, D_i, normalised, pattern, kept.
std::string PruneResultTable(const PruneResult& r);

// With `fake_quantized_weights` the model written has every linear layer's
// weights fake-quantised to the container's W bits (what the macro computes
// with), else the masked fp32 weights. Returns the files written, in order.
std::vector<std::string> WritePruneOutputs(const PruneResult& r,
                                           const std::optional<PruneEvaluation>& eval,
                                           const std::filesystem::path& out_dir,
                                           bool fake_quantized_weights = false);

// A BlockLinearModel's prune (RWKV, Mamba): layers.txt, prune.json (with the
// block's linear layer names and the source model's path and sha256) and
// pruned.flexcim. No model file: everything pruning changes is the linear
// layers, whose masked, reconstructed W-bit weights are in pruned.flexcim;
// `flexcim eval --pruned DIR` runs them with the source model's other
// weights (its sha256 must match the container's).
nlohmann::json PruneResultJson(const BlockModelPruneResult& r, const std::string& model_format,
                               const std::string& source_model,
                               const std::optional<PruneEvaluation>& eval);
std::string PruneResultTable(const BlockModelPruneResult& r);
std::vector<std::string> WritePruneOutputs(const BlockModelPruneResult& r,
                                           const std::string& model_format,
                                           const std::string& source_model,
                                           const std::optional<PruneEvaluation>& eval,
                                           const std::filesystem::path& out_dir);
// The source model a prune output directory names in prune.json (written
// for a BlockLinearModel's prune), or "" when it names none (a Llama's
// directory, which holds its model). Throws Error for a prune.json that is
// not JSON.
std::string PrunedSourceModel(const std::filesystem::path& out_dir);

}  // namespace flexcim::pruner
