#include "synth/sta_report.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "synth/sta_script.h"

namespace flexcim::synth {
namespace {

// Captured from OpenSTA 2.0.17 (Debian opensta) on a small design.
constexpr char kStaLog[] = R"(OpenSTA 2.0.17 GITDIR-NOT Copyright (c) 2019, Parallax Software, Inc.
Warning: Found unsupported expression 'D&DE&!SCE|IQ&!DE&!SCE|SCD&SCE' in pin attribute of cell 'sky130_fd_sc_hd__sedfxbp_1' - skipping.
Startpoint: in_act[4] (input port clocked by clk)
Endpoint: c0/_14_ (rising edge-triggered flip-flop clocked by clk)
Path Group: clk
Path Type: max

    Delay      Time   Description
-------------------------------------------------------------
   0.0000    0.0000   clock clk (rise edge)
   0.0000    0.0000 v in_act[4] (in)
   0.3615    3.5689 v c0/u/_577_/X (sky130_fd_sc_hd__xnor3_1)
   0.0035    3.5724 v c0/_14_/D (sky130_fd_sc_hd__dfxtp_1)
             3.5724   data arrival time

 100.0000  100.0000   clock clk (rise edge)
  -0.1300   99.8700   library setup time
            99.8700   data required time
-------------------------------------------------------------
            99.8700   data required time
            -3.5724   data arrival time
-------------------------------------------------------------
            96.2976   slack (MET)


FLEXCIM_WORST_SLACK 96.29757885886612
FLEXCIM_PERIOD 3.7024211411338825
Group                    Internal    Switching      Leakage        Total
                            Power        Power        Power        Power
------------------------------------------------------------------------
Sequential           1.838271e-03 1.553137e-05 2.700364e-10 1.853803e-03  20.2%
Combinational        5.532425e-03 1.812620e-03 1.995130e-09 7.345047e-03  79.8%
Macro                0.000000e+00 0.000000e+00 0.000000e+00 0.000000e+00   0.0%
Pad                  0.000000e+00 0.000000e+00 0.000000e+00 0.000000e+00   0.0%
------------------------------------------------------------------------
Total                7.370699e-03 1.828151e-03 2.265166e-09 9.198853e-03 100.0%
                            80.1%        19.9%         0.0%
FLEXCIM_DONE
)";

TEST(StaReport, ParsesPathPeriodAndPower) {
  const TimingPower t = ParseStaOutput(kStaLog);
  EXPECT_EQ(t.startpoint, "in_act[4] (input port clocked by clk)");
  EXPECT_EQ(t.endpoint, "c0/_14_ (rising edge-triggered flip-flop clocked by clk)");
  EXPECT_DOUBLE_EQ(t.arrival_ns, 3.5724);
  EXPECT_DOUBLE_EQ(t.min_period_ns, 3.7024211411338825);
  EXPECT_DOUBLE_EQ(t.fmax_mhz, 1000.0 / 3.7024211411338825);
  EXPECT_DOUBLE_EQ(t.power.total, 9.198853);
  EXPECT_DOUBLE_EQ(t.power.internal, 7.370699);
  EXPECT_DOUBLE_EQ(t.power.switching, 1.828151);
  EXPECT_NEAR(t.power.leakage, 2.265166e-6, 1e-18);
  EXPECT_DOUBLE_EQ(t.sequential_power.total, 1.853803);
  EXPECT_DOUBLE_EQ(t.combinational_power.total, 7.345047);
}

TEST(StaReport, ErrorLinesAreReported) {
  try {
    ParseStaOutput(std::string(kStaLog) + "Error: mapped.v, line 3 module foo not found.\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("module foo not found"), std::string::npos);
  }
}

TEST(StaReport, IncompleteOutputIsAnError) {
  const std::string s = kStaLog;
  EXPECT_THROW(ParseStaOutput(s.substr(0, s.find("Group"))), Error);
}

// The compute path: a second report_checks after the write ports are
// false-pathed, between FLEXCIM_COMPUTE_PATH and FLEXCIM_COMPUTE_PERIOD.
TEST(StaReport, ParsesComputePathBesideWritePath) {
  std::string log = kStaLog;
  const std::string compute =
      "FLEXCIM_COMPUTE_PATH\n"
      "Startpoint: u_sel/_7_ (rising edge-triggered flip-flop clocked by clk)\n"
      "Endpoint: c0/_14_ (rising edge-triggered flip-flop clocked by clk)\n"
      "             2.5000   data arrival time\n"
      "FLEXCIM_COMPUTE_PERIOD 2.5\n";
  log.insert(log.find("\nGroup ") + 1, compute);
  const TimingPower t = ParseStaOutput(log);
  EXPECT_EQ(t.startpoint, "in_act[4] (input port clocked by clk)");
  EXPECT_DOUBLE_EQ(t.arrival_ns, 3.5724);
  EXPECT_EQ(t.compute_startpoint, "u_sel/_7_ (rising edge-triggered flip-flop clocked by clk)");
  EXPECT_EQ(t.compute_endpoint, "c0/_14_ (rising edge-triggered flip-flop clocked by clk)");
  EXPECT_DOUBLE_EQ(t.compute_min_period_ns, 2.5);
  EXPECT_DOUBLE_EQ(t.compute_fmax_mhz, 400.0);
  EXPECT_DOUBLE_EQ(ParseStaOutput(kStaLog).compute_fmax_mhz, 0.0);
}

TEST(StaReport, PowerOnly) {
  const std::string s = kStaLog;
  const PowerReport p = ParseStaPower(s.substr(s.find("\nGroup ") + 1));
  EXPECT_DOUBLE_EQ(p.total.total, 9.198853);
  EXPECT_DOUBLE_EQ(p.sequential.internal, 1.838271);
  EXPECT_THROW(ParseStaPower(s.substr(0, s.find("\nGroup "))), Error);
}

TEST(StaScript, FalsePathsWritePortsForTheComputePeriod) {
  StaScriptOptions o;
  o.ports = {{"clk", 1, true}, {"rst_n", 1, true}, {"wr_en", 1, true}, {"wr_w", 8, true},
             {"in_act", 8, true}, {"out", 8, false}};
  o.write_ports = WritePorts(o.ports);
  EXPECT_EQ(o.write_ports, (std::vector<std::string>{"rst_n", "wr_en", "wr_w"}));
  o.constant_ports = {{"wr_en", 0}};
  const std::string s = StaScript(o);
  EXPECT_NE(s.find("set_false_path -from [get_ports {rst_n}]\nset_false_path -from [get_ports {wr_en}]\n"
                   "set_false_path -from [get_ports {wr_w[*]}]\nputs \"FLEXCIM_COMPUTE_PATH\"\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("set_case_analysis 0 [get_ports {wr_en}]\n"), std::string::npos);
}

// Latch storage: the minimum period is refined at shorter clocks (half-period
// paths), and the compute period false-paths the latches and gating checks;
// flip-flop designs get neither.
TEST(StaScript, LatchStorageRefinesThePeriodAndCutsTheWritePath) {
  StaScriptOptions o;
  o.ports = {{"clk", 1, true}, {"wr_en", 1, true}, {"in_act", 8, true}, {"out", 8, false}};
  o.write_ports = WritePorts(o.ports);
  const std::string ff = StaScript(o);
  EXPECT_EQ(ff.find("flexcim_slack_at"), std::string::npos);
  EXPECT_EQ(ff.find("level_sensitive"), std::string::npos);
  o.half_period_paths = true;
  const std::string latch = StaScript(o);
  const size_t refine = latch.find("proc flexcim_slack_at {p} {\n  create_clock -name clk -period $p");
  const size_t period = latch.find("puts \"FLEXCIM_PERIOD $period\"");
  ASSERT_NE(refine, std::string::npos) << latch;
  ASSERT_NE(period, std::string::npos);
  EXPECT_LT(refine, period);
  // the critical path is reported at the refined period, then the clock is
  // back at the relaxed period before the compute path
  EXPECT_NE(latch.find("set period $feasible\n"
                       "# the critical path: the one that limits the refined period (-sort_by_slack: the\n"
                       "# worst over the clock and clock-gating path groups)\n"
                       "create_clock -name clk -period $period [get_ports {clk}]\n"),
            std::string::npos);
  const size_t critical = latch.find("report_checks -path_delay max -digits 4 -sort_by_slack\n"
                                    "create_clock -name clk -period 100 [get_ports {clk}]\n");
  EXPECT_NE(critical, std::string::npos);
  EXPECT_EQ(latch.find("report_checks"), critical);
  EXPECT_NE(latch.find("set_false_path -from [get_ports {wr_en}]\n"
                       "# ... and the rest of the write path: into and out of the row latches, and the row\n"
                       "# gates' clock-gating checks (falling edge)\n"
                       "set_false_path -to [all_registers -level_sensitive -data_pins]\n"
                       "set_false_path -from [all_registers -level_sensitive]\n"
                       "set_false_path -fall_to [get_clocks clk]\n"
                       "puts \"FLEXCIM_COMPUTE_PATH\"\n"),
            std::string::npos)
      << latch;
}

TEST(StaScript, SetsActivitiesPerPort) {
  StaScriptOptions o;
  o.liberty = "/l.lib";
  o.netlist = "/m.v";
  o.ports = {{"clk", 1, true}, {"wr_en", 1, true}, {"in_act", 64, true}};
  o.port_activity = {{"wr_en", 0.0}, {"in_act", 0.25}};
  const std::string s = StaScript(o);
  EXPECT_NE(s.find("set_power_activity -input -activity 0.5\n"), std::string::npos);
  EXPECT_NE(s.find("set_power_activity -input_ports [get_ports {in_act[*]}] -activity 0.25\n"), std::string::npos);
  EXPECT_NE(s.find("set_power_activity -input_ports [get_ports {wr_en}] -activity 0\n"), std::string::npos);
  EXPECT_NE(s.find("link_design flexcim_top\n"), std::string::npos);
  o.port_activity = {{"nope", 1.0}};
  EXPECT_THROW(StaScript(o), UsageError);
}

}  // namespace
}  // namespace flexcim::synth
