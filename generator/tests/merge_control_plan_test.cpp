// MergeControlPlan: exact replication for known configurations, and no
// control net above kMaxControlFanout loads anywhere in the parameter space.
#include "generator/merge_control_plan.h"

#include <gtest/gtest.h>

namespace flexcim::gen {
namespace {

TEST(MergeControlPlan, DefaultConfiguration) {
  // O = 22: a leaf drives 2 columns (44 mux bits); 4*16/2 = 32 leaves.
  const MergeControlPlan p = MergeControlPlan::For(MacroConfig::Default());
  EXPECT_EQ(p.levels, 2);
  EXPECT_EQ(p.columns_per_leaf, 2);
  EXPECT_EQ(p.leaves, 32);
  EXPECT_EQ(p.roots, 1);
  EXPECT_EQ(p.leaves_per_root, 32);
  // Level 2 controls lanes below (P/2)*C only: 16 leaves, 1 root.
  EXPECT_EQ(p.LevelLeaves(2), 16);
  EXPECT_EQ(p.LevelRoots(2), 1);
  EXPECT_EQ(p.LevelControlledLanes(2), 32);
  EXPECT_EQ(p.control_registers(), 50);
  // Bit-serial: the merge lanes are W + log2 R + log2 P = 14 bits, so a
  // leaf covers 4 columns (56 loads): 16 + 8 leaves, 26 control registers.
  const MergeControlPlan s = MergeControlPlan::For(MacroConfig::Default().WithMac(MacStyle::kBitSerial));
  EXPECT_EQ(s.columns_per_leaf, 4);
  EXPECT_EQ(s.leaves, 16);
  EXPECT_EQ(s.LevelLeaves(2), 8);
  EXPECT_EQ(s.control_registers(), 26);
}

TEST(MergeControlPlan, LargestAndSmallestConfigurations) {
  // O = 16+16+8+4 = 44: one column per leaf, 4096 leaves, 64 roots of 64.
  const MergeControlPlan big = MergeControlPlan::For(MacroConfig::Create({.subs = 16, .rows = 256, .cols = 256, .sel_group = 1, .a_bits = 16, .w_bits = 16}));
  EXPECT_EQ(big.columns_per_leaf, 1);
  EXPECT_EQ(big.leaves, 4096);
  EXPECT_EQ(big.roots, 64);
  EXPECT_EQ(big.leaves_per_root, 64);
  // Narrow data: O = 2+2+1+1 = 6, 8 columns per leaf (48 loads), capped at C.
  const MergeControlPlan narrow = MergeControlPlan::For(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 16, .sel_group = 16, .a_bits = 2, .w_bits = 2}));
  EXPECT_EQ(narrow.columns_per_leaf, 8);
  EXPECT_EQ(narrow.leaves, 4);
  const MergeControlPlan one_col = MergeControlPlan::For(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4}));
  EXPECT_EQ(one_col.columns_per_leaf, 1);
  EXPECT_EQ(one_col.leaves, 2);
  EXPECT_EQ(one_col.roots, 1);
  const MergeControlPlan none = MergeControlPlan::For(MacroConfig::Create({.subs = 1, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8}));
  EXPECT_EQ(none.levels, 0);
  EXPECT_EQ(none.control_registers(), 0);
}

TEST(MergeControlPlan, EveryControlNetStaysWithinFanout) {
  for (int p = 2; p <= 16; p *= 2) {
    for (int c = 1; c <= 256; c *= 2) {
      for (int bits : {2, 8, 16}) {
        const MacroConfig k = MacroConfig::Create({.subs = p, .rows = 256, .cols = c, .sel_group = 1, .a_bits = bits, .w_bits = bits});
        const MergeControlPlan plan = MergeControlPlan::For(k);
        const int leaf_loads = plan.columns_per_leaf * k.output_width();
        EXPECT_TRUE(leaf_loads <= MergeControlPlan::kMaxControlFanout ||
                    plan.columns_per_leaf == 1)
            << k.Name();
        EXPECT_LE(plan.leaves_per_root, MergeControlPlan::kMaxControlFanout) << k.Name();
        EXPECT_LE(plan.roots, MergeControlPlan::kMaxControlFanout) << k.Name();
        EXPECT_EQ(plan.roots * plan.leaves_per_root, plan.leaves) << k.Name();
        EXPECT_EQ(plan.leaves * plan.columns_per_leaf, p * c) << k.Name();
        // Doubling the leaf would break the fanout bound or exceed C.
        EXPECT_TRUE(2 * plan.columns_per_leaf > c ||
                    2 * leaf_loads > MergeControlPlan::kMaxControlFanout)
            << k.Name();
      }
    }
  }
}

}  // namespace
}  // namespace flexcim::gen
