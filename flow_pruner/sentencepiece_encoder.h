// A SentencePiece tokenizer.model (the file Llama / Mistral checkpoints ship)
// as a TextEncoder, through Debian's libsentencepiece (not re-implemented):
// BOS (when the model defines one) followed by SentencePiece's own encoding,
// whose normaliser adds the dummy-prefix space.
#pragma once

#include <memory>
#include <string>

#include "flow_pruner/text_encoder.h"

namespace flexcim::pruner {

// Throws Error "PATH: cannot load SentencePiece model: <library status>" or
// "PATH: N pieces, more than the model's vocab_size V".
std::unique_ptr<TextEncoder> LoadSentencePieceEncoder(const std::string& path, int model_vocab_size);

}  // namespace flexcim::pruner
