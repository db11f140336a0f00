// WriteLlamaModel: writes a LlamaModel back in llama2.c's legacy .bin format
// (the exact inverse of LoadLlamaModel: a loaded model written unchanged is
// byte-identical to its source file).
#pragma once

#include <string>

#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

// The file image: 7-int32 header (vocab_size negative when wcls is present),
// then every tensor in file order, freq_cis included verbatim.
// Throws Error if a tensor's size disagrees with model.config.
std::string SerializeLlamaModel(const LlamaModel& model);

// Writes SerializeLlamaModel(model) to a temporary file beside `path` and
// renames it over `path`.
void WriteLlamaModel(const LlamaModel& model, const std::string& path);

}  // namespace flexcim::pruner
