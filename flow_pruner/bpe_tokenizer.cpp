#include "flow_pruner/bpe_tokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>
#include <utf8proc.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "flow_pruner/hf_tensor_locator.h"

namespace flexcim::pruner {

namespace {

using Json = nlohmann::json;

// GPT-2's ByteLevel pre-tokenizer pattern (tokenizers' byte_level.rs).
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

std::string Utf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

// Length of the UTF-8 sequence starting with byte `b` (1 for a stray byte).
size_t Utf8Length(unsigned char b) {
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

}  // namespace

const std::vector<std::string>& ByteLevelAlphabet() {
  static const std::vector<std::string> alphabet = [] {
    std::vector<std::string> a(256);
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      a[b] = Utf8(printable ? b : 256 + n++);
    }
    return a;
  }();
  return alphabet;
}

struct BpeTokenizer::Regexes {
  std::vector<pcre2_code*> codes;
  ~Regexes() {
    for (pcre2_code* c : codes) pcre2_code_free(c);
  }
};

BpeTokenizer::BpeTokenizer() : regexes_(std::make_unique<Regexes>()) {}
BpeTokenizer::~BpeTokenizer() = default;
BpeTokenizer::BpeTokenizer(BpeTokenizer&&) noexcept = default;
BpeTokenizer& BpeTokenizer::operator=(BpeTokenizer&&) noexcept = default;

BpeTokenizer BpeTokenizer::Load(const std::string& path) {
  const Json j = ParseJsonObjectFile(path);
  BpeTokenizer t;
  t.path_ = path;
  auto fail = [&](const std::string& what) { throw Error(fmt::format("{}: {}", path, what)); };
  auto type_of = [](const Json& o) {
    return o.is_object() && o.contains("type") && o["type"].is_string() ? o["type"].get<std::string>()
                                                                       : std::string("(no type)");
  };

  if (!j.contains("model") || !j["model"].is_object()) fail("no \"model\" object");
  const Json& model = j["model"];
  if (type_of(model) != "BPE") fail(fmt::format("model.type {} is not supported (BPE)", type_of(model)));
  if (model.value("byte_fallback", false)) fail("model.byte_fallback true is not supported (byte-level BPE)");
  t.ignore_merges_ = model.value("ignore_merges", false);
  if (!model.contains("vocab") || !model["vocab"].is_object()) fail("model.vocab is not an object");
  for (const auto& [piece, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= INT_MAX) {
      fail(fmt::format("model.vocab[{}] must be a non-negative integer id, not {}", Json(piece).dump(), id.dump()));
    }
    t.vocab_[piece] = id.get<int>();
    t.vocab_size_ = std::max(t.vocab_size_, id.get<int>() + 1);
  }
  if (!model.contains("merges") || !model["merges"].is_array()) fail("model.merges is not a list");
  int rank = 0;
  for (const Json& m : model["merges"]) {
    std::string a, b;
    if (m.is_string()) {
      const std::string s = m.get<std::string>();
      const size_t space = s.find(' ');
      if (space == std::string::npos || space == 0 || space + 1 == s.size() ||
          s.find(' ', space + 1) != std::string::npos) {
        fail(fmt::format("model.merges[{}] {} is not two symbols separated by one space", rank, m.dump()));
      }
      a = s.substr(0, space);
      b = s.substr(space + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      a = m[0].get<std::string>();
      b = m[1].get<std::string>();
    } else {
      fail(fmt::format("model.merges[{}] {} is not \"a b\" or [\"a\", \"b\"]", rank, m.dump()));
    }
    t.merge_rank_.emplace(a + '\0' + b, rank++);
  }

  if (j.contains("added_tokens") && !j["added_tokens"].is_null()) {
    if (!j["added_tokens"].is_array()) fail("added_tokens is not a list");
    for (const Json& a : j["added_tokens"]) {
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() || !a.contains("content") ||
          !a["content"].is_string() || a["content"].get<std::string>().empty()) {
        fail(fmt::format("added_tokens entry {} needs an integer \"id\" and a non-empty \"content\"", a.dump()));
      }
      const std::string content = a["content"].get<std::string>();
      if (a.value("lstrip", false) || a.value("rstrip", false)) {
        fail(fmt::format("added token {}: lstrip/rstrip are not supported", Json(content).dump()));
      }
      t.added_.emplace_back(content, a["id"].get<int>());
      t.vocab_size_ = std::max(t.vocab_size_, a["id"].get<int>() + 1);
    }
    // Longest first, so a token that is a prefix of another never wins.
    std::stable_sort(t.added_.begin(), t.added_.end(),
                     [](const auto& x, const auto& y) { return x.first.size() > y.first.size(); });
  }

  if (j.contains("normalizer") && !j["normalizer"].is_null()) {
    const std::string n = type_of(j["normalizer"]);
    if (n != "NFC") fail(fmt::format("normalizer {} is not supported (none, NFC)", n));
    t.nfc_ = true;
  }

  auto compile = [&](const std::string& pattern, const std::string& where) {
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code, &offset, nullptr);
    if (!re) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(code, message, sizeof message);
      fail(fmt::format("{}: regex {} does not compile at offset {}: {}", where, Json(pattern).dump(), offset,
                       reinterpret_cast<const char*>(message)));
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);  // optional speed-up; the interpreter is used without it
    t.regexes_->codes.push_back(re);
  };
  auto byte_level = [&](const Json& p, const std::string& where, bool allow_regex) {
    t.add_prefix_space_ = p.value("add_prefix_space", false);
    if (p.value("use_regex", true)) {
      if (!allow_regex) fail(fmt::format("{}: ByteLevel with use_regex after a Split is not supported", where));
      compile(kGpt2Pattern, where);
    }
  };
  if (!j.contains("pre_tokenizer") || !j["pre_tokenizer"].is_object()) {
    fail("no \"pre_tokenizer\" object (byte-level BPE needs ByteLevel)");
  }
  const Json& pre = j["pre_tokenizer"];
  if (type_of(pre) == "ByteLevel") {
    byte_level(pre, "pre_tokenizer", true);
  } else if (type_of(pre) == "Sequence" && pre.contains("pretokenizers") && pre["pretokenizers"].is_array()) {
    bool saw_byte_level = false;
    for (size_t i = 0; i < pre["pretokenizers"].size(); ++i) {
      const Json& p = pre["pretokenizers"][i];
      const std::string where = fmt::format("pre_tokenizer.pretokenizers[{}]", i);
      if (type_of(p) == "Split" && !saw_byte_level) {
        if (!p.contains("pattern") || !p["pattern"].is_object() || !p["pattern"].contains("Regex") ||
            !p["pattern"]["Regex"].is_string()) {
          fail(fmt::format("{}: Split needs a {{\"Regex\": ...}} pattern", where));
        }
        if (p.value("behavior", std::string()) != "Isolated" || p.value("invert", false)) {
          fail(fmt::format("{}: Split behavior {} (invert {}) is not supported (Isolated, not inverted)", where,
                           p.value("behavior", std::string("(none)")), p.value("invert", false)));
        }
        compile(p["pattern"]["Regex"].get<std::string>(), where);
      } else if (type_of(p) == "ByteLevel" && !saw_byte_level) {
        byte_level(p, where, t.regexes_->codes.empty());
        saw_byte_level = true;
      } else {
        fail(fmt::format("{}: {} is not supported here (Split with a Regex, then ByteLevel)", where, type_of(p)));
      }
    }
    if (!saw_byte_level) fail("pre_tokenizer: the Sequence has no ByteLevel step");
  } else {
    fail(fmt::format("pre_tokenizer {} is not supported (ByteLevel, or a Sequence of Split and ByteLevel)",
                     type_of(pre)));
  }

  if (j.contains("post_processor") && j["post_processor"].is_object() &&
      type_of(j["post_processor"]) == "TemplateProcessing") {
    const Json& pp = j["post_processor"];
    for (const Json& item : pp.value("single", Json::array())) {
      if (item.contains("Sequence")) break;
      if (item.contains("SpecialToken")) {
        const std::string name = item["SpecialToken"].value("id", std::string());
        const Json* ids = pp.contains("special_tokens") && pp["special_tokens"].contains(name) &&
                                  pp["special_tokens"][name].contains("ids")
                              ? &pp["special_tokens"][name]["ids"]
                              : nullptr;
        if (!ids || !ids->is_array()) fail(fmt::format("post_processor: special token {} has no ids", name));
        for (const Json& id : *ids) t.leading_ids_.push_back(id.get<int>());
      }
    }
  }
  return t;
}

