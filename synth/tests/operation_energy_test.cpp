#include "synth/operation_energy.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace flexcim::synth {
namespace {

// Captured from `flexcim energy` on the P=2 R=2 C=2 G=2 A=4 W=4 FlexCiM
// netlist (the lines the parser reads; OpenSTA prints watts).
constexpr const char* kLog = R"(Startpoint: u_sub0/u_select_storage/_9_
Endpoint: u_sub0/_06_ (rising edge-triggered flip-flop clocked by clk)
             3.1017   data arrival time
            -3.1017   data arrival time
FLEXCIM_WORST_SLACK 96.82562581330778
FLEXCIM_PERIOD 3.1743741866922193
FLEXCIM_OPERATION compute
Group                      Internal      Switching        Leakage          Total
Sequential           6.17967267e-03 3.73151473e-04 1.58645963e-09 6.55282568e-03  55.0%
Combinational        4.16233065e-03 1.19688711e-03 2.43709763e-09 5.35921985e-03  45.0%
Total                1.03420066e-02 1.57003733e-03 4.02355571e-09 1.19120479e-02 100.0%
FLEXCIM_OPERATION row_write
Group                      Internal      Switching        Leakage          Total
Sequential           4.98724217e-03 5.91060088e-05 1.58645963e-09 5.04634948e-03  58.2%
Combinational        2.80167675e-03 8.23628448e-04 2.43709763e-09 3.62530746e-03  41.8%
Total                7.78891752e-03 8.82734312e-04 4.02355571e-09 8.67165532e-03 100.0%
FLEXCIM_OPERATION idle
Group                      Internal      Switching        Leakage          Total
Sequential           4.90476610e-03 0.00000000e+00 1.58645963e-09 4.90476750e-03  59.0%
Combinational        2.59908405e-03 8.04714451e-04 2.43709763e-09 3.40380077e-03  41.0%
Total                7.50384759e-03 8.04714451e-04 4.02355571e-09 8.30856618e-03 100.0%
FLEXCIM_DONE
)";

TEST(OperationEnergy, ParsesThePowerRunsAndDecomposes) {
  const OperationEnergy e = ParseOperationEnergyOutput(kLog, 1);
  const double T = 3.1743741866922193;
  EXPECT_DOUBLE_EQ(e.period_ns(), T);
  EXPECT_NEAR(e.fmax_mhz(), 1000 / T, 1e-9);
  EXPECT_EQ(e.compute.startpoint, "u_sub0/u_select_storage/_9_");
  const double idle = (4.90476610 + 4.02355571e-06) * T;  // register clock pins + leakage, mW x ns
  EXPECT_NEAR(e.idle_cycle_pj, idle, 1e-9);
  EXPECT_NEAR(e.vector_pj, (11.9120479 - 8.30856618) * T + idle, 1e-9);
  EXPECT_NEAR(e.row_write_pj, (8.67165532 - 8.30856618) * T + idle, 1e-9);
  EXPECT_NEAR(ParseOperationEnergyOutput(kLog, 8).vector_pj, 8 * ((11.9120479 - 8.30856618) * T + idle), 1e-9);
}

TEST(OperationEnergy, MissingSectionIsNamed) {
  std::string cut = kLog;
  cut = cut.substr(0, cut.find("FLEXCIM_OPERATION idle"));
  try {
    ParseOperationEnergyOutput(cut, 1);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "OpenSTA output has no \"FLEXCIM_OPERATION idle\" section");
  }
}

TEST(OperationEnergy, ScriptSetsEachOperationsActivity) {
  OperationEnergyOptions o;
  o.liberty = "lib.lib";
  o.netlist = "net.v";
  o.top = "dense_top";
  o.ports = {{"clk", 1, true},    {"rst_n", 1, true},    {"wr_en", 1, true},      {"wr_row", 6, true},
             {"wr_w", 128, true}, {"in_valid", 1, true}, {"in_act", 512, true}, {"out_data", 224, false}};
  o.act_activity = 0.25;
  o.write_activity = 0.5;
  o.rows_per_tile = 64;
  const std::string s = OperationEnergyScript(o);
  auto has = [&](const std::string& line) { return s.find(line) != std::string::npos; };
  EXPECT_TRUE(has("set_false_path -from [concat [get_ports {wr_en}] [get_ports {wr_row[*]}] [get_ports {wr_w[*]}] "
                  "[get_ports {rst_n}]]\n"));
  const size_t compute = s.find("FLEXCIM_OPERATION compute"), write = s.find("FLEXCIM_OPERATION row_write"),
               idle = s.find("FLEXCIM_OPERATION idle");
  ASSERT_TRUE(compute < write && write < idle && idle != std::string::npos);
  const std::string c = s.substr(compute, write - compute), w = s.substr(write, idle - write), i = s.substr(idle);
  EXPECT_NE(c.find("set_power_activity -input_ports [get_ports {in_act[*]}] -activity 0.25 -duty 0.5\n"), std::string::npos);
  EXPECT_NE(c.find("set_power_activity -input_ports [get_ports {in_valid}] -activity 0 -duty 1\n"), std::string::npos);
  EXPECT_NE(c.find("sta::set_power_pin_activity $pin 0 0.5 } else { sta::set_power_pin_activity $pin 0.25 0.5"),
            std::string::npos)
      << c;
  EXPECT_NE(w.find("set_power_activity -input_ports [get_ports {wr_en}] -activity 0 -duty 1\n"), std::string::npos);
  EXPECT_NE(w.find("set_power_activity -input_ports [get_ports {wr_w[*]}] -activity 0.5 -duty 0.5\n"), std::string::npos);
  EXPECT_NE(w.find("sta::set_power_pin_activity $pin 0.0078125 0.5"), std::string::npos) << w;
  EXPECT_NE(i.find("set_power_activity -input_ports [get_ports {in_act[*]}] -activity 0 -duty 0.5\n"), std::string::npos);
  EXPECT_EQ(s.find("out_data"), std::string::npos);
}

}  // namespace
}  // namespace flexcim::synth
