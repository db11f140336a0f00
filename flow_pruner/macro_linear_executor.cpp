#include "flow_pruner/macro_linear_executor.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/layer_runner.h"

namespace flexcim::pruner {

namespace {

const PrunedContainer& RequireLegal(const PrunedContainer& c) {
  if (!c.hardware_legal) {
    throw UsageError(fmt::format("the pruned model's masks are free (--free-masks), not legal for "
                                 "macro {}: the macro cannot run them",
                                 c.config.Name()));
  }
  if (c.a_bits != c.config.a_bits() || c.w_bits != c.config.w_bits()) {
    throw Error(fmt::format("pruned container: W{}A{} but macro {} has W{}A{}", c.w_bits, c.a_bits,
                            c.config.Name(), c.config.w_bits(), c.config.a_bits()));
  }
  return c;
}

}  // namespace

IntegerLayerRunner GoldenMacroRunner() {
  return [](const golden::TiledLayer& layer, const std::vector<int32_t>& x, int tokens) {
    return golden::RunLayerOnMacroBatch(layer, x, tokens, golden::LayerEngine::kFast);
  };
}

MacroLinearExecutor::MacroLinearExecutor(const PrunedContainer& container,
                                         IntegerLayerRunner runner)
    : QuantizedLinearExecutor(RequireLegal(container)),
      config_(container.config),
      runner_(std::move(runner)) {
  EncodeTiles(container);
}

MacroLinearExecutor::MacroLinearExecutor(const PrunedContainer& container,
                                         const std::vector<std::string>& names,
                                         IntegerLayerRunner runner)
    : QuantizedLinearExecutor(RequireLegal(container), names),
      config_(container.config),
      runner_(std::move(runner)) {
  EncodeTiles(container);
}

void MacroLinearExecutor::EncodeTiles(const PrunedContainer& container) {
  const int per_block = static_cast<int>(names().size());
  tiled_.resize(blocks());
  for (int b = 0; b < blocks(); ++b) tiled_[b].resize(per_block);
  for (const PrunedLayer& l : container.layers) {
    const golden::LayerWeights w{l.rows, l.cols,
                                 std::vector<int32_t>(l.weights.begin(), l.weights.end()), l.mask};
    for (int k = 0; k < per_block; ++k) {
      if (names()[k] == l.name) tiled_[l.block][k] = golden::EncodeLayer(config_, l.pattern, w);
    }
  }
}

const golden::TiledLayer& MacroLinearExecutor::tiled(int block, int index) const {
  if (block < 0 || block >= blocks()) {
    throw Error(fmt::format("macro executor: block {} outside [0, {})", block, blocks()));
  }
  if (index < 0 || index >= static_cast<int>(names().size())) {
    throw Error(fmt::format("macro executor: block {} has no linear layer {}", block, index));
  }
  return *tiled_[block][index];
}

int64_t MacroLinearExecutor::tiles() const {
  int64_t n = 0;
  for (const auto& block : tiled_) {
    for (const auto& t : block) n += static_cast<int64_t>(t->tiles.size());
  }
  return n;
}

std::vector<int32_t> MacroLinearExecutor::Accumulate(int block, int index,
                                                     const QuantizedRows& x) const {
  return runner_(tiled(block, index), x.q, x.rows);
}

}  // namespace flexcim::pruner
