#include "synth/area_breakdown.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "synth/component_map.h"
#include "synth/tests/stat_fixture.h"

namespace flexcim::synth {
namespace {

constexpr double kEps = 1e-9;

TEST(AreaBreakdown, RollsUpHierarchyAndSplitsComponents) {
  const AreaBreakdown a = ComputeAreaBreakdown(ParseYosysStat(testing::kStatLog),
                                               ParseLibertyCells(testing::kMiniLiberty), {8, 1});
  EXPECT_EQ(a.top, "flexcim_top");
  EXPECT_NEAR(a.total_area, 639.3632, kEps);
  ASSERT_EQ(a.modules.size(), 4u);
  EXPECT_EQ(a.modules[0].name, "flexcim_top");
  for (const auto& m : a.modules) {
    if (m.name == "flexcim_mul_x") {
      EXPECT_EQ(m.instances, 4);
      EXPECT_NEAR(m.total_area, 115.1104, kEps);
    }
    if (m.name == "flexcim_storage_x") {
      EXPECT_EQ(m.instances, 2);
    }
  }
  EXPECT_NEAR(a.components.at(kMultipliers), 115.1104, kEps);
  EXPECT_NEAR(a.components.at(kPipelineRegisters), 160.1536, kEps);  // submacro flip-flops
  EXPECT_NEAR(a.components.at(kWeightStorage), 320.3072, kEps);      // 8/9 of storage
  EXPECT_NEAR(a.components.at(kElementBits), 40.0384, kEps);         // 1/9 of storage
  EXPECT_NEAR(a.components.at(kTopGlue), 3.7536, kEps);
  EXPECT_NEAR(a.components.at(kOther), 0.0, kEps);
  double sum = 0;
  for (const auto& [c, v] : a.components) sum += v;
  EXPECT_NEAR(sum, a.total_area, 1e-6);
  EXPECT_EQ(a.sequential_cells, 2 * 4 + 2 * 9);
}

TEST(AreaBreakdown, DenseStorageHasNoElementBits) {
  const AreaBreakdown a = ComputeAreaBreakdown(ParseYosysStat(testing::kStatLog),
                                               ParseLibertyCells(testing::kMiniLiberty), {8, 0});
  EXPECT_NEAR(a.components.at(kWeightStorage), 360.3456, kEps);
  EXPECT_NEAR(a.components.at(kElementBits), 0.0, kEps);
}

TEST(AreaBreakdown, UnmappedCellIsAnError) {
  const YosysStat s = ParseYosysStat(
      "=== flexcim_top ===\n\n   Number of cells:                  1\n     $_AND_                          1\n");
  EXPECT_THROW(ComputeAreaBreakdown(s, ParseLibertyCells(testing::kMiniLiberty), {}), Error);
}

TEST(ComponentMap, MatchesBlockNames) {
  EXPECT_EQ(RuleForModule("flexcim_select_storage_p4_r16_c16_g16_a8_w8").comb_component, kSelectStorage);
  EXPECT_EQ(RuleForModule("flexcim_storage_p4_r16_c16_g16_a8_w8").comb_component, kWeightStorage);
  EXPECT_TRUE(RuleForModule("flexcim_storage_p4_r16_c16_g16_a8_w8").cell_storage);
  EXPECT_EQ(RuleForModule("flexcim_mul_p4_r16_c16_g16_a8_w8").comb_component, kMultipliers);
  EXPECT_EQ(RuleForModule("flexcim_adder_tree_p4_r16_c16_g16_a8_w8").comb_component, kAdderTrees);
  EXPECT_EQ(RuleForModule("flexcim_adder_tree_p4_r16_c16_g16_a8_w8").seq_component, kPipelineRegisters);
  EXPECT_EQ(RuleForModule("flexcim_distribution_p4_r16_c16_g16_a8_w8").comb_component, kDistribution);
  EXPECT_EQ(RuleForModule("flexcim_distribution_pair_mux_p4_r16_c16_g16_a8_w8").comb_component, kDistribution);
  EXPECT_EQ(RuleForModule("flexcim_merge_p4_r16_c16_g16_a8_w8").comb_component, kMerge);
  EXPECT_EQ(RuleForModule("flexcim_merge_p4_r16_c16_g16_a8_w8").seq_component, kPipelineRegisters);
  EXPECT_EQ(RuleForModule("flexcim_top").comb_component, kTopGlue);
  EXPECT_EQ(RuleForModule("flexcim_serializer_p4_r16_c16_g16_a8_w8_bs").seq_component, kSerializer);
  EXPECT_EQ(RuleForModule("flexcim_shift_acc_p4_r16_c16_g16_a8_w8_bs").comb_component, kShiftAccumulators);
  EXPECT_EQ(RuleForModule("flexcim_shift_acc_p4_r16_c16_g16_a8_w8_bs").seq_component, kShiftAccumulators);
  EXPECT_EQ(RuleForModule("dcim_sparse12_shift_acc_p4_r16_c16_a8_w8_bs").seq_component, kShiftAccumulators);
  EXPECT_EQ(RuleForModule("dcim_sparse12_serializer_p4_r16_c16_a8_w8_bs").comb_component, kSerializer);
  EXPECT_EQ(RuleForModule("something_else").comb_component, kOther);
}

}  // namespace
}  // namespace flexcim::synth
