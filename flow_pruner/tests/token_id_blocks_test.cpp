// --token-ids files: one line of whitespace-separated ids per block.
#include "flow_pruner/token_id_blocks.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace flexcim::pruner {
namespace {

std::string ErrorOf(std::string_view text) {
  try {
    ParseTokenIdBlocks(text, 512, "ids.txt");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TokenIdBlocks, ParsesLinesWithAnyWhitespace) {
  EXPECT_EQ(ParseTokenIdBlocks("1 403 407\n1\t261  378\r\n1 511\n", 512, "ids.txt"),
            (std::vector<std::vector<int>>{{1, 403, 407}, {1, 261, 378}, {1, 511}}));
  EXPECT_EQ(ParseTokenIdBlocks("0", 512, "ids.txt"), (std::vector<std::vector<int>>{{0}}));
}

TEST(TokenIdBlocks, ExactErrors) {
  EXPECT_EQ(ErrorOf("1 2\n1 x1 3\n"), "ids.txt: line 2: 'x1' is not a token id");
  EXPECT_EQ(ErrorOf("1 2\n\n1 3\n"), "ids.txt: line 2: no token ids");
  EXPECT_EQ(ErrorOf("1 2\n1 512\n"), "ids.txt: line 2: token id 512 is outside the model's vocabulary [0, 512)");
  EXPECT_EQ(ErrorOf("1 -3\n"), "ids.txt: line 1: token id -3 is outside the model's vocabulary [0, 512)");
  EXPECT_EQ(ErrorOf("1 2.5\n"), "ids.txt: line 1: '2.5' is not a token id");
  EXPECT_EQ(ErrorOf(""), "ids.txt: no lines");
  EXPECT_EQ(ErrorOf("\n"), "ids.txt: no lines");
}

}  // namespace
}  // namespace flexcim::pruner
