// TextEncoder: turns one text block into the token ids the README perplexity
// protocol scores (BOS first, then the block's pieces with SentencePiece's
// dummy-prefix space, no EOS). Two implementations:
//   - llama2.c's tokenizer .bin (tokenizer.h, this project's own BPE encoder);
//   - a SentencePiece tokenizer.model, through Debian's libsentencepiece
//     (sentencepiece_encoder.h);
//   - a Hugging Face tokenizer.json, byte-level BPE (bpe_tokenizer.h): its
//     ids as its own pipeline gives them (BOS only if its post-processor adds it).
// Text already tokenised elsewhere comes in through token_id_blocks.h instead.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flexcim::pruner {

class TextEncoder {
 public:
  virtual ~TextEncoder() = default;
  virtual std::vector<int> EncodeBlock(std::string_view text) const = 0;
  // Number of ids the encoder can produce (<= the model's vocab_size).
  virtual int vocab_size() const = 0;
};

// Loads `path`: a file whose name ends in ".model" as a SentencePiece model,
// ".json" as a tokenizer.json, anything else as a llama2.c tokenizer .bin with `model_vocab_size` entries.
// Errors name the file (see Tokenizer::Load and LoadSentencePieceEncoder).
std::unique_ptr<TextEncoder> LoadTextEncoder(const std::string& path, int model_vocab_size);

}  // namespace flexcim::pruner
