#include "flow_pruner/tokenizer.h"

#include <fmt/format.h>

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <queue>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"

namespace flexcim::pruner {

namespace {

// llama2.c starts its best score at -1e10: pairs scoring no higher never merge.
constexpr float kNoMergeScore = -1e10f;

template <typename T>
T ReadScalar(std::string_view bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Tokenizer Tokenizer::Load(const std::string& path, int vocab_size) {
  return Parse(ReadFileBytes(path), vocab_size, path);
}

Tokenizer Tokenizer::Parse(std::string_view bytes, int vocab_size, std::string_view source) {
  if (vocab_size <= 0) {
    throw Error(fmt::format("{}: vocab_size {} must be positive", source, vocab_size));
  }
  const size_t size = bytes.size();
  if (size < 4) {
    throw Error(fmt::format("{}: truncated: file has {} bytes, less than the 4-byte header",
                            source, size));
  }
  Tokenizer t;
  t.source_ = source;
  t.max_token_length_ = ReadScalar<int32_t>(bytes, 0);
  if (t.max_token_length_ <= 0) {
    throw Error(fmt::format("{}: max_token_length is {}; it must be positive", source,
                            t.max_token_length_));
  }
  // Every entry takes at least 8 bytes: a vocab_size larger than the file
  // can hold fails below with a message, not in reserve().
  const size_t most_entries = std::min<size_t>(static_cast<size_t>(vocab_size), size / 8);
  t.pieces_.reserve(most_entries);
  t.scores_.reserve(most_entries);
  size_t offset = 4;
  for (int id = 0; id < vocab_size; ++id) {
    if (size - offset < 8) {
      throw Error(fmt::format(
          "{}: tokenizer has less data than vocab_size {} entries: the file ({} bytes) ends "
          "inside entry {}",
          source, vocab_size, size, id));
    }
    const float score = ReadScalar<float>(bytes, offset);
    const int32_t len = ReadScalar<int32_t>(bytes, offset + 4);
    offset += 8;
    if (len < 0 || len > t.max_token_length_) {
      throw Error(fmt::format("{}: entry {} has length {}, outside [0, max_token_length {}]",
                              source, id, len, t.max_token_length_));
    }
    if (size - offset < static_cast<size_t>(len)) {
      throw Error(fmt::format(
          "{}: tokenizer has less data than vocab_size {} entries: the file ({} bytes) ends "
          "inside entry {}",
          source, vocab_size, size, id));
    }
    t.scores_.push_back(score);
    t.pieces_.emplace_back(bytes.substr(offset, len));
    offset += len;
  }
  if (offset != size) {
    throw Error(fmt::format(
        "{}: tokenizer has more data than vocab_size {} entries: {} bytes left after entry {} "
        "(file has {} bytes; is it the tokenizer of this model?)",
        source, vocab_size, size - offset, vocab_size - 1, size));
  }
  t.ids_.reserve(t.pieces_.size() * 2);
  for (int id = 0; id < vocab_size; ++id) t.ids_.emplace(t.pieces_[id], id);  // first id wins
  return t;
}

void Tokenizer::RequireInVocabulary(int id, std::string_view what) const {
  if (id < 0 || id >= vocab_size()) {
    throw Error(fmt::format("{}: {} needs token id {}, but the vocabulary has only {} entries", source_, what,
                            id, vocab_size()));
  }
}

int Tokenizer::Find(std::string_view piece) const {
  const auto it = ids_.find(piece);
  return it == ids_.end() ? -1 : it->second;
}

std::vector<int> Tokenizer::Encode(std::string_view text, bool bos, bool eos) const {
  struct Symbol {
    int id;
    int prev;
    int next;
    bool alive;
  };
  std::vector<Symbol> symbols;
  symbols.reserve(text.size() + 1);
  auto push = [&](int id) {
    if (id >= vocab_size()) {
      RequireInVocabulary(id, fmt::format("byte 0x{:02X} of the text (byte fallback, no piece for it)", id - 3));
    }
    const int index = static_cast<int>(symbols.size());
    symbols.push_back(Symbol{id, index - 1, index + 1, true});
  };
  if (!text.empty()) {
    const int space = Find(" ");
    if (space >= 0) {
      push(space);
    } else {
      push(static_cast<unsigned char>(' ') + 3);
    }
  }
  // Code points exactly as llama2.c groups bytes: a code point starts at any
  // non-continuation byte and takes up to 3 following continuation bytes.
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t len = i + 1 - start;
    const bool next_is_continuation =
        i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80;
    if (next_is_continuation && len < 4) continue;
    const std::string_view code_point = text.substr(start, len);
    if (const int id = Find(code_point); id >= 0) {
      push(id);
    } else {
      for (const char c : code_point) push(static_cast<unsigned char>(c) + 3);
    }
    start = i + 1;
  }
  const int n = static_cast<int>(symbols.size());
  if (n > 0) symbols.back().next = -1;

  struct Candidate {
    float score;
    int left;
    int right;
    int left_id;
    int right_id;
    int merged_id;
  };
  // Highest score first; on ties the leftmost pair (smallest left index).
  auto worse = [](const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score < b.score;
    return a.left > b.left;
  };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse)> queue(worse);
  std::string joined;
  auto consider = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const std::string& a = pieces_[symbols[left].id];
    const std::string& b = pieces_[symbols[right].id];
    joined.assign(a);
    joined.append(b);
    const int id = Find(joined);
    if (id < 0 || !(scores_[id] > kNoMergeScore)) return;
    queue.push(Candidate{scores_[id], left, right, symbols[left].id, symbols[right].id, id});
  };
  for (int i = 0; i + 1 < n; ++i) consider(i, i + 1);
  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    Symbol& left = symbols[c.left];
    Symbol& right = symbols[c.right];
    if (!left.alive || !right.alive || left.next != c.right || left.id != c.left_id ||
        right.id != c.right_id) {
      continue;  // stale
    }
    left.id = c.merged_id;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = c.left;
    consider(left.prev, c.left);
    consider(c.left, left.next);
  }

  if (bos) RequireInVocabulary(kBos, "BOS");
  if (eos) RequireInVocabulary(kEos, "EOS");
  std::vector<int> tokens;
  tokens.reserve(n + 2);
  if (bos) tokens.push_back(kBos);
  for (int i = n > 0 ? 0 : -1; i >= 0; i = symbols[i].next) tokens.push_back(symbols[i].id);
  if (eos) tokens.push_back(kEos);
  return tokens;
}

