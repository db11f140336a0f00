#include "codesign/block_variants.h"

#include <fmt/format.h>

#include <span>

#include "core/errors.h"
#include "core/parallel_for.h"
#include "flow_pruner/block_pruning.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/perplexity.h"

namespace flexcim::codesign {

using pruner::LlamaLayer;
using pruner::Matrix;

BlockVariants::BlockVariants(const pruner::LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                             const std::vector<std::vector<int>>& validation, const pruner::ObsOptions& obs,
                             int threads, bool progress)
    : dense_(dense), obs_(obs), threads_(threads), progress_(progress) {
  const int L = dense.config.n_layers;
  if (calibration.empty()) throw Error("codesign: no calibration blocks");
  for (const std::vector<int>& s : validation) {
    if (s.size() >= 2) validation_.push_back(s);
  }
  if (validation_.empty()) throw Error("codesign: no validation block has 2 or more tokens");
  pruner::CalibrationStream stream(dense, calibration, threads);
  for (int b = 0; b < L; ++b) {
    hessians_.push_back(stream.Hessians(dense.layers[b]));
    if (b + 1 < L) stream.Advance(dense.layers[b]);
  }
  const int S = static_cast<int>(validation_.size());
  dense_cache_.streams.assign(L, std::vector<Matrix>(S));
  ParallelFor(S, threads, [&](int s) {
    const std::span<const int> fed(validation_[s].data(), validation_[s].size() - 1);
    dense_cache_.streams[0][s] = pruner::RunTransformerLayers(dense, fed, 0);
  });
  std::vector<const LlamaLayer*> layers(L);
  for (int b = 0; b < L; ++b) layers[b] = &dense.layers[b];
  StreamCache cache = dense_cache_;
  dense_nll_ = JointNll(layers, 0, cache);
  dense_cache_ = std::move(cache);
  if (progress_) {
    fmt::print(stderr, "codesign: dense validation NLL {:.5f} on {} blocks; {} calibration blocks\n", dense_nll_, S,
               calibration.size());
  }
}

BlockVariants::StreamCache BlockVariants::DenseCache() const { return dense_cache_; }

double BlockVariants::JointNll(const std::vector<const LlamaLayer*>& layers, int first, StreamCache& cache) const {
  const int L = blocks();
  const int n = static_cast<int>(validation_.size());
  std::vector<pruner::SequenceNll> per(n);
  ParallelFor(n, threads_, [&](int s) {
    Matrix x = cache.streams[first][s];
    for (int b = first; b < L; ++b) {
      if (b > first) cache.streams[b][s] = x;
      pruner::RunTransformerBlock(dense_.config, *layers[b], b, x);
    }
    per[s] = pruner::NllOfLogits(pruner::ClassifierLogits(dense_, x), validation_[s]);
  });
  double total = 0.0;
  int64_t predictions = 0;
  for (const pruner::SequenceNll& p : per) {  // in sample order: independent of threads
    total += p.sum_nll;
    predictions += p.predictions;
  }
  return predictions > 0 ? total / predictions : 0.0;
}

BlockVariants::Entry& BlockVariants::Build(int block, const NmPattern& pattern, const MaskKind& kind) {
  const auto key = std::make_tuple(block, pattern, kind);
  if (auto it = entries_.find(key); it != entries_.end()) return *it->second;
  auto e = std::make_unique<Entry>();
  e->layer = dense_.layers.at(block);
  if (!pattern.dense()) {
    std::vector<std::string> warnings;
    pruner::ReconstructBlockLinears(e->layer, block, hessians_.at(block), pattern, kind.hardware_legal,
                                    kind.sel_group, threads_, warnings, obs_);
    std::vector<const LlamaLayer*> layers(blocks());
    for (int b = 0; b < blocks(); ++b) layers[b] = &dense_.layers[b];
    layers[block] = &e->layer;
    StreamCache cache = dense_cache_;  // streams up to `block` are the dense model's
    e->delta = JointNll(layers, block, cache) - dense_nll_;
    if (progress_) {
      fmt::print(stderr, "codesign: block {} {} ({}) alone: validation NLL {:+.5f}\n", block, pattern.ToString(),
                 kind.hardware_legal ? fmt::format("legal G={}", kind.sel_group) : std::string("free"), e->delta);
    }
  }
  return *entries_.emplace(key, std::move(e)).first->second;
}

const LlamaLayer& BlockVariants::Variant(int block, const NmPattern& pattern, const MaskKind& kind) {
  if (pattern.dense()) return dense_.layers.at(block);
  return Build(block, pattern, kind).layer;
}

double BlockVariants::AloneDelta(int block, const NmPattern& pattern, const MaskKind& kind) {
  return pattern.dense() ? 0.0 : Build(block, pattern, kind).delta;
}

}  // namespace flexcim::codesign
