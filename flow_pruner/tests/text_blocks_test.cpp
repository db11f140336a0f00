#include "flow_pruner/text_blocks.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

std::string SliceError(std::string_view spec, int n) {
  try {
    ParseBlockSlice(spec, n, "--blocks");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TextBlocks, SplitsOnBlankLinesAndDropsEmptyBlocks) {
  EXPECT_EQ(SplitTextBlocks("a\nb\n\nc\n\n"), (std::vector<std::string>{"a\nb", "c"}));
  EXPECT_EQ(SplitTextBlocks("\n\n\n\nx\n\n\ny"), (std::vector<std::string>{"x", "\ny"}));
  EXPECT_TRUE(SplitTextBlocks("").empty());
  EXPECT_TRUE(SplitTextBlocks("\n\n\n\n").empty());
  EXPECT_EQ(SplitTextBlocks("\n"), (std::vector<std::string>{"\n"}));
}

TEST(TextBlocks, SliceIsInclusive) {
  const BlockSlice s = ParseBlockSlice("3300:4299", 4300, "--blocks");
  EXPECT_EQ(s.first, 3300);
  EXPECT_EQ(s.last, 4299);
  EXPECT_EQ(s.count(), 1000);
  EXPECT_EQ(s.ToString(), "3300:4299");
  EXPECT_EQ(ParseBlockSlice("7", 10, "--blocks").count(), 1);
  EXPECT_EQ(SelectBlocks({"a", "b", "c", "d"}, ParseBlockSlice("1:2", 4, "--blocks")),
            (std::vector<std::string>{"b", "c"}));
}

TEST(TextBlocks, SliceErrorsNameFlagValueAndBlockCount) {
  EXPECT_EQ(SliceError("3300:4300", 4300),
            "--blocks '3300:4300' is out of range: the text has 4300 blocks, valid indices 0..4299");
  EXPECT_EQ(SliceError("-1:5", 4300),
            "--blocks '-1:5' is out of range: the text has 4300 blocks, valid indices 0..4299");
  EXPECT_EQ(SliceError("10:5", 4300),
            "--blocks '10:5' is empty: 10 > 5 (the text has 4300 blocks)");
  for (const char* bad : {"", ":", "a:b", "1:", ":2", "1:2:3", "1-2", " 1:2"}) {
    EXPECT_EQ(SliceError(bad, 20),
              fmt::format("--blocks '{}': must be A:B with integers 0 <= A <= B < 20 "
                          "(inclusive, e.g. 3300:4299)",
                          bad));
  }
}

TEST(TextBlocks, TextWithoutBlocksNamesTheFile) {
  const std::string dir = testdata::MakeTempDir();
  const std::string path = dir + "/blank.txt";
  std::ofstream(path) << "\n\n\n\n";
  try {
    ReadTextBlocks(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": text has no blocks (4 bytes, nothing left after splitting on blank lines)");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flexcim::pruner
