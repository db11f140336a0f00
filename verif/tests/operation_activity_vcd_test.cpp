#include "verif/operation_activity_vcd.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/errors.h"

namespace flexcim::verif {
namespace {

// Shaped like `flexcim verify --trace` (verif/verilated_clock.h): each cycle
// sets its pins with clk falling at 10k, the rising edge at 10k + 5.
// Cycle 0 reset; 1 a row write (w_q written at its edge); 2 nothing; 3 and 4
// vectors (p changes at 3, 4 and, draining, 5); 6 and 7 nothing.
constexpr char kVcd[] = R"($timescale 1ps $end
 $scope module TOP $end
  $scope module top $end
   $var wire  1 # clk $end
   $var wire  1 r rst_n $end
   $var wire  1 v in_valid $end
   $var wire  1 e wr_en $end
   $var wire  2 p p [1:0] $end
   $scope module u_s $end
    $var wire  1 w w_q $end
    $var wire  2 p p_alias [1:0] $end
   $upscope $end
  $upscope $end
 $upscope $end
$enddefinitions $end
#0
0#
0r
0v
0e
0w
b0 p
#5
1#
#10
0#
1r
1e
#15
1#
1w
#20
0#
0e
#25
1#
#30
0#
1v
#35
1#
b11 p
#40
0#
#45
1#
b10 p
#50
0#
0v
#55
1#
b00 p
#60
0#
#65
1#
#70
0#
#75
1#
)";

constexpr int kC = static_cast<int>(CycleClass::kCompute);
constexpr int kW = static_cast<int>(CycleClass::kWrite);
constexpr int kI = static_cast<int>(CycleClass::kIdle);

TEST(OperationActivityVcd, SplitsTogglesAndDutyByCycleClass) {
  std::istringstream in(kVcd);
  const OperationActivity a = OperationActivityFromVcd(in, /*compute_cycles=*/1, /*write_cycles=*/1);
  EXPECT_EQ(a.reset_cycles, 1);
  EXPECT_EQ(a.cycles[kW], 2);  // the write and the cycle after it
  EXPECT_EQ(a.cycles[kC], 3);  // two vectors and one draining cycle
  EXPECT_EQ(a.cycles[kI], 2);
  EXPECT_EQ(a.vectors, 2);
  EXPECT_EQ(a.writes, 1);
  // The stationary weight: one toggle in the write cycles, none in compute.
  const BitActivity* w = a.Find("u_s.w_q");
  ASSERT_NE(w, nullptr);
  EXPECT_DOUBLE_EQ(w->rate[kW], 0.5);
  EXPECT_DOUBLE_EQ(w->rate[kC], 0.0);
  EXPECT_DOUBLE_EQ(w->rate[kI], 0.0);
  EXPECT_DOUBLE_EQ(w->duty[kW], 1.0);
  EXPECT_DOUBLE_EQ(w->duty[kC], 1.0);
  // p[0]: 1 in cycle 3 only; p[1]: 1 in cycles 3 and 4; both toggle twice in compute.
  for (const char* name : {"p[0]", "u_s.p_alias[0]"}) {
    const BitActivity* p0 = a.Find(name);
    ASSERT_NE(p0, nullptr) << name;
    EXPECT_DOUBLE_EQ(p0->rate[kC], 2.0 / 3);
    EXPECT_DOUBLE_EQ(p0->duty[kC], 1.0 / 3);
    EXPECT_DOUBLE_EQ(p0->rate[kW], 0.0);
    EXPECT_DOUBLE_EQ(p0->duty[kI], 0.0);
  }
  EXPECT_DOUBLE_EQ(a.Find("p[1]")->rate[kC], 2.0 / 3);
  EXPECT_DOUBLE_EQ(a.Find("p[1]")->duty[kC], 2.0 / 3);
  // The pins themselves.
  EXPECT_DOUBLE_EQ(a.Find("in_valid")->rate[kC], 2.0 / 3);
  EXPECT_DOUBLE_EQ(a.Find("in_valid")->duty[kC], 2.0 / 3);
  EXPECT_DOUBLE_EQ(a.Find("wr_en")->rate[kW], 1.0);
  EXPECT_DOUBLE_EQ(a.Find("wr_en")->duty[kW], 0.5);
  EXPECT_EQ(a.Find("u_s.nothing"), nullptr);
}

TEST(OperationActivityVcd, LongerWindowsMoveCyclesIntoComputeAndWrite) {
  std::istringstream in(kVcd);
  const OperationActivity a = OperationActivityFromVcd(in, 3, 2);
  EXPECT_EQ(a.cycles[kW], 2);  // cycle 1, 2 (cycle 3 is a vector)
  EXPECT_EQ(a.cycles[kC], 5);  // cycles 3..7
  EXPECT_EQ(a.cycles[kI], 0);
}

TEST(OperationActivityVcd, WrapperScopeNamedLikeTheTopIsSkipped) {
  // Verilator 5 names its wrapper after the top module instead of TOP.
  std::string vcd = kVcd;
  vcd.replace(vcd.find("module TOP"), 10, "module top");
  std::istringstream in(vcd);
  const OperationActivity a = OperationActivityFromVcd(in, 1, 1);
  ASSERT_NE(a.Find("u_s.w_q"), nullptr);
  EXPECT_EQ(a.Find("top.u_s.w_q"), nullptr);
  EXPECT_DOUBLE_EQ(a.Find("u_s.w_q")->rate[kW], 0.5);
}

TEST(OperationActivityVcd, MissingControlPinIsNamed) {
  std::string vcd = kVcd;
  vcd.replace(vcd.find("in_valid"), 8, "in_other");
  std::istringstream in(vcd);
  try {
    OperationActivityFromVcd(in, 1, 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "VCD has no 1-bit 'in_valid' in the top module");
  }
}

}  // namespace
}  // namespace flexcim::verif
