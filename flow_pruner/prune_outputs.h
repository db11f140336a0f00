// PruneOutputs: the files `flexcim prune` writes into its --out directory
// (all or nothing): layers.txt ("Layer i: N:M", the reference's format),
// prune.json (per-block O_i, D_i, pattern, sparsity, perplexities),
// pruned.bin (llama2.c format, fp32, masked) and pruned.flexcim (masks +
// W-bit weights + scales for `flexcim map`, docs/CONTAINER.md).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

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

void WritePruneOutputs(const PruneResult& r, const std::optional<PruneEvaluation>& eval,
                       const std::filesystem::path& out_dir);

}  // namespace flexcim::pruner
