// BaselineConfig: every derived width, the latency and the names, exact.
#include "core/baseline_config.h"

#include <gtest/gtest.h>

#include "golden/tests/test_util.h"

namespace flexcim {
namespace {

using golden::testing::ErrorOf;

TEST(BaselineConfig, DefaultDense) {
  const BaselineConfig d = BaselineConfig::For(Arch::kDense, MacroConfig::Default());
  EXPECT_EQ(d.arch_name(), "dense");
  EXPECT_FALSE(d.has_elements());
  EXPECT_EQ(d.rows(), 64);
  EXPECT_EQ(d.cols(), 16);
  EXPECT_EQ(d.row_addr_bits(), 6);
  EXPECT_EQ(d.act_lanes(), 64);
  EXPECT_EQ(d.product_width(), 16);
  EXPECT_EQ(d.output_width(), 22);  // 8 + 8 + log2 64, the FlexCiM O of the same config
  EXPECT_EQ(d.output_lanes(), 16);
  EXPECT_EQ(d.cells(), MacroConfig::Default().cells());
  EXPECT_EQ(d.pipeline_register_stages(), 7);
  EXPECT_EQ(d.pipeline_latency(), 7);  // 1 + log2(P*R) register stages
  EXPECT_EQ(d.tile_load_cycles(), 64);
  EXPECT_EQ(d.Name(), "p4_r16_c16_a8_w8");
  EXPECT_EQ(d.QualifiedName(), "dense_p4_r16_c16_a8_w8");
  EXPECT_EQ(d.Flags(), "--arch dense --subs 4 --rows 16 --cols 16 --a-bits 8 --w-bits 8");
}

TEST(BaselineConfig, Sparse12TakesPairsAndIgnoresG) {
  const BaselineConfig s = BaselineConfig::For(Arch::kSparse12, MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 1, .a_bits = 6, .w_bits = 5}));
  EXPECT_TRUE(s.has_elements());
  EXPECT_EQ(s.rows(), 16);
  EXPECT_EQ(s.act_lanes(), 32);
  EXPECT_EQ(s.output_width(), 6 + 5 + 4);
  EXPECT_EQ(s.pipeline_latency(), 5);
  EXPECT_EQ(s.macro().sel_group(), 4);  // G normalised to C
  EXPECT_EQ(s, BaselineConfig::For(Arch::kSparse12, MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 4, .a_bits = 6, .w_bits = 5})));
  EXPECT_EQ(s.QualifiedName(), "sparse12_p2_r8_c4_a6_w5");
}

TEST(BaselineConfig, SmallestAndLargest) {
  const BaselineConfig small = BaselineConfig::For(Arch::kDense, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2}));
  EXPECT_EQ(small.rows(), 2);
  EXPECT_EQ(small.row_addr_bits(), 1);
  EXPECT_EQ(small.pipeline_latency(), 2);  // products, then one adder level = the output
  const BaselineConfig big =
      BaselineConfig::For(Arch::kSparse12, MacroConfig::Create({.subs = 16, .rows = 256, .cols = 256, .sel_group = 1, .a_bits = 16, .w_bits = 16}));
  EXPECT_EQ(big.rows(), 4096);
  EXPECT_EQ(big.pipeline_latency(), 13);
  EXPECT_EQ(big.output_width(), 44);
}

// Bit-serial cells: the carry split (kSerialCarryChainBits = 7) costs one
// register stage once the column sum W + log2(P*R) is wider than 7 bits;
// bit-parallel cells never split.
TEST(BaselineConfig, BitSerialCarrySplit) {
  auto serial = [](Arch arch, int subs, int rows, int w_bits) {
    return BaselineConfig::For(arch, MacroConfig::Create({.subs = subs, .rows = rows, .cols = 4, .sel_group = 4,
                                                          .a_bits = 8, .w_bits = w_bits,
                                                          .mac = MacStyle::kBitSerial}));
  };
  const BaselineConfig d = serial(Arch::kDense, 4, 16, 8);  // the default size
  EXPECT_EQ(d.column_sum_width(), 14);
  EXPECT_EQ(d.carry_split_bit(), 7);
  EXPECT_EQ(d.carry_split_stages(), 1);
  EXPECT_EQ(d.pipeline_latency(), 17);  // products, 6 adder levels, A + 1, the split
  const BaselineConfig s = serial(Arch::kSparse12, 1, 2, 6);  // 6 + 1 = 7 bits: no split
  EXPECT_EQ(s.column_sum_width(), 7);
  EXPECT_EQ(s.carry_split_bit(), 0);
  EXPECT_EQ(s.pipeline_latency(), 11);
  EXPECT_EQ(serial(Arch::kSparse12, 1, 2, 7).carry_split_bit(), 7);
  EXPECT_EQ(serial(Arch::kSparse12, 1, 2, 7).pipeline_latency(), 12);
  const BaselineConfig parallel = BaselineConfig::For(Arch::kDense, MacroConfig::Default());
  EXPECT_EQ(parallel.carry_split_bit(), 0);
  EXPECT_EQ(parallel.carry_split_stages(), 0);
}

TEST(BaselineConfig, ArchNames) {
  EXPECT_EQ(ParseArch("flexcim"), Arch::kFlexcim);
  EXPECT_EQ(ParseArch("dense"), Arch::kDense);
  EXPECT_EQ(ParseArch("sparse12"), Arch::kSparse12);
  EXPECT_EQ(ArchName(Arch::kSparse12), "sparse12");
  EXPECT_EQ(ErrorOf([] { ParseArch("sparse24"); }),
            "--arch sparse24: must be one of flexcim, dense, sparse12");
  EXPECT_EQ(ErrorOf([] { BaselineConfig::For(Arch::kFlexcim, MacroConfig::Default()); }),
            "BaselineConfig: flexcim is not a baseline");
}

}  // namespace
}  // namespace flexcim
