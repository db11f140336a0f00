#include "core/nm_pattern.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace flexcim {
namespace {

std::string Names(const std::vector<NmPattern>& ps) {
  std::string s;
  for (const auto& p : ps) s += p.ToString() + " ";
  return s;
}

TEST(NmPattern, SupportedPatternsOfDefaultMacro) {
  EXPECT_EQ(Names(SupportedPatterns(MacroConfig::Default())),
            "1:2 2:2 1:4 2:4 4:4 1:8 2:8 4:8 8:8 ");
}

TEST(NmPattern, SingleSubMacroRunsOnlyOneToTwo) {
  EXPECT_EQ(Names(SupportedPatterns(MacroConfig::Create({.subs = 1, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8}))), "1:2 ");
}

TEST(NmPattern, DenseRunsAsTwoTwo) {
  EXPECT_EQ((NmPattern{8, 8}.Hardware()), (NmPattern{2, 2}));
  EXPECT_TRUE((NmPattern{16, 16}.SupportedBy(MacroConfig::Default())));
  EXPECT_FALSE((NmPattern{2, 16}.SupportedBy(MacroConfig::Default())));
  EXPECT_FALSE((NmPattern{3, 8}.SupportedBy(MacroConfig::Default())));
}

TEST(NmPattern, ParseErrors) {
  EXPECT_EQ(NmPattern::Parse("2:4", "--nm"), (NmPattern{2, 4}));
  for (const char* bad : {"2", "4:2", "a:4", "2:", "0:4", "2:4x"}) {
    try {
      NmPattern::Parse(bad, "--nm");
      ADD_FAILURE() << bad;
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("--nm ") + bad + ": must be N:M with integers 1 <= N <= M (e.g. 2:4)");
    }
  }
}

TEST(NmPattern, UnsupportedMessageNamesMacro) {
  try {
    NmPattern{2, 16}.RequireSupportedBy(MacroConfig::Default(), "--nm");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--nm 2:16: macro p4_r16_c16_g16_a8_w8 cannot run it (it runs N:M with M in "
              "{2..8}, N in {1..4}, both powers of two, N <= M; N = M runs as 2:2)");
  }
}

TEST(NmPattern, ParseList) {
  EXPECT_EQ(Names(ParsePatternList("2:4,4:4,2:8,4:8,8:8", "--candidates")),
            "2:4 4:4 2:8 4:8 8:8 ");
}

}  // namespace
}  // namespace flexcim
