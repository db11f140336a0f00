#include "verif/toggle_rates.h"

#include <gtest/gtest.h>

namespace flexcim::verif {
namespace {

TEST(ToggleRates, CountsBitFlipsPerBitPerClock) {
  const ArchConfig c(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4}));  // in_act: 2*4 lanes x 4 bits
  std::vector<golden::CycleInput> s(3);
  s[0].in_valid = false;
  s[1].in_valid = true;
  s[2].in_valid = false;
  s[0].in_act.assign(8, 0);
  s[1].in_act.assign(8, 0);
  s[1].in_act[0] = -1;  // 4 bits flip
  s[2].in_act.assign(8, 0);
  s[2].in_act[0] = -1;
  s[2].in_act[7] = 5;   // 2 bits flip
  s[1].wr_w = {7};      // 3 bits flip, then back
  const auto r = InputToggleRates(c, s);
  EXPECT_DOUBLE_EQ(r.at("in_valid"), 1.0);           // 2 toggles / (2 clocks x 1 bit)
  EXPECT_DOUBLE_EQ(r.at("in_act"), 6.0 / (2 * 32));  // 4 + 2 over 2 clocks x 32 bits
  EXPECT_DOUBLE_EQ(r.at("wr_w"), 6.0 / (2 * 4));
  EXPECT_DOUBLE_EQ(r.at("rst_n"), 0.0);
  EXPECT_EQ(r.size(), 10u);
  EXPECT_DOUBLE_EQ(InputToggleRates(c, {s[0]}).at("in_act"), 0.0);
}

}  // namespace
// A baseline's rates are those of its own ports (dense_top: no wr_sub,
// wr_e, wr_sel, in_nlog2), as `synth --activity-from` reads them.
TEST(ToggleRates, BaselinePortsOnly) {
  const ArchConfig c(Arch::kDense, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4}));  // in_act: 2 lanes x 4 bits
  std::vector<golden::CycleInput> s(2);
  s[0].in_act = {0, 0};
  s[1].in_act = {3, 0};  // 2 bits flip
  s[1].wr_row = 1;       // 1 bit flips
  const auto r = InputToggleRates(c, s);
  std::vector<std::string> names;
  for (const auto& [name, rate] : r) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"in_act", "in_valid", "rst_n", "wr_en", "wr_row", "wr_w"}));
  EXPECT_DOUBLE_EQ(r.at("in_act"), 2.0 / 8);
  EXPECT_DOUBLE_EQ(r.at("wr_row"), 1.0);
}

}  // namespace flexcim::verif
