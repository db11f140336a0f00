// MacroLinearExecutor: every pruned linear layer of a transformer block run
// on the macro's integer tiles (FLEXCIM.md sections 1 and 4): the quantised
// layer of quantized_eval.h with step 3, the integer dot products, computed
// by an IntegerLayerRunner on the layer's tiles (golden::EncodeLayer of the
// pruned container's W-bit codes and masks, once per layer at
// construction): the golden macro's fast path, or any other device, such as
// the Verilated RTL driven pin by pin (verif/model_on_rtl_test.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "flow_pruner/pruned_container.h"
#include "flow_pruner/quantized_eval.h"
#include "golden/tile_mapping.h"

namespace flexcim::pruner {

// tokens x K signed A-bit codes (row-major) -> tokens x O_out accumulators
// (32-bit wraparound along K, golden/layer_runner.h).
using IntegerLayerRunner = std::function<std::vector<int32_t>(
    const golden::TiledLayer& layer, const std::vector<int32_t>& x, int tokens)>;

// The golden macro's fast path (golden::RunLayerOnMacroBatch, kFast);
// thread-safe.
IntegerLayerRunner GoldenMacroRunner();

class MacroLinearExecutor final : public QuantizedLinearExecutor {
 public:
  // Encodes every layer of `container` onto container.config's tiles.
  // Throws UsageError when the container's masks are free (not legal for
  // its select group) and flexcim::Error for a malformed container
  // (a block without one of its seven linear layers, a layer twice).
  MacroLinearExecutor(const PrunedContainer& container, IntegerLayerRunner runner);
  // The same for a model whose blocks' linear layers are `names`
  // (BlockLinearModel::LinearNames(), e.g. RWKV's or Mamba's).
  MacroLinearExecutor(const PrunedContainer& container, const std::vector<std::string>& names,
                      IntegerLayerRunner runner);

  const MacroConfig& config() const { return config_; }
  const golden::TiledLayer& tiled(int block, LinearKind kind) const {
    return tiled(block, LinearIndex(kind));
  }
  const golden::TiledLayer& tiled(int block, int index) const;
  int64_t tiles() const;  // over every layer

 protected:
  std::vector<int32_t> Accumulate(int block, int index, const QuantizedRows& x) const override;

 private:
  void EncodeTiles(const PrunedContainer& container);
  MacroConfig config_;
  IntegerLayerRunner runner_;
  std::vector<std::vector<std::optional<golden::TiledLayer>>> tiled_;  // [block][index]
};

}  // namespace flexcim::pruner