void BpeTokenizer::EncodePiece(std::string_view piece, std::vector<int>& out) const {
  const auto& alphabet = ByteLevelAlphabet();
  std::vector<std::string> symbols;
  symbols.reserve(piece.size());
  std::string whole;
  for (unsigned char b : piece) {
    symbols.push_back(alphabet[b]);
    whole += alphabet[b];
  }
  if (ignore_merges_) {
    if (const auto it = vocab_.find(whole); it != vocab_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  std::string key;
  while (symbols.size() > 1) {
    int best = INT_MAX;
    size_t best_at = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      key.assign(symbols[i]).push_back('\0');
      key += symbols[i + 1];
      const auto it = merge_rank_.find(key);
      if (it != merge_rank_.end() && it->second < best) {
        best = it->second;
        best_at = i;
      }
    }
    if (best == INT_MAX) break;
    // Merge every occurrence of the best pair, left to right.
    const std::string a = symbols[best_at], b = symbols[best_at + 1];
    std::vector<std::string> merged;
    merged.reserve(symbols.size());
    for (size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size() && symbols[i] == a && symbols[i + 1] == b) {
        merged.push_back(a + b);
        ++i;
      } else {
        merged.push_back(std::move(symbols[i]));
      }
    }
    symbols = std::move(merged);
  }
  for (const std::string& s : symbols) {
    const auto it = vocab_.find(s);
    if (it == vocab_.end()) {
      throw Error(fmt::format("{}: the piece {} of {} is not in the vocabulary", path_, Json(s).dump(),
                              Json(std::string(piece)).dump(-1, ' ', false, Json::error_handler_t::replace)));
    }
    out.push_back(it->second);
  }
}

