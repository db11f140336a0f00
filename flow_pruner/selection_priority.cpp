#include "flow_pruner/selection_priority.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/errors.h"
#include "golden/tile_mapping.h"

namespace flexcim::pruner {

std::string_view SelectionPriorityName(SelectionPriority p) {
  switch (p) {
    case SelectionPriority::kAccuracy: return "accuracy";
    case SelectionPriority::kLatency: return "latency";
    case SelectionPriority::kBalanced: return "balanced";
  }
  return "?";
}

SelectionPriority ParseSelectionPriority(std::string_view text) {
  if (text == "accuracy") return SelectionPriority::kAccuracy;
  if (text == "latency") return SelectionPriority::kLatency;
  if (text == "balanced") return SelectionPriority::kBalanced;
  throw UsageError(fmt::format("--prioritize {}: must be one of accuracy, latency, balanced", text));
}

int64_t BlockTilePasses(const MacroConfig& config, const LlamaLayer& layer,
                        const NmPattern& pattern) {
  int64_t passes = 0;
  for (LinearKind k : kAllLinearKinds) {
    const Matrix& w = layer.linear(k);
    passes += golden::LayerTileGrid(config, pattern, w.rows, w.cols).count();
  }
  return passes;
}

BlockCostFunction PrioritizedCost(SelectionPriority priority, const BlockCostFunction& accuracy,
                                  const MacroConfig& config, const LlamaModel& model,
                                  const std::vector<NmPattern>& candidates) {
  if (priority == SelectionPriority::kAccuracy) return accuracy;
  const int blocks = static_cast<int>(model.layers.size());
  double a_max = 0.0, t_max = 0.0;
  for (int b = 0; b < blocks; ++b) {
    for (const NmPattern& p : candidates) {
      a_max = std::max(a_max, accuracy(b, p));
      t_max = std::max(t_max, static_cast<double>(BlockTilePasses(config, model.layers[b], p)));
    }
  }
  if (a_max <= 0.0) a_max = 1.0;
  if (t_max <= 0.0) t_max = 1.0;
  const auto passes = [&model, config](int b, const NmPattern& p) {
    // Forced-dense blocks may get maxM:maxM, which the macro runs as 2:2.
    return static_cast<double>(BlockTilePasses(config, model.layers[b], p.dense() ? NmPattern{2, 2} : p));
  };
  if (priority == SelectionPriority::kLatency) {
    const double scale = 2.0 * blocks * a_max;
    return [=](int b, const NmPattern& p) { return passes(b, p) + accuracy(b, p) / scale; };
  }
  return [=](int b, const NmPattern& p) { return accuracy(b, p) / a_max + passes(b, p) / t_max; };
}

}  // namespace flexcim::pruner
