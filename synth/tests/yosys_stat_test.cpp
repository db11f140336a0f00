#include "synth/yosys_stat.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "synth/tests/stat_fixture.h"

namespace flexcim::synth {
namespace {

TEST(YosysStat, ParsesModulesCellsAndAreas) {
  const YosysStat s = ParseYosysStat(testing::kStatLog);
  ASSERT_EQ(s.modules.size(), 4u);  // the design hierarchy section is not a module
  EXPECT_EQ(s.top, "flexcim_top");
  ASSERT_TRUE(s.top_area.has_value());
  EXPECT_DOUBLE_EQ(*s.top_area, 639.3632);
  const auto& sub = s.modules.at("flexcim_submacro_x");
  EXPECT_EQ(sub.cell_counts.at("flexcim_mul_x"), 2);
  EXPECT_EQ(sub.cell_counts.at("flexcim_storage_x"), 1);
  EXPECT_EQ(sub.cell_counts.at("sky130_fd_sc_hd__dfxtp_1"), 4);
  EXPECT_EQ(sub.cell_counts.size(), 3u);
  EXPECT_DOUBLE_EQ(*sub.chip_area, 80.0768);
  EXPECT_EQ(s.modules.at("flexcim_mul_x").cell_counts.at("sky130_fd_sc_hd__xor2_1"), 2);
}

TEST(YosysStat, ModuleWithoutOwnCellsHasNoArea) {
  const YosysStat s = ParseYosysStat(
      "=== flexcim_top ===\n\n   Number of cells:                  2\n     sub_a                           2\n\n"
      "   Area for cell type \\sub_a is unknown!\n\n=== sub_a ===\n\n   Number of cells:   1\n"
      "     sky130_fd_sc_hd__nand2_1        1\n\n   Chip area for module '\\sub_a': 3.753600\n");
  EXPECT_FALSE(s.modules.at("flexcim_top").chip_area.has_value());
  EXPECT_EQ(s.modules.at("flexcim_top").cell_counts.at("sub_a"), 2);
  EXPECT_TRUE(s.top.empty());
}

TEST(YosysStat, ParamodNamesKeepTheirBackslashes) {
  const YosysStat s = ParseYosysStat(
      "=== $paramod\\mul\\A=8 ===\n\n   Number of cells:                  1\n"
      "     sky130_fd_sc_hd__nand2_1        1\n\n   Chip area for module '$paramod\\mul\\A=8': 3.753600\n");
  ASSERT_EQ(s.modules.count("$paramod\\mul\\A=8"), 1u);
}

TEST(YosysStat, NoSectionIsAnError) { EXPECT_THROW(ParseYosysStat("ERROR: nothing\n"), Error); }

}  // namespace
}  // namespace flexcim::synth
