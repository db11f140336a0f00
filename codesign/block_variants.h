// Every block of a dense llama2.c model pruned with every candidate N:M
// pattern and mask kind, once (OBS reconstruction from the DENSE model's
// inputs on the calibration text, as `prune --method search` builds its
// variants, flow_pruner/search_selection.h), each scored alone on the
// validation text, and the joint validation NLL of any assignment of
// variants (the residual streams of an unchanged prefix cached). The
// codesign search (greedy_path.h) walks assignments with these; the chosen
// ones are then pruned sequentially by the prune pipeline.
#pragma once

#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "core/nm_pattern.h"
#include "flow_pruner/calibration_stream.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/matrix.h"
#include "flow_pruner/obs_reconstruction.h"

namespace flexcim::codesign {

// The masks a variant has: hardware-legal at select group G, or free
// (N:M along K, any positions; the fixed 1:2 macro's cells carry their
// own element bit).
struct MaskKind {
  bool hardware_legal = true;
  int sel_group = 1;
  auto operator<=>(const MaskKind&) const = default;
};

class BlockVariants {
 public:
  // Hessians of every block from the calibration text (dense inputs) and
  // the dense residual streams of every validation sample at every block.
  // Throws Error for empty text or a sample the model cannot run.
  BlockVariants(const pruner::LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                const std::vector<std::vector<int>>& validation, const pruner::ObsOptions& obs, int threads,
                bool progress);

  int blocks() const { return static_cast<int>(hessians_.size()); }
  // Mean next-token NLL of the validation samples, dense model.
  double dense_nll() const { return dense_nll_; }

  // Block `block` pruned with `pattern` (dense patterns: the dense block),
  // built on first use.
  const pruner::LlamaLayer& Variant(int block, const NmPattern& pattern, const MaskKind& kind);
  // Validation NLL with only `block` replaced by its variant, minus dense.
  double AloneDelta(int block, const NmPattern& pattern, const MaskKind& kind);

  // Joint validation NLL of `layers` (one per block). With `cache`, its
  // streams before block `first` must be those of `layers` (an unchanged
  // prefix); they are updated from `first` on.
  struct StreamCache {
    std::vector<std::vector<pruner::Matrix>> streams;  // [block][sample]: block's input
  };
  StreamCache DenseCache() const;
  double JointNll(const std::vector<const pruner::LlamaLayer*>& layers, int first, StreamCache& cache) const;

 private:
  struct Entry {
    pruner::LlamaLayer layer;
    double delta = 0;
  };
  const pruner::LlamaModel& dense_;
  std::vector<pruner::BlockHessians> hessians_;
  std::vector<std::vector<int>> validation_;
  StreamCache dense_cache_;
  double dense_nll_ = 0;
  pruner::ObsOptions obs_;
  int threads_ = 0;
  bool progress_ = false;
  std::map<std::tuple<int, NmPattern, MaskKind>, std::unique_ptr<Entry>> entries_;
  Entry& Build(int block, const NmPattern& pattern, const MaskKind& kind);
};

}  // namespace flexcim::codesign
