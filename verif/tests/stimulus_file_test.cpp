#include "verif/stimulus_file.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/errors.h"
#include "verif/stimulus.h"

namespace flexcim::verif {
namespace {

namespace fs = std::filesystem;

fs::path Temp(const std::string& name) {
  return fs::temp_directory_path() / fmt::format("flexcim_stimulus_{}_{}", ::getpid(), name);
}

std::string ErrorOf(const ArchConfig& c, const fs::path& p) {
  try {
    ReadStimulusFile(c, p);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(StimulusFile, RoundTripKeepsEveryEnabledPin) {
  const ArchConfig c(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 6, .w_bits = 5}));
  const Stimulus s = RandomStimulus(c, {.vectors = 50, .seed = 3});
  const fs::path p = Temp("rt");
  WriteStimulusFile(c, s.cycles, p);
  const auto back = ReadStimulusFile(c, p);
  ASSERT_EQ(back.size(), s.cycles.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].rst_n, s.cycles[i].rst_n);
    EXPECT_EQ(back[i].wr_en, s.cycles[i].wr_en);
    EXPECT_EQ(back[i].in_valid, s.cycles[i].in_valid);
    EXPECT_EQ(back[i].in_act, s.cycles[i].in_act);
    EXPECT_EQ(back[i].wr_w, s.cycles[i].wr_w);
    EXPECT_EQ(back[i].wr_sel, s.cycles[i].wr_sel);
  }
  fs::remove(p);
}

TEST(StimulusFile, BadInputsNameFileAndLine) {
  const ArchConfig c(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4}));
  const fs::path p = Temp("bad");
  std::ofstream(p) << "flexcim-stimulus 1\nconfig p4_r16_c16_g16_a8_w8\ncycles 1\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":2: stimulus is for p4_r16_c16_g16_a8_w8, the design is p2_r2_c1_g1_a4_w4");
  std::ofstream(p) << "flexcim-stimulus 2\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":1: expected 'flexcim-stimulus 1...'");
  std::ofstream(p) << "flexcim-stimulus 1\nconfig p2_r2_c1_g1_a4_w4\ncycles 2\n1 0 0 0 0 0 | 0 | 0 | 0 | 0 0 0 0 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ": 1 cycle lines, header says 2");
  std::ofstream(p) << "flexcim-stimulus 1\nconfig p2_r2_c1_g1_a4_w4\ncycles 1\n1 0 0 0 0 0 | 0 | 0 | 0 | 0 0 0 x 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":4: in_act lane 'x' is not an integer");
  std::ofstream(p) << "flexcim-stimulus 1\nconfig p2_r2_c1_g1_a4_w4\ncycles 1\n1 0 0 0 0 0 | 0 | 0 | 0 | 0 0 0 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":4: missing in_act lane");
  std::ofstream(p) << "flexcim-stimulus 1\nconfig p2_r2_c1_g1_a4_w4\ncycles 1\n1 0 0 0 0 0 | 0 | 0 | 0 | 0 0 0 0 0 0 0 0 9\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":4: unexpected '9' after the last lane");
  fs::remove(p);
}

TEST(StimulusFile, OutOfContractCyclesAreStimulusErrors) {
  const ArchConfig c(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4}));
  const fs::path p = Temp("contract");
  const std::string head = "flexcim-stimulus 1\nconfig p2_r2_c1_g1_a4_w4\n";
  std::ofstream(p) << head << "cycles 1\n2 0 0 0 0 0 | 0 | 0 | 0 | 0 0 0 0 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":4: rst_n 2: a 1-bit pin is 0 or 1");
  std::ofstream(p) << head << "cycles 1\n1 0 0 4294967296 0 0 | 0 | 0 | 0 | 0 0 0 0 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":4: wr_row 4294967296 is out of range");
  std::ofstream(p) << head << "cycles 1\n1 0 0 0 0 0 | 0 | 256 | 0 | 0 0 0 0 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":4: wr_e lane 256 is out of range");
  std::ofstream(p) << head << "cycles 1\n1 0 0 0 1 2 | 0 | 0 | 0 | 0 0 0 0 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":4: edge 0: in_nlog2 = 2 on a valid vector: must be in 0..log2 P = 1");
  std::ofstream(p) << head << "cycles 2\n1 0 0 0 0 0 | 8 | 0 | 0 | 0 0 0 0 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":4: edge 0: wr_w lane 0 = 8 does not fit 4 signed bits (-8..7)");
  std::ofstream(p) << head << "cycles 2\n1 0 0 0 1 0 | 0 | 0 | 0 | 0 0 0 0 0 0 0 0\n"
                   << "1 1 0 0 0 0 | 0 | 0 | 0 | 0 0 0 0 0 0 0 0\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + fmt::format(":5: edge 1: wr_en while the vector sampled at edge 0 is in "
                                                    "flight (it is delivered at edge {}): writing while a vector "
                                                    "is in flight is out of contract (FLEXCIM.md 5b)",
                                                    c.output_edge_offset()));
  std::ofstream(p) << head << "cycles 9x\n";
  EXPECT_EQ(ErrorOf(c, p), p.string() + ":3: bad cycle count '9x'");
  fs::remove(p);
}

}  // namespace
}  // namespace flexcim::verif
