#include "flow_pruner/tokenizer.h"

#include <gtest/gtest.h>


#include "core/errors.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/tests/test_data.h"
#include "flow_pruner/text_blocks.h"

namespace flexcim::pruner {
namespace {

const Tokenizer& Tok512() {
  static const Tokenizer t = Tokenizer::Load(testdata::CheckedDataFile("tok512.bin"), 512);
  return t;
}

// llama2.c's encode() loop as written: O(n^2), for cross-checking.
std::vector<int> ReferenceEncode(const Tokenizer& t, std::string_view text) {
  std::vector<int> tokens = {Tokenizer::kBos};
  if (!text.empty()) tokens.push_back(t.Find(" "));
  std::string buffer;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) buffer.clear();
    buffer.push_back(text[i]);
    if (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80 &&
        buffer.size() < 4) {
      continue;
    }
    if (const int id = t.Find(buffer); id >= 0) {
      tokens.push_back(id);
    } else {
      for (const char c : buffer) tokens.push_back(static_cast<unsigned char>(c) + 3);
    }
    buffer.clear();
  }
  while (true) {
    float best_score = -1e10f;
    int best_id = -1, best_idx = -1;
    for (size_t i = 1; i + 1 < tokens.size(); ++i) {
      const int id = t.Find(t.piece(tokens[i]) + t.piece(tokens[i + 1]));
      if (id >= 0 && t.score(id) > best_score) {
        best_score = t.score(id);
        best_id = id;
        best_idx = static_cast<int>(i);
      }
    }
    if (best_idx < 0) break;
    tokens[best_idx] = best_id;
    tokens.erase(tokens.begin() + best_idx + 1);
  }
  return tokens;
}

TEST(Tokenizer, Tok512Layout) {
  const Tokenizer& t = Tok512();
  EXPECT_EQ(t.vocab_size(), 512);
  EXPECT_EQ(t.max_token_length(), 7);
  EXPECT_EQ(t.piece(0), "<unk>");
  EXPECT_EQ(t.piece(1), "\n<s>\n");
  EXPECT_EQ(t.piece(2), "\n</s>\n");
  EXPECT_EQ(t.piece(3), "<0x00>");
  EXPECT_EQ(t.piece(258), "<0xFF>");
  EXPECT_EQ(t.score(259), 0.0f);
  EXPECT_EQ(t.score(511), -252.0f);
}

TEST(Tokenizer, EncodesReadmeSentence) {
  const std::vector<int> ids = Tok512().Encode("Once upon a time, there was a little girl named Lily.");
  EXPECT_EQ(ids, (std::vector<int>{1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421,
                                   395, 317, 426}));
  EXPECT_EQ(Tok512().piece(403), " Once");
  EXPECT_EQ(Tok512().Decode(ids), "Once upon a time, there was a little girl named Lily.");
}

TEST(Tokenizer, EmptyTextAndEos) {
  EXPECT_EQ(Tok512().Encode(""), (std::vector<int>{1}));
  EXPECT_EQ(Tok512().Encode("", false, true), (std::vector<int>{2}));
  EXPECT_EQ(Tok512().Encode("a", false, true).back(), 2);
}

TEST(Tokenizer, ByteFallbackAndDecodeRoundTrip) {
  const std::string text = "It\xE2\x80\x99s a caf\xC3\xA9 \xF0\x9F\x98\x80!";
  const std::vector<int> ids = Tok512().Encode(text);
  EXPECT_EQ(ids, ReferenceEncode(Tok512(), text));
  EXPECT_EQ(Tok512().Decode(ids), text);
  EXPECT_EQ(Tok512().DecodeToken(5, 3 + 0xE2), "\xE2");
}

TEST(Tokenizer, WholeTextMatchesReference) {
  const std::string path = testdata::CheckedDataFile("tinystories-valid-head.txt");
  const std::vector<std::string> blocks = ReadTextBlocks(path);
  ASSERT_EQ(blocks.size(), 4300u);
  const auto encoded = EncodeBlocks(Tok512(), blocks);
  size_t tokens = 0, longest = 0;
  for (const auto& e : encoded) {
    tokens += e.size();
    longest = std::max(longest, e.size());
  }
  EXPECT_EQ(tokens, 385898u);  // README: all 4,300 blocks, BOS included
  EXPECT_LE(longest, 512u);
  // The O(n log n) merge equals llama2.c's loop: first 200 blocks and every
  // block with non-ASCII bytes.
  int checked = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const bool non_ascii = std::any_of(blocks[i].begin(), blocks[i].end(),
                                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    if (i >= 200 && !non_ascii) continue;
    ASSERT_EQ(encoded[i], ReferenceEncode(Tok512(), blocks[i])) << "block " << i;
    EXPECT_EQ(Tok512().Decode(encoded[i]), blocks[i]) << "block " << i;
    ++checked;
  }
  EXPECT_GT(checked, 250);
}

TEST(Tokenizer, Loads32000EntryTokenizer) {
  const Tokenizer t = Tokenizer::Load(testdata::CheckedDataFile("tokenizer.bin"), 32000);
  EXPECT_EQ(t.vocab_size(), 32000);
  EXPECT_EQ(t.max_token_length(), 27);
  EXPECT_EQ(t.piece(259), "  ");
  EXPECT_EQ(t.score(259), -1e9f);
  EXPECT_EQ(t.piece(1), "\n<s>\n");
  const std::string text = "Once upon a time, there was a little girl named Lily.";
  const std::vector<int> ids = t.Encode(text);
  EXPECT_EQ(ids, ReferenceEncode(t, text));
  EXPECT_EQ(t.Decode(ids), text);
  EXPECT_LT(ids.size(), 20u);
}

TEST(Tokenizer, VocabSizeMismatchNamesFileAndValues) {
  const std::string path = testdata::CheckedDataFile("tok512.bin");
  try {
    Tokenizer::Load(path, 511);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": tokenizer has more data than vocab_size 511 entries: 11 bytes left after "
                     "entry 510 (file has 6227 bytes; is it the tokenizer of this model?)");
  }
  try {
    Tokenizer::Load(path, 513);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": tokenizer has less data than vocab_size 513 entries: the file (6227 "
                     "bytes) ends inside entry 512");
  }
  try {
    Tokenizer::Load(testdata::CheckedDataFile("tokenizer.bin"), 512);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer has more data than vocab_size 512 entries"),
              std::string::npos);
  }
  try {
    Tokenizer::Parse("ab", 512, "t.bin");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "t.bin: truncated: file has 2 bytes, less than the 4-byte header");
  }
}

}  // namespace
}  // namespace flexcim::pruner
