#include "flow_pruner/block_pruning.h"

#include <fmt/format.h>

#include "core/parallel_for.h"
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

std::array<Mask, kNumLinearKinds> ReconstructBlockLinears(
    LlamaLayer& layer, int block, const BlockHessians& hessians, const NmPattern& pattern,
    bool hardware_legal, int sel_group, int threads, std::vector<std::string>& warnings,
    const ObsOptions& options) {
  std::array<Mask, kNumLinearKinds> masks;
  std::array<ObsLayerResult, kNumLinearKinds> results;
  ParallelFor(kNumLinearKinds, threads, [&](int i) {
    const LinearKind k = kAllLinearKinds[i];
    results[LinearIndex(k)] = ObsPruneLayer(layer.linear(k), hessians[k], pattern,
                                            hardware_legal, sel_group, options);
  });
  for (LinearKind k : kAllLinearKinds) {
    ObsLayerResult& r = results[LinearIndex(k)];
    if (r.all_inputs_zero) {
      warnings.push_back(fmt::format(
          "block {} layer {}: every calibration input is zero; pruned by |W| without the OBS update",
          block, LinearName(k)));
    } else if (r.damping > options.damping) {
      warnings.push_back(fmt::format("block {} layer {}: H needed damping {} of its mean diagonal",
                                     block, LinearName(k), r.damping));
    }
    masks[LinearIndex(k)] = std::move(r.mask);
  }
  return masks;
}

}  // namespace flexcim::pruner
