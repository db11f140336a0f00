#include "golden/macro_storage.h"

#include <gtest/gtest.h>

#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;

TEST(MacroStorage, StartsAllZero) {
  const MacroStorage s(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 8}));
  for (int k = 0; k < 2; ++k) {
    for (int r = 0; r < 2; ++r) {
      for (int c = 0; c < 4; ++c) {
        EXPECT_EQ(s.weight(k, r, c), 0);
        EXPECT_EQ(s.element(k, r, c), 0);
      }
      for (int q = 0; q < 2; ++q) EXPECT_EQ(s.select(k, r, q), 0);
    }
  }
}

TEST(MacroStorage, SettersStoreAndCheckRanges) {
  MacroStorage s(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 6}));
  s.SetWeight(1, 1, 3, -32);
  s.SetElement(1, 1, 3, 1);
  s.SetSelect(1, 1, 1, 1);
  EXPECT_EQ(s.weight(1, 1, 3), -32);
  EXPECT_EQ(s.element(1, 1, 3), 1);
  EXPECT_EQ(s.select(1, 1, 1), 1);
  EXPECT_EQ(ErrorOf([&] { s.SetWeight(0, 1, 0, 32); }),
            "weight w[0][1][0] 32: must be in [-32, 31] for W = 6");
  EXPECT_EQ(ErrorOf([&] { s.SetWeight(0, 1, 0, -33); }),
            "weight w[0][1][0] -33: must be in [-32, 31] for W = 6");
  EXPECT_EQ(ErrorOf([&] { s.SetElement(0, 0, 0, 2); }), "element e[0][0][0] 2: must be in [0, 1]");
  EXPECT_EQ(ErrorOf([&] { s.SetSelect(0, 0, 0, 2); }),
            "select s[0][0][0] 2: must be in [0, 1] for P = 2");
  EXPECT_EQ(ErrorOf([&] { s.SetWeight(2, 0, 0, 0); }), "sub-macro 2: must be in [0, 1] for P = 2");
  EXPECT_EQ(ErrorOf([&] { s.SetWeight(0, 2, 0, 0); }), "row 2: must be in [0, 1] for R = 2");
  EXPECT_EQ(ErrorOf([&] { s.SetWeight(0, 0, 4, 0); }), "column 4: must be in [0, 3] for C = 4");
  EXPECT_EQ(ErrorOf([&] { s.SetSelect(0, 0, 2, 0); }),
            "select group 2: must be in [0, 1] for C/G = 2");
}

TEST(MacroStorage, WriteRowWritesOneSubMacroRow) {
  MacroStorage s(MacroConfig::Create({.subs = 4, .rows = 2, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 8}));
  s.WriteRow(2, 1, {1, -2, 127, -128}, {0, 1, 1, 0}, {3, 1});
  EXPECT_EQ(s.weight(2, 1, 0), 1);
  EXPECT_EQ(s.weight(2, 1, 3), -128);
  EXPECT_EQ(s.element(2, 1, 1), 1);
  EXPECT_EQ(s.element(2, 1, 3), 0);
  EXPECT_EQ(s.select(2, 1, 0), 3);
  EXPECT_EQ(s.select(2, 1, 1), 1);
  EXPECT_EQ(s.weight(2, 0, 0), 0);
  EXPECT_EQ(s.weight(1, 1, 0), 0);
}

TEST(MacroStorage, RejectedWriteRowChangesNothing) {
  MacroStorage s(MacroConfig::Create({.subs = 4, .rows = 2, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 8}));
  const MacroStorage before = s;
  EXPECT_EQ(ErrorOf([&] {
              s.WriteRow(0, 0, {1, 2, 3, 128}, {0, 0, 0, 0}, {0, 0});
            }),
            "wr_w lane 3 128: must be in [-128, 127] for W = 8");
  EXPECT_EQ(ErrorOf([&] {
              s.WriteRow(0, 0, {1, 2, 3, 4}, {0, 0, 2, 0}, {0, 0});
            }),
            "wr_e bit 2 2: must be in [0, 1]");
  EXPECT_EQ(ErrorOf([&] {
              s.WriteRow(0, 0, {1, 2, 3, 4}, {0, 0, 0, 0}, {0, 4});
            }),
            "wr_sel lane 1 4: must be in [0, 3] for P = 4");
  EXPECT_EQ(ErrorOf([&] {
              s.WriteRow(4, 0, {1, 2, 3, 4}, {0, 0, 0, 0}, {0, 0});
            }),
            "wr_sub 4: must be in [0, 3] for P = 4");
  EXPECT_EQ(ErrorOf([&] {
              s.WriteRow(0, 2, {1, 2, 3, 4}, {0, 0, 0, 0}, {0, 0});
            }),
            "wr_row 2: must be in [0, 1] for R = 2");
  EXPECT_EQ(ErrorOf([&] {
              s.WriteRow(0, 0, {1, 2, 3}, {0, 0, 0, 0}, {0, 0});
            }),
            "wr_w has 3 lanes and wr_e 4: both must have C = 4");
  EXPECT_EQ(ErrorOf([&] {
              s.WriteRow(0, 0, {1, 2, 3, 4}, {0, 0, 0, 0}, {0});
            }),
            "wr_sel has 1 lanes: must have C/G = 2");
  EXPECT_EQ(s, before);
}

TEST(MacroStorage, SingleSubMacroIgnoresSubAndSelect) {
  MacroStorage s(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8}));
  s.WriteRow(1, 1, {5, -6}, {1, 0}, {1});  // as the pins carry junk: ignored
  EXPECT_EQ(s.weight(0, 1, 0), 5);
  EXPECT_EQ(s.weight(0, 1, 1), -6);
  EXPECT_EQ(s.element(0, 1, 0), 1);
  EXPECT_EQ(s.select(0, 1, 0), 0);
  s.WriteRow(0, 0, {1, 1}, {0, 0}, {});
  EXPECT_EQ(s.weight(0, 0, 1), 1);
  EXPECT_EQ(ErrorOf([&] { s.SetSelect(0, 0, 0, 1); }),
            "select s[0][0][0] 1: must be in [0, 0] for P = 1");
}

}  // namespace
}  // namespace flexcim::golden
