// Byte-level BPE from a Hugging Face tokenizer.json, as GPT-2, GPT-NeoX
// (the Mamba releases), Llama 3 and Qwen2 ship it:
//   1. added tokens (added_tokens: special or not) are cut out of the text
//      first, longest match at the earliest position, and map to their ids;
//   2. the normalizer: none, or NFC (through Debian's libutf8proc);
//   3. pre-tokenisation: ByteLevel with use_regex (GPT-2's pattern), or a
//      Sequence of Split {Regex, behavior Isolated} and ByteLevel without
//      regex; the patterns run through PCRE2 with Unicode properties
//      (\p{L}, \p{N}, \s as Unicode), every match and every gap a piece;
//      add_prefix_space adds one space before text that has none;
//   4. each piece's bytes map to printable code points (GPT-2's
//      bytes_to_unicode: printable Latin-1 bytes map to themselves, the
//      others to U+0100 + n in byte order), and the lowest-ranked adjacent
//      pair of the "merges" list is merged (every occurrence, left to
//      right) until no pair has a rank; with ignore_merges (Llama 3) a piece
//      that is a whole vocabulary entry is taken as it is;
//   5. a TemplateProcessing post_processor's special tokens before the
//      sequence (e.g. Llama 3's <|begin_of_text|>) are put first.
// Anything else in the file (a WordPiece model, byte_fallback, another
// normalizer or split behaviour, added tokens with lstrip/rstrip) is refused
// by name, never approximated.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flexcim::pruner {

class BpeTokenizer {
 public:
  // Every problem is one flexcim::Error naming the file and the key, e.g.
  //   "T.json: model.type WordPiece is not supported (BPE)".
  static BpeTokenizer Load(const std::string& path);
  ~BpeTokenizer();
  BpeTokenizer(BpeTokenizer&&) noexcept;
  BpeTokenizer& operator=(BpeTokenizer&&) noexcept;

  // The ids of `text` (with the post-processor's leading special tokens).
  // Throws Error naming the piece when a merged symbol is not in the vocabulary.
  std::vector<int> Encode(std::string_view text) const;
  // One more than the largest id (vocabulary and added tokens).
  int vocab_size() const { return vocab_size_; }

 private:
  BpeTokenizer();
  void EncodeOrdinary(std::string_view text, std::vector<int>& out) const;
  void EncodePiece(std::string_view piece, std::vector<int>& out) const;

  struct Regexes;
  std::string path_;
  std::unordered_map<std::string, int> vocab_;
  std::unordered_map<std::string, int> merge_rank_;  // "a\0b" -> rank
  std::vector<std::pair<std::string, int>> added_;   // content -> id
  std::vector<int> leading_ids_;
  bool nfc_ = false;
  bool add_prefix_space_ = false;
  bool ignore_merges_ = false;
  int vocab_size_ = 0;
  std::unique_ptr<Regexes> regexes_;
};

// GPT-2's byte -> code point map, as UTF-8 strings (index = byte).
const std::vector<std::string>& ByteLevelAlphabet();

}  // namespace flexcim::pruner