void BpeTokenizer::EncodeOrdinary(std::string_view raw, std::vector<int>& out) const {
  if (raw.empty()) return;
  std::string text(raw);
  if (nfc_) {
    utf8proc_uint8_t* normalized = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str()));
    if (normalized) {  // null for invalid UTF-8: the bytes are kept as they are
      text = reinterpret_cast<const char*>(normalized);
      std::free(normalized);
    }
  }
  if (add_prefix_space_ && text[0] != ' ') text.insert(text.begin(), ' ');
  // Each regex splits every piece of the previous one (matches and gaps kept).
  std::vector<std::string> pieces = {text};
  for (pcre2_code* re : regexes_->codes) {
    std::vector<std::string> next;
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(re, nullptr);
    for (const std::string& p : pieces) {
      const auto subject = reinterpret_cast<PCRE2_SPTR>(p.data());
      size_t at = 0, gap = 0;
      while (at < p.size()) {
        const int rc = pcre2_match(re, subject, p.size(), at, 0, md, nullptr);
        if (rc < 0) break;
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        if (ov[1] == ov[0]) {  // an empty match: step over one character
          at = ov[0] + Utf8Length(static_cast<unsigned char>(p[ov[0]]));
          continue;
        }
        if (ov[0] > gap) next.push_back(p.substr(gap, ov[0] - gap));
        next.push_back(p.substr(ov[0], ov[1] - ov[0]));
        at = gap = ov[1];
      }
      if (gap < p.size()) next.push_back(p.substr(gap));
    }
    pcre2_match_data_free(md);
    pieces = std::move(next);
  }
  for (const std::string& p : pieces) EncodePiece(p, out);
}

std::vector<int> BpeTokenizer::Encode(std::string_view text) const {
  std::vector<int> out = leading_ids_;
  size_t start = 0;
  while (start < text.size()) {
    // The earliest added token (longest at that position).
    size_t best_at = std::string_view::npos;
    const std::pair<std::string, int>* best = nullptr;
    for (const auto& a : added_) {
      const size_t at = text.find(a.first, start);
      if (at != std::string_view::npos && at < best_at) {
        best_at = at;
        best = &a;
      }
    }
    if (!best) break;
    EncodeOrdinary(text.substr(start, best_at - start), out);
    out.push_back(best->second);
    start = best_at + best->first.size();
  }
  if (start < text.size()) EncodeOrdinary(text.substr(start), out);
  return out;
}

}  // namespace flexcim::pruner
