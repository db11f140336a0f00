// tokenizer.json byte-level BPE on two hand-written fixtures
// (testdata/bpe/): gpt2_style (ByteLevel pre-tokenizer with GPT-2's regex, no
// normalizer) and llama3_style (NFC, Split with Llama 3's regex then
// ByteLevel without regex, ignore_merges, <|begin_of_text|> put first by a
// TemplateProcessing post-processor, id 301).
//
// How the expected ids are derived (by hand, not by running this code):
//  - both vocabularies give every single byte the id of its byte value (the
//    byte's bytes_to_unicode character: 'Ġ' = space = 32, 'Ċ' = "\n" = 10,
//    'Ã' = 0xC3, '©' = 0xA9, 'ð' = 0xF0, 'Ł' = 0x9F, ...), so an unmerged
//    byte's id is its value;
//  - merges, rank r -> id 256 + r: 0 "Ġ t", 1 "h e", 2 "Ġt he", 3 "i n",
//    4 "Ġ Ġ", 5 "Ċ Ċ", 6 "' s", 7 "2 0", 8 "Ã ©", 9 "ð Ł", 10 "t h",
//    11 "3 4"; "Ġhello" = 268 is in the vocabulary with no merge path to it;
//  - added token <|endoftext|> = 300.
// Each case below lists the pre-tokenised pieces and the merges applied.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "flow_pruner/bpe_tokenizer.h"

