#include "flow_pruner/recurrent_language_model.h"

namespace flexcim::pruner {

PerplexityResult EvaluateRecurrentPerplexity(const RecurrentLanguageModel& model,
                                             const std::vector<std::vector<int>>& sequences,
                                             const PerplexityOptions& options,
                                             const LinearExecutor* executor) {
  return EvaluateBlockModelPerplexity(model, sequences, options, executor);
}

std::vector<std::vector<int>> BlocksAsBytes(const std::vector<std::string>& blocks) {
  std::vector<std::vector<int>> out;
  out.reserve(blocks.size());
  for (const std::string& b : blocks) {
    std::vector<int> ids(b.size());
    for (size_t i = 0; i < b.size(); ++i) ids[i] = static_cast<unsigned char>(b[i]);
    out.push_back(std::move(ids));
  }
  return out;
}

}  // namespace flexcim::pruner
