#include "golden/reference_model.h"

#include <gtest/gtest.h>

#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;

void SetCell(MacroStorage& s, int k, int r, int c, int32_t w, int e) {
  s.SetWeight(k, r, c, w);
  s.SetElement(k, r, c, e);
}

// x[0] = {1, -2, 3, 4}, x[1] = {-5, 6, 7, -8}.
const std::vector<int32_t> kAct22 = {1, -2, 3, 4, -5, 6, 7, -8};

TEST(ReferenceCompute, TwoSubMacrosTwoRowsOneColumnByHand) {
  MacroStorage s(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8}));
  SetCell(s, 0, 0, 0, 3, 1);  // s=1, e=1: x[0][3] = 4  -> 12
  s.SetSelect(0, 0, 0, 1);
  SetCell(s, 0, 1, 0, -2, 0);  // s=0, e=0: x[1][0] = -5 -> 10
  SetCell(s, 1, 0, 0, 5, 0);   // s=0, e=0: x[0][0] = 1  -> 5
  SetCell(s, 1, 1, 0, -7, 1);  // s=1, e=1: x[1][3] = -8 -> 56
  s.SetSelect(1, 1, 0, 1);
  EXPECT_EQ(ReferenceCompute(s, kAct22, 0), (std::vector<int64_t>{22, 61}));
  EXPECT_EQ(ReferenceCompute(s, kAct22, 1), (std::vector<int64_t>{83, 0}));
}

TEST(ReferenceCompute, SelectPerColumnWhenGIsOne) {
  MacroStorage s(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 8, .w_bits = 8}));
  SetCell(s, 0, 0, 0, 3, 1);
  s.SetSelect(0, 0, 0, 1);  // x[0][3] = 4   -> 12
  SetCell(s, 0, 1, 0, -2, 0);
  s.SetSelect(0, 1, 0, 0);  // x[1][0] = -5  -> 10
  SetCell(s, 0, 0, 1, 2, 0);
  s.SetSelect(0, 0, 1, 0);  // x[0][0] = 1   -> 2
  SetCell(s, 0, 1, 1, 1, 1);
  s.SetSelect(0, 1, 1, 1);  // x[1][3] = -8  -> -8
  SetCell(s, 1, 0, 0, 5, 0);
  s.SetSelect(1, 0, 0, 0);  // x[0][0] = 1   -> 5
  SetCell(s, 1, 1, 0, -7, 1);
  s.SetSelect(1, 1, 0, 1);  // x[1][3] = -8  -> 56
  SetCell(s, 1, 0, 1, -1, 1);
  s.SetSelect(1, 0, 1, 1);  // x[0][3] = 4   -> -4
  SetCell(s, 1, 1, 1, 4, 0);
  s.SetSelect(1, 1, 1, 1);  // x[1][2] = 7   -> 28
  EXPECT_EQ(ReferenceCompute(s, kAct22, 0), (std::vector<int64_t>{22, -6, 61, 24}));
  EXPECT_EQ(ReferenceCompute(s, kAct22, 1), (std::vector<int64_t>{83, 18, 0, 0}));
}

TEST(ReferenceCompute, MergesAlignedGroupsOfN) {
  MacroStorage s(MacroConfig::Create({.subs = 4, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8}));
  for (int k = 0; k < 4; ++k) SetCell(s, k, 0, 0, k + 1, 0);  // col[k] = (k+1) * x[0][0]
  std::vector<int32_t> act(16, 0);
  act[0] = 1;
  act[1] = 100;  // element 1: not selected
  EXPECT_EQ(ReferenceCompute(s, act, 0), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(ReferenceCompute(s, act, 1), (std::vector<int64_t>{3, 7, 0, 0}));
  EXPECT_EQ(ReferenceCompute(s, act, 2), (std::vector<int64_t>{10, 0, 0, 0}));
}

TEST(ReferenceCompute, SingleSubMacro) {
  MacroStorage s(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8}));
  SetCell(s, 0, 0, 0, 2, 1);   // x[0][1] = -4 -> -8
  SetCell(s, 0, 1, 0, -3, 0);  // x[1][0] = 5  -> -15
  SetCell(s, 0, 0, 1, 7, 0);   // x[0][0] = 3  -> 21
  SetCell(s, 0, 1, 1, 1, 1);   // x[1][1] = 6  -> 6
  EXPECT_EQ(ReferenceCompute(s, {3, -4, 5, 6}, 0), (std::vector<int64_t>{-23, 27}));
  EXPECT_EQ(ErrorOf([&] {
              ReferenceCompute(s, {3, -4, 5, 6}, 1);
            }),
            "in_nlog2 1: must be in [0, 0] for P = 1");
}

TEST(ReferenceCompute, ExtremesFitTheirWidths) {
  // A = W = 8, R = 2: column sum 17 bits, output 18 bits.
  MacroStorage s(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8}));
  for (int k = 0; k < 2; ++k) {
    for (int r = 0; r < 2; ++r) SetCell(s, k, r, 0, -128, 0);
  }
  const std::vector<int32_t> min_act(8, -128);
  EXPECT_EQ(ReferenceCompute(s, min_act, 0), (std::vector<int64_t>{32768, 32768}));
  EXPECT_EQ(ReferenceCompute(s, min_act, 1), (std::vector<int64_t>{65536, 0}));
  const std::vector<int32_t> max_act(8, 127);
  EXPECT_EQ(ReferenceCompute(s, max_act, 1), (std::vector<int64_t>{-65024, 0}));

  // The widest macro: A = W = 16, P = 16, R = 256: O = 44 bits.
  const MacroConfig wide = MacroConfig::Create({.subs = 16, .rows = 256, .cols = 1, .sel_group = 1, .a_bits = 16, .w_bits = 16});
  MacroStorage w(wide);
  for (int k = 0; k < 16; ++k) {
    for (int r = 0; r < 256; ++r) SetCell(w, k, r, 0, -32768, 0);
  }
  const std::vector<int32_t> act(static_cast<size_t>(wide.act_lanes()), -32768);
  EXPECT_EQ(ReferenceCompute(w, act, 4)[0], int64_t{1} << 42);
  EXPECT_EQ(ReferenceCompute(w, act, 0)[15], int64_t{1} << 38);
}

TEST(ReferenceCompute, RejectsBadInputsWithExactMessages) {
  const MacroStorage d(MacroConfig::Default());
  const std::vector<int32_t> act(128, 0);
  EXPECT_EQ(ErrorOf([&] { ReferenceCompute(d, act, 3); }),
            "in_nlog2 3: must be in [0, 2] for P = 4");
  EXPECT_EQ(ErrorOf([&] { ReferenceCompute(d, act, -1); }),
            "in_nlog2 -1: must be in [0, 2] for P = 4");
  EXPECT_EQ(ErrorOf([&] { ReferenceCompute(d, std::vector<int32_t>(127, 0), 0); }),
            "in_act has 127 lanes: must have R*2P = 128");
  std::vector<int32_t> bad = act;
  bad[13] = 128;
  EXPECT_EQ(ErrorOf([&] { ReferenceCompute(d, bad, 0); }),
            "in_act lane 13 (x[1][5]) 128: must be in [-128, 127] for A = 8");
  bad[13] = -129;
  EXPECT_EQ(ErrorOf([&] { ReferenceCompute(d, bad, 0); }),
            "in_act lane 13 (x[1][5]) -129: must be in [-128, 127] for A = 8");
}

}  // namespace
}  // namespace flexcim::golden
