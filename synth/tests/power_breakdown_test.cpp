#include "synth/power_breakdown.h"

#include <gtest/gtest.h>

namespace flexcim::synth {
namespace {

// Shaped like Yosys 0.23 hierarchical output: a generate-scoped instance
// (escaped name with '.'), leaf cells in each module.
constexpr char kHierarchical[] = R"(module flexcim_storage_t(clk);
  sky130_fd_sc_hd__dfxtp_1 _1_ (
    .CLK(clk)
  );
endmodule
module flexcim_submacro_t(clk);
  flexcim_storage_t u_storage (
    .clk(clk)
  );
  flexcim_distribution_t \g_row[1].u_dist  (
    .clk(clk)
  );
endmodule
module flexcim_distribution_t(clk);
endmodule
module flexcim_top(clk);
  flexcim_submacro_t u_sub0 (
    .clk(clk)
  );
  sky130_fd_sc_hd__buf_1 _9_ (
  );
endmodule
)";

constexpr char kFlat[] = R"(module flexcim_top(clk);
  sky130_fd_sc_hd__dfxtp_1 \u_sub0.u_storage._1_  (
    .CLK(clk)
  );
  sky130_fd_sc_hd__mux2_1 \$flatten\u_sub0.\g_row[1].u_dist.$abc$4$x  (
  );
  sky130_fd_sc_hd__dfxtp_1 \u_sub0.g_row[1].u_dist.q_$_DFF_P__Q  (
  );
  sky130_fd_sc_hd__buf_1 _9_ (
  );
endmodule
)";

constexpr char kPower[] = R"(     Internal    Switching      Leakage        Total
        Power        Power        Power        Power
----------------------------------------------------
 4.0e-05 5.0e-06 1.0e-11 9.0e-05 u_sub0.u_storage._1_
 1.0e-05 1.0e-05 1.0e-11 2.0e-05 $flatten\u_sub0.\g_row[1].u_dist.$abc$4$x
 1.0e-05 1.0e-05 1.0e-11 3.0e-05 u_sub0.g_row[1].u_dist.q_$_DFF_P__Q
 1.0e-06 1.0e-06 1.0e-11 4.0e-06 _9_
)";

TEST(PowerBreakdown, LeafInstancesGoToTheirModulesComponents) {
  const NetlistHierarchy h = ParseNetlistHierarchy(kHierarchical);
  EXPECT_EQ(h.at("flexcim_submacro_t").at("g_row[1].u_dist"), "flexcim_distribution_t");
  EXPECT_EQ(h.at("flexcim_top").at("_9_"), "sky130_fd_sc_hd__buf_1");
  EXPECT_EQ(OwningModule(h, "flexcim_top", "u_sub0.g_row[1].u_dist._4_"), "flexcim_distribution_t");
  EXPECT_EQ(OwningModule(h, "flexcim_top", "u_sub0.u_storage._1_"), "flexcim_storage_t");
  EXPECT_EQ(OwningModule(h, "flexcim_top", "_9_"), "flexcim_top");
  const auto leaves = ParseLeafCells(kFlat);
  const auto power = ParseInstancePower(kPower);
  // Cells Yosys made inside a flattened instance: "$flatten\<path>" (write_verilog -norename).
  EXPECT_EQ(leaves.at("u_sub0.g_row[1].u_dist.$abc$4$x"), "sky130_fd_sc_hd__mux2_1");
  EXPECT_DOUBLE_EQ(power.at("u_sub0.g_row[1].u_dist.$abc$4$x"), 2.0e-2);
  EXPECT_DOUBLE_EQ(power.at("_9_"), 4.0e-3);
  const LibertyCells cells = {{"sky130_fd_sc_hd__dfxtp_1", {20.0, true}},
                              {"sky130_fd_sc_hd__mux2_1", {11.0, false}},
                              {"sky130_fd_sc_hd__buf_1", {3.0, false}}};
  const auto c = PowerByComponent(h, "flexcim_top", leaves, power, cells, {.w_bits = 3, .element_bits_per_cell = 1});
  EXPECT_DOUBLE_EQ(c.at(kWeightStorage), 0.09 * 3 / 4);  // storage split 3:1 by bits
  EXPECT_DOUBLE_EQ(c.at(kElementBits), 0.09 / 4);
  EXPECT_DOUBLE_EQ(c.at(kDistribution), 0.02);
  EXPECT_DOUBLE_EQ(c.at(kPipelineRegisters), 0.03);  // the distribution's flip-flop
  EXPECT_DOUBLE_EQ(c.at(kTopGlue), 0.004);
  // OpenSTA's names on the hierarchical netlist: '/' between instances, the
  // cell type from the owning module; hierarchical instances (0 W) skipped.
  const std::map<std::string, double> hierarchical = {
      {"u_sub0/u_storage/_1_", 0.09}, {"u_sub0/g_row[1].u_dist", 0.0}, {"u_sub0", 0.0}, {"_9_", 0.004}};
  const auto ch = PowerByComponent(h, "flexcim_top", {}, hierarchical, cells, {.w_bits = 3, .element_bits_per_cell = 1});
  EXPECT_DOUBLE_EQ(ch.at(kWeightStorage), 0.09 * 3 / 4);
  EXPECT_DOUBLE_EQ(ch.at(kTopGlue), 0.004);
  EXPECT_DOUBLE_EQ(ch.at(kDistribution), 0.0);
}

}  // namespace
}  // namespace flexcim::synth
