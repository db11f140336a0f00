#include "synth/operation_energy.h"
#include "synth/simulated_operation_energy.h"

#include <gtest/gtest.h>

namespace flexcim::synth {
namespace {

const std::vector<PortSpec> kDensePorts = {{"clk", 1, true},    {"rst_n", 1, true},    {"wr_en", 1, true},
                                           {"wr_row", 6, true}, {"wr_w", 128, true},   {"in_valid", 1, true},
                                           {"in_act", 512, true}, {"out_valid", 1, false}, {"out_data", 224, false}};

TEST(OperationEnergy, EachOperationHoldsTheEnablesAndTogglesItsOwnPorts) {
  const ActivitySet c = OperationActivity(Operation::kCompute, kDensePorts, 0.25, 0.5);
  EXPECT_EQ(c.default_input_activity, 0);
  EXPECT_EQ(c.port_activity, (std::map<std::string, double>{{"in_act", 0.25}, {"wr_en", 0}}));
  EXPECT_EQ(c.constant_ports, (std::map<std::string, int>{{"in_valid", 1}, {"rst_n", 1}}));
  const ActivitySet w = OperationActivity(Operation::kRowWrite, kDensePorts, 0.25, 0.5);
  // dense has no wr_sub, wr_e, wr_sel: left out.
  EXPECT_EQ(w.port_activity, (std::map<std::string, double>{{"wr_row", 0.5}, {"wr_w", 0.5}}));
  EXPECT_EQ(w.constant_ports, (std::map<std::string, int>{{"in_valid", 0}, {"rst_n", 1}, {"wr_en", 1}}));
  const ActivitySet i = OperationActivity(Operation::kIdle, kDensePorts, 0.25, 0.5);
  EXPECT_EQ(i.port_activity, (std::map<std::string, double>{{"wr_en", 0}}));
  EXPECT_EQ(i.constant_ports, (std::map<std::string, int>{{"in_valid", 0}, {"rst_n", 1}}));
}

// Power (mW) of the three runs on the P=2 R=2 C=2 G=2 A=4 W=4 FlexCiM netlist.
TEST(OperationEnergy, DecompositionIsIncrementOverIdlePlusClockAndLeakage) {
  PowerReport compute, write, idle;
  compute.total = {10.3420066, 1.57003733, 4.02355571e-06, 11.9120479};
  write.total = {7.78891752, 0.882734312, 4.02355571e-06, 8.67165532};
  idle.total = {7.50384759, 0.804714451, 4.02355571e-06, 8.30856618};
  idle.sequential = {4.90476610, 0, 1.58645963e-06, 4.90476750};
  const double T = 3.1743741866922193;
  const OperationEnergy e = DecomposeOperationEnergy(T, 1, compute, write, idle);
  const double idle_pj = (4.90476610 + 4.02355571e-06) * T;
  EXPECT_DOUBLE_EQ(e.idle_cycle_pj, idle_pj);
  EXPECT_DOUBLE_EQ(e.vector_pj, (11.9120479 - 8.30856618) * T + idle_pj);
  EXPECT_DOUBLE_EQ(e.row_write_pj, (8.67165532 - 8.30856618) * T + idle_pj);
  EXPECT_DOUBLE_EQ(DecomposeOperationEnergy(T, 8, compute, write, idle).vector_pj, 8 * e.vector_pj);
  EXPECT_NEAR(e.fmax_mhz(), 315.0227, 1e-4);
}

}  // namespace
}  // namespace flexcim::synth

namespace flexcim::synth {
namespace {

// A toggling signal measured at duty 0 or 1 within a cycle class is given
// the nearest duty its rate allows; consistent pairs are kept as they are.
TEST(SimulatedActivityDuty, ImpossibleDutyMovesIntoTheRangeTheRateAllows) {
  EXPECT_DOUBLE_EQ(FeasibleDuty(0.25, 0.0), 0.125);
  EXPECT_DOUBLE_EQ(FeasibleDuty(0.25, 1.0), 0.875);
  EXPECT_DOUBLE_EQ(FeasibleDuty(0.25, 0.3), 0.3);
  EXPECT_DOUBLE_EQ(FeasibleDuty(0.0, 0.0), 0.0);  // a still signal keeps its level
  EXPECT_DOUBLE_EQ(FeasibleDuty(0.0, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(FeasibleDuty(1.5, 0.1), 0.5);  // faster than once a cycle: half the time at 1
}

}  // namespace
}  // namespace flexcim::synth