std::string Tokenizer::DecodeToken(int prev_token, int token) const {
  if (token < 0 || token >= vocab_size()) {
    throw Error(fmt::format("cannot decode token {}: vocabulary has {} entries", token,
                            vocab_size()));
  }
  std::string_view piece = pieces_[token];
  if (prev_token == kBos && !piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
  if (piece.size() == 6 && piece.substr(0, 3) == "<0x" && piece.back() == '>') {
    const int hi = HexDigit(piece[3]);
    const int lo = HexDigit(piece[4]);
    if (hi >= 0 && lo >= 0) return std::string(1, static_cast<char>(hi * 16 + lo));
  }
  return std::string(piece);
}

std::string Tokenizer::Decode(const std::vector<int>& tokens) const {
  std::string text;
  int prev = kBos;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i == 0 && tokens[i] == kBos) continue;
    text += DecodeToken(prev, tokens[i]);
    prev = tokens[i];
  }
  return text;
}

std::vector<std::vector<int>> EncodeBlocks(const Tokenizer& tokenizer,
                                           const std::vector<std::string>& blocks) {
  std::vector<std::vector<int>> encoded;
  encoded.reserve(blocks.size());
  for (const std::string& block : blocks) encoded.push_back(tokenizer.Encode(block, true, false));
  return encoded;
}

}  // namespace flexcim::pruner
