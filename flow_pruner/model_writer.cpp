#include "flow_pruner/model_writer.h"

#include <fmt/format.h>

#include <array>
#include <cstring>

#include "core/errors.h"
#include "core/atomic_file.h"
#include "flow_pruner/file_bytes.h"

namespace flexcim::pruner {

std::string SerializeLlamaModel(const LlamaModel& model) {
  const LlamaConfig& c = model.config;
  if (c.shared_classifier == model.wcls.has_value()) {
    throw Error(fmt::format("cannot write model: config says the classifier is {} but wcls is {}",
                            c.shared_classifier ? "shared" : "separate",
                            model.wcls ? "present" : "absent"));
  }
  // Checks every tensor's size against the configuration.
  const LlamaModel reference_shapes = AllocateLlamaModel(c);
  const auto expected = TensorsInFileOrder(reference_shapes);
  const auto tensors = TensorsInFileOrder(model);
  if (expected.size() != tensors.size()) {
    throw Error(fmt::format("cannot write model: {} tensors, the header implies {}",
                            tensors.size(), expected.size()));
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].size != expected[i].size) {
      throw Error(fmt::format("cannot write model: tensor {}{} has {} floats, the header implies {}",
                              tensors[i].name,
                              tensors[i].layer >= 0 ? fmt::format(" of layer {}", tensors[i].layer)
                                                    : "",
                              tensors[i].size, expected[i].size));
    }
  }
  const std::array<int32_t, 7> header = {c.dim,        c.hidden_dim,
                                         c.n_layers,   c.n_heads,
                                         c.n_kv_heads, c.shared_classifier ? c.vocab_size : -c.vocab_size,
                                         c.seq_len};
  std::string bytes(static_cast<size_t>(c.FileBytes()), '\0');
  std::memcpy(bytes.data(), header.data(), sizeof(header));
  size_t offset = sizeof(header);
  for (const ConstTensorRef& t : tensors) {
    std::memcpy(bytes.data() + offset, t.data, t.size * sizeof(float));
    offset += t.size * sizeof(float);
  }
  return bytes;
}

void WriteLlamaModel(const LlamaModel& model, const std::string& path) {
  flexcim::WriteFileAtomically(path, SerializeLlamaModel(model));
}

}  // namespace flexcim::pruner
