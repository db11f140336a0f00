// Tokenizer: llama2.c's tokenizer .bin (README "llama2.c tokenizer .bin
// layout") with an encoder that reproduces llama2.c / SentencePiece BPE and the
// matching decoder.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flexcim::pruner {

class Tokenizer {
 public:
  static constexpr int kBos = 1;
  static constexpr int kEos = 2;

  // Loads `path` holding exactly `vocab_size` entries (the file does not
  // store the count; take it from the model header). Throws flexcim::Error
  // naming the file and the values when the file holds more or less data.
  static Tokenizer Load(const std::string& path, int vocab_size);
  // Parses an in-memory image; `source` names it in errors.
  static Tokenizer Parse(std::string_view bytes, int vocab_size, std::string_view source);

  int vocab_size() const { return static_cast<int>(pieces_.size()); }
  int max_token_length() const { return max_token_length_; }
  const std::string& piece(int id) const { return pieces_.at(id); }
  float score(int id) const { return scores_.at(id); }
  // The id of an exact piece string, or -1 (first id when duplicated).
  int Find(std::string_view piece) const;

  // llama2.c encode(): optional BOS, a dummy-prefix space when `text` is
  // non-empty, code points to pieces (bytes b -> b + 3 when a code point is
  // not a piece), then merges the adjacent pair with the highest score
  // (leftmost on ties) until none merges; optional EOS. O(n log n).
  // Every id it returns is < vocab_size(): a byte with no piece whose
  // fallback id (byte + 3) is outside the vocabulary, or BOS/EOS outside it,
  // is an Error naming the tokenizer file, the byte and the vocabulary size.
  std::vector<int> Encode(std::string_view text, bool bos = true, bool eos = false) const;

  // llama2.c decode(): the text of `token` following `prev_token`: drops the
  // leading space of the first piece after BOS and turns "<0xHH>" into the byte.
  std::string DecodeToken(int prev_token, int token) const;
  // Decodes a sequence as if it followed BOS; a leading BOS itself is
  // skipped, so Decode(Encode(text)) == text for text without byte fallback.
  std::string Decode(const std::vector<int>& tokens) const;

 private:
  // Error unless `id` (for `what`) is inside the vocabulary.
  void RequireInVocabulary(int id, std::string_view what) const;

  std::string source_;
  int max_token_length_ = 0;
  std::vector<std::string> pieces_;
  std::vector<float> scores_;
  std::unordered_map<std::string_view, int> ids_;  // views into pieces_
};

// Encodes every block as the README perplexity protocol does: BOS + dummy
// prefix, no EOS.
std::vector<std::vector<int>> EncodeBlocks(const Tokenizer& tokenizer,
                                           const std::vector<std::string>& blocks);

}  // namespace flexcim::pruner
