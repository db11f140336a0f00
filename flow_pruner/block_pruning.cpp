#include "flow_pruner/block_pruning.h"

#include "flow_pruner/flow_metrics.h"

namespace flexcim::pruner {

std::array<Mask, kNumLinearKinds> PruneBlockLinears(LlamaLayer& layer, const LayerStats& stats,
                                                    const NmPattern& pattern,
                                                    bool hardware_legal, int sel_group) {
  std::array<Mask, kNumLinearKinds> masks;
  for (LinearKind k : kAllLinearKinds) {
    Matrix& w = layer.linear(k);
    const Matrix metric = WandaMetric(w, stats[k]);
    Mask mask = pattern.dense()    ? Mask(w.size(), 1)
                : hardware_legal ? LegalNmMask(metric, pattern, sel_group)
                                 : FreeNmMask(metric, pattern);
    ApplyMask(w, mask);
    masks[LinearIndex(k)] = std::move(mask);
  }
  return masks;
}

}  // namespace flexcim::pruner
