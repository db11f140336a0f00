#include "flow_pruner/container_model_match.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace flexcim::pruner {

void RequireModelMatchesContainer(const LlamaModel& model, const std::string& model_path,
                                  const PrunedContainer& container, const std::string& container_path) {
  const std::string prefix = fmt::format("{} does not belong to {}", model_path, container_path);
  for (const PrunedLayer& l : container.layers) {
    if (l.block < 0 || l.block >= static_cast<int>(model.layers.size())) {
      throw Error(fmt::format("{}: the container has layer {}.{}, the model only {} blocks", prefix, l.block,
                              l.name, model.layers.size()));
    }
    const Matrix* m = nullptr;
    for (LinearKind kind : kAllLinearKinds) {
      if (LinearName(kind) == l.name) m = &model.layers[static_cast<size_t>(l.block)].linear(kind);
    }
    if (m == nullptr) throw Error(fmt::format("{}: the container's layer {}.{} is no linear layer", prefix, l.block, l.name));
    if (m->rows != l.rows || m->cols != l.cols) {
      throw Error(fmt::format("{}: layer {}.{} is {} x {} in the model, {} x {} in the container", prefix, l.block,
                              l.name, m->rows, m->cols, l.rows, l.cols));
    }
    for (int r = 0; r < l.rows; ++r) {
      for (int c = 0; c < l.cols; ++c) {
        if (l.mask[static_cast<size_t>(r) * l.cols + c] == 0 && m->at(r, c) != 0.0f) {
          throw Error(fmt::format("{}: layer {}.{} keeps weight ({}, {}), which the container's mask drops (a "
                                  "model of another prune run?)",
                                  prefix, l.block, l.name, r, c));
        }
      }
    }
  }
}

}  // namespace flexcim::pruner
