// Whether a pruned model (pruned.bin, or a pruned Hugging Face directory)
// belongs to a pruned container (pruned.flexcim): `flexcim eval --pruned`
// evaluates the model with the container's W/A bits or on its macro, so a
// model of another prune run would be reported as this one's.
#pragma once

#include <string>

#include "flow_pruner/llama_model.h"
#include "flow_pruner/pruned_container.h"

namespace flexcim::pruner {

// The container's masks are the fingerprint: every layer it lists must
// exist in `model` with its shape, and every weight its mask drops must be
// exactly 0 in the model. Throws Error naming both files and the first
// layer and weight that differ, e.g. "MODEL does not belong to CONTAINER:
// layer 0.wq keeps weight (0, 1), which the container's mask drops (a model
// of another prune run?)".
void RequireModelMatchesContainer(const LlamaModel& model, const std::string& model_path,
                                  const PrunedContainer& container, const std::string& container_path);

}  // namespace flexcim::pruner
