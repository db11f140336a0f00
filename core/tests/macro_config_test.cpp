#include "core/macro_config.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace flexcim {
namespace {

std::string CreateError(int p, int r, int c, int g, int a, int w) {
  try {
    MacroConfig::Create({.subs = p, .rows = r, .cols = c, .sel_group = g, .a_bits = a, .w_bits = w});
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(MacroConfig, DefaultDerivedWidths) {
  const MacroConfig c = MacroConfig::Default();
  EXPECT_EQ(c.Name(), "p4_r16_c16_g16_a8_w8");
  EXPECT_EQ(c.sel_bits(), 2);
  EXPECT_EQ(c.product_width(), 16);
  EXPECT_EQ(c.column_sum_width(), 20);
  EXPECT_EQ(c.output_width(), 22);
  EXPECT_EQ(c.output_lanes(), 64);
  EXPECT_EQ(c.act_lanes(), 128);
  EXPECT_EQ(c.select_groups(), 1);
  EXPECT_EQ(c.pipeline_register_stages(), 7);
  EXPECT_EQ(c.pipeline_latency(), 7);  // 5b: presented in cycle c, out_valid in c+7
  EXPECT_EQ(c.output_edge_offset(), 6);
  EXPECT_EQ(c.initiation_interval(), 1);
  EXPECT_EQ(c.tile_load_cycles(), 64);
}

TEST(MacroConfig, SingleSubMacroHasOneIgnoredSelectBitAndAnOutputStage) {
  const MacroConfig c = MacroConfig::Create({.subs = 1, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8});
  EXPECT_EQ(c.sel_bits(), 1);
  EXPECT_EQ(c.output_width(), 18);
  EXPECT_EQ(c.merge_stages(), 1);
  EXPECT_EQ(c.pipeline_register_stages(), 4);
  EXPECT_EQ(c.pipeline_latency(), 4);
}

TEST(MacroConfig, SelGroupZeroMeansAllColumns) {
  EXPECT_EQ(MacroConfig::Create({.subs = 2, .rows = 8, .cols = 32, .sel_group = 0, .a_bits = 8, .w_bits = 8}).sel_group(), 32);
}

TEST(MacroConfig, ErrorsNameFlagValueAndRange) {
  EXPECT_EQ(CreateError(4, 24, 16, 16, 8, 8), "--rows 24: must be a power of two in [2, 256]");
  EXPECT_EQ(CreateError(3, 16, 16, 16, 8, 8), "--subs 3: must be a power of two in [1, 16]");
  EXPECT_EQ(CreateError(32, 16, 16, 16, 8, 8), "--subs 32: must be a power of two in [1, 16]");
  EXPECT_EQ(CreateError(4, 1, 16, 16, 8, 8), "--rows 1: must be a power of two in [2, 256]");
  EXPECT_EQ(CreateError(4, 16, 512, 16, 8, 8), "--cols 512: must be a power of two in [1, 256]");
  EXPECT_EQ(CreateError(4, 16, 16, 32, 8, 8), "--sel-group 32: must be a power of two in [1, 16]");
  EXPECT_EQ(CreateError(4, 16, 16, 3, 8, 8), "--sel-group 3: must be a power of two in [1, 16]");
  EXPECT_EQ(CreateError(4, 16, 16, 16, 1, 8), "--a-bits 1: must be an integer in [2, 16]");
  EXPECT_EQ(CreateError(4, 16, 16, 16, 8, 17), "--w-bits 17: must be an integer in [2, 16]");
}

TEST(MacroConfig, FlagsRoundTrip) {
  EXPECT_EQ(MacroConfig::Create({.subs = 8, .rows = 8, .cols = 8, .sel_group = 2, .a_bits = 8, .w_bits = 8}).Flags(),
            "--subs 8 --rows 8 --cols 8 --sel-group 2 --a-bits 8 --w-bits 8");
}

}  // namespace
}  // namespace flexcim