namespace flexcim::pruner {
namespace {

std::string Fixture(const std::string& name) {
  const char* src = std::getenv("FLEXCIM_SOURCE_DIR");
  return std::string(src ? src : ".") + "/testdata/bpe/" + name;
}

using Ids = std::vector<int>;

TEST(BpeTokenizer, ByteLevelAlphabetIsGpt2s) {
  const auto& a = ByteLevelAlphabet();
  EXPECT_EQ(a[' '], "\xc4\xa0");   // U+0120 'Ġ'
  EXPECT_EQ(a['\n'], "\xc4\x8a");  // U+010A 'Ċ'
  EXPECT_EQ(a['A'], "A");
  EXPECT_EQ(a[0x9F], "\xc5\x81");  // U+0141 'Ł': 127..160 follow 0..32
  EXPECT_EQ(a[0xAD], "\xc5\x83");  // U+0143: soft hyphen, the last unprintable
  EXPECT_EQ(a[0xE9], "\xc3\xa9");  // printable Latin-1 maps to itself
}

TEST(BpeTokenizer, Gpt2StyleHandCheckedStrings) {
  const BpeTokenizer t = BpeTokenizer::Load(Fixture("gpt2_style.tokenizer.json"));
  EXPECT_EQ(t.vocab_size(), 301);
  // "Hello" | " the" | " world": "Ġ t" (rank 0), "h e" (1), "Ġt he" (2) -> 258.
  EXPECT_EQ(t.Encode("Hello the world"), (Ids{72, 101, 108, 108, 111, 258, 32, 119, 111, 114, 108, 100}));
  // Rank order, not position: "then" merges "h e" (rank 1) before "t h" (10).
  EXPECT_EQ(t.Encode("then"), (Ids{116, 257, 110}));
  // Contractions and digits: "it" | "'s" (262) | " 2024" (one \p{N}+ piece, "2 0" -> 263).
  EXPECT_EQ(t.Encode("it's 2024"), (Ids{105, 116, 262, 32, 263, 50, 52}));
  EXPECT_EQ(t.Encode("12345"), (Ids{49, 50, 267, 53}));  // one piece: "3 4" -> 267
  // Runs: "a" | "  " (\s+(?!\S) leaves the last space to the word) -> 260 |
  // " b" | "\n\n" -> 261 | "\n" | "c".
  EXPECT_EQ(t.Encode("a   b\n\n\nc"), (Ids{97, 260, 32, 98, 261, 10, 99}));
  // Non-ASCII: é = C3 A9 is \p{L}, one piece "café", "Ã ©" -> 264.
  EXPECT_EQ(t.Encode("caf\xc3\xa9"), (Ids{99, 97, 102, 264}));
  // No normalizer: e + U+0301 (CC 81) stays decomposed; the mark is not \p{L},
  // so "cafe" | "\xcc\x81".
  EXPECT_EQ(t.Encode("cafe\xcc\x81"), (Ids{99, 97, 102, 101, 204, 129}));
  // Emoji U+1F642 = F0 9F 99 82: "hi" | " 🙂!" ( ?[^\s\p{L}\p{N}]+), "ð Ł" -> 265.
  EXPECT_EQ(t.Encode("hi \xf0\x9f\x99\x82!"), (Ids{104, 105, 32, 265, 153, 130, 33}));
  // Added token cut out first.
  EXPECT_EQ(t.Encode("x<|endoftext|> y"), (Ids{120, 300, 32, 121}));
  // No ignore_merges: " hello" is merged ("h e") although "Ġhello" is in the vocabulary.
  EXPECT_EQ(t.Encode(" hello"), (Ids{32, 257, 108, 108, 111}));
  EXPECT_EQ(t.Encode(""), Ids{});
}

TEST(BpeTokenizer, Llama3StyleHandCheckedStrings) {
  const BpeTokenizer t = BpeTokenizer::Load(Fixture("llama3_style.tokenizer.json"));
  EXPECT_EQ(t.vocab_size(), 302);
  EXPECT_EQ(t.Encode("Hello the world"), (Ids{301, 72, 101, 108, 108, 111, 258, 32, 119, 111, 114, 108, 100}));
  // \p{N}{1,3}: "123" | "45", so "3 4" never meets.
  EXPECT_EQ(t.Encode("12345"), (Ids{301, 49, 50, 51, 52, 53}));
  // "it" | "'s" | " " (a space before a digit is its own piece) | "202" | "4".
  EXPECT_EQ(t.Encode("it's 2024"), (Ids{301, 105, 116, 262, 32, 263, 50, 52}));
  // "a" | "  " | " b" | "\n\n\n" (\s*[\r\n]+) -> "Ċ Ċ" once, left to right | "c".
  EXPECT_EQ(t.Encode("a   b\n\n\nc"), (Ids{301, 97, 260, 32, 98, 261, 10, 99}));
  // NFC composes e + U+0301 into é first.
  EXPECT_EQ(t.Encode("cafe\xcc\x81"), (Ids{301, 99, 97, 102, 264}));
  EXPECT_EQ(t.Encode("hi \xf0\x9f\x99\x82!"), (Ids{301, 104, 105, 32, 265, 153, 130, 33}));
  EXPECT_EQ(t.Encode("x<|endoftext|> y"), (Ids{301, 120, 300, 32, 121}));
  // ignore_merges: a piece that is a whole vocabulary entry is taken as it is.
  EXPECT_EQ(t.Encode(" hello"), (Ids{301, 268}));
}

TEST(BpeTokenizer, UnknownPieceAndBadFilesAreOneLine) {
  const std::string f = Fixture("gpt2_style.tokenizer.json");
  const BpeTokenizer t = BpeTokenizer::Load(f);
  try {
    t.Encode("Zoo");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), f + ": the piece \"Z\" of \"Zoo\" is not in the vocabulary");
  }
  try {
    BpeTokenizer::Load(Fixture("missing.json"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.json: cannot open"), std::string::npos) << e.what();
  }
}

// The fixture with one part replaced, written to a temporary file.
std::string LoadErrorWith(const std::string& from, const std::string& to) {
  std::ifstream in(Fixture("gpt2_style.tokenizer.json"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = text.find(from);
  if (at == std::string::npos) return "(fixture has no " + from + ")";
  text.replace(at, from.size(), to);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("flexcim_bpe_" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(path) << text;
  std::string message = "(no error)";
  try {
    BpeTokenizer::Load(path);
  } catch (const Error& e) {
    message = e.what();
  }
  std::filesystem::remove(path);
  const size_t colon = message.find(".json: ");
  return colon == std::string::npos ? message : message.substr(colon + 7);
}

TEST(BpeTokenizer, UnsupportedFeaturesAreRefusedByName) {
  EXPECT_EQ(LoadErrorWith("\"type\": \"BPE\"", "\"type\": \"WordPiece\""),
            "model.type WordPiece is not supported (BPE)");
  EXPECT_EQ(LoadErrorWith("\"byte_fallback\": false", "\"byte_fallback\": true"),
            "model.byte_fallback true is not supported (byte-level BPE)");
  EXPECT_EQ(LoadErrorWith("\"normalizer\": null", "\"normalizer\": {\"type\": \"Lowercase\"}"),
            "normalizer Lowercase is not supported (none, NFC)");
  EXPECT_EQ(LoadErrorWith("\"lstrip\": false", "\"lstrip\": true"),
            "added token \"<|endoftext|>\": lstrip/rstrip are not supported");
  EXPECT_EQ(LoadErrorWith("\"pre_tokenizer\": {\n  \"type\": \"ByteLevel\",",
                          "\"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": "
                          "\"Split\", \"pattern\": {\"Regex\": \"(\\\\p{L}\"}, \"behavior\": \"Isolated\"}]}, "
                          "\"unused\": {"),
            "pre_tokenizer.pretokenizers[0]: regex \"(\\\\p{L}\" does not compile at offset 6: missing closing "
            "parenthesis");
  EXPECT_EQ(LoadErrorWith("\"merges\": [", "\"merges\": [\"abc\", "),
            "model.merges[0] \"abc\" is not two symbols separated by one space");
}

}  // namespace
}  // namespace flexcim::pruner
