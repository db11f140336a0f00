#include "synth/operation_energy.h"
#include "synth/simulated_operation_energy.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/errors.h"

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

namespace flexcim::synth {
namespace {

// The default dense macro's row-write run: 5,940 write cycles, and 5,834
// registers that toggled once and were never at 1 in them, which
// FeasibleDuty annotated at rate 1/5940, duty 1/11880. Products of such
// duties underflow in OpenSTA's float propagation and its total power was
// NaN. Now no annotated value is tiny but nonzero.
TEST(SimulatedActivityDuty, NoAnnotatedValueIsTinyButNonzero) {
  constexpr double kWriteCycles = 5940;
  EXPECT_EQ(AnnotatedActivity("r", 1 / kWriteCycles, 0), (BitAnnotation{0, 0}));                 // the case
  EXPECT_EQ(AnnotatedActivity("r", 2 / kWriteCycles, 1 / kWriteCycles), (BitAnnotation{0, 0}));  // a 1-cycle pulse
  EXPECT_EQ(AnnotatedActivity("r", 1 / kWriteCycles, 5939 / kWriteCycles), (BitAnnotation{0, 1}));
  EXPECT_EQ(AnnotatedActivity("r", 1 / kWriteCycles, 0.4), (BitAnnotation{0, 0.4}));  // a level change mid-run
  EXPECT_EQ(AnnotatedActivity("r", 0, 0.0004), (BitAnnotation{0, 0}));
  EXPECT_EQ(AnnotatedActivity("r", 0, 0.0005), (BitAnnotation{0, 0.0005}));
  EXPECT_EQ(AnnotatedActivity("r", 0.001, 0), (BitAnnotation{0.001, 0.0005}));  // the smallest rate kept
  EXPECT_EQ(AnnotatedActivity("r", 0.25, 1.0), (BitAnnotation{0.25, 0.875}));
  EXPECT_EQ(AnnotatedActivity("r", 0.5, 1 + 1e-12), (BitAnnotation{0.5, 0.75}));  // a port's summed duty
  for (const auto& [rate, duty] : {std::pair{std::nan(""), 0.5}, {0.5, std::numeric_limits<double>::infinity()},
                                   {-0.1, 0.5}, {0.5, 1.5}}) {
    try {
      AnnotatedActivity("u_sub0.products_q[3]", rate, duty);
      ADD_FAILURE() << rate << " " << duty;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), fmt::format("u_sub0.products_q[3]: activity rate {} duty {} is not a toggle "
                                                   "rate >= 0 with a duty in [0, 1]",
                                                   rate, duty));
    }
  }
}

// Through SimulatedActivity: every annotated rate is 0 or >= 1e-3 and every
// duty 0, 1 or at least 5e-4 from both, in each class.
TEST(SimulatedActivityDuty, EveryAnnotatedRateAndDutyIsZeroOneOrResolvable) {
  verif::OperationActivity act;
  act.cycles = {1280, 5940, 0};
  // BitActivity: rate and duty by class (compute, write, idle).
  const std::vector<std::pair<std::string, verif::BitActivity>> bits = {
      {"clk", {}},
      {"rst_n", {{0, 1 / 5940.0, 0}, {1, 1, 0}}},
      {"in_valid", {{0.5, 0, 0}, {0, 0, 0}}},
      {"q0", {{0.3, 1 / 5940.0, 0}, {0.1, 0, 0}}},                    // once in the write cycles, never at 1
      {"q1", {{0.0005, 2 / 5940.0, 0}, {0.9999, 5939 / 5940.0, 0}}},  // rare in both classes, mostly at 1
  };
  for (const auto& [name, b] : bits) {
    act.index[name] = static_cast<uint32_t>(act.bits.size());
    act.bits.push_back(b);
  }
  const std::vector<PortSpec> ports = {{"clk", 1, true}, {"rst_n", 1, true}, {"in_valid", 1, true}};
  const std::vector<std::string> nets = {"q0", "q1"}, cells = {"q0_reg", "q1_reg"};
  const ActivitySet write = SimulatedActivity(act, verif::CycleClass::kWrite, ports, nets, cells);
  EXPECT_EQ(write.bit_activity, (std::map<std::string, std::pair<double, double>>{{"flexcim_act[0]", {0, 0}},
                                                                                  {"flexcim_act[1]", {0, 1}}}));
  EXPECT_EQ(write.port_activity, (std::map<std::string, double>{{"in_valid", 0}, {"rst_n", 0}}));
  const ActivitySet compute = SimulatedActivity(act, verif::CycleClass::kCompute, ports, nets, cells);
  EXPECT_EQ(compute.bit_activity, (std::map<std::string, std::pair<double, double>>{
                                      {"flexcim_act[0]", {0.3, 0.15}}, {"flexcim_act[1]", {0, 1}}}));
  EXPECT_EQ(compute.port_activity, (std::map<std::string, double>{{"in_valid", 0.5}, {"rst_n", 0}}));
  EXPECT_EQ(compute.port_duty, (std::map<std::string, double>{{"in_valid", 0.25}, {"rst_n", 1}}));
  // What the energy JSON reports as left out (annotated_still_below_min_rate).
  const RareToggles w = RareRegisterToggles(act, verif::CycleClass::kWrite, nets);
  EXPECT_EQ(w.registers, 2);
  EXPECT_DOUBLE_EQ(w.dropped_per_cycle, 3 / 5940.0);
  EXPECT_DOUBLE_EQ(w.measured_per_cycle, 3 / 5940.0);
  const RareToggles c = RareRegisterToggles(act, verif::CycleClass::kCompute, nets);
  EXPECT_EQ(c.registers, 1);
  EXPECT_DOUBLE_EQ(c.dropped_per_cycle, 0.0005);
  EXPECT_DOUBLE_EQ(c.measured_per_cycle, 0.3005);
}

}  // namespace
}  // namespace flexcim::synth
