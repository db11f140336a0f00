#include <gtest/gtest.h>

#include "synth/liberty_cells.h"
#include "synth/liberty_setup.h"
#include "synth/tests/stat_fixture.h"

namespace flexcim::synth {
namespace {

TEST(LibertyCells, AreasAndSequentialFlag) {
  const LibertyCells cells = ParseLibertyCells(testing::kMiniLiberty);
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_DOUBLE_EQ(cells.at("sky130_fd_sc_hd__dfxtp_1").area, 20.0192);
  EXPECT_TRUE(cells.at("sky130_fd_sc_hd__dfxtp_1").sequential);
  EXPECT_FALSE(cells.at("sky130_fd_sc_hd__nand2_1").sequential);
}

TEST(LibertyCells, SequentialByName) {
  EXPECT_TRUE(IsSequentialCellName("sky130_fd_sc_hd__dfxtp_1"));
  EXPECT_TRUE(IsSequentialCellName("sky130_fd_sc_hd__dlxtp_1"));
  EXPECT_TRUE(IsSequentialCellName("sky130_fd_sc_hd__sdfxtp_1"));
  EXPECT_TRUE(IsSequentialCellName("sky130_fd_sc_hd__edfxtp_1"));
  EXPECT_TRUE(IsSequentialCellName("sky130_fd_sc_hd__sedfxtp_1"));
  EXPECT_FALSE(IsSequentialCellName("sky130_fd_sc_hd__dlygate4sd1_1"));
  EXPECT_FALSE(IsSequentialCellName("sky130_fd_sc_hd__dlymetal6s2s_1"));
  EXPECT_FALSE(IsSequentialCellName("sky130_fd_sc_hd__mux2_1"));
}

TEST(LibertySetup, MarksDontUseCellsOnly) {
  const std::string marked = MarkDontUse(testing::kMiniLiberty, DontUseCellPrefixes());
  const auto at = marked.find("cell (\"sky130_fd_sc_hd__lpflow_isobufsrc_1\") {\n        dont_use : true;");
  EXPECT_NE(at, std::string::npos);
  EXPECT_EQ(marked.find("dont_use"), at + std::string("cell (\"sky130_fd_sc_hd__lpflow_isobufsrc_1\") {\n        ").size());
  EXPECT_EQ(marked.rfind("dont_use"), marked.find("dont_use"));  // exactly one
  EXPECT_EQ(ParseLibertyCells(marked).size(), 4u);
}

}  // namespace
}  // namespace flexcim::synth
