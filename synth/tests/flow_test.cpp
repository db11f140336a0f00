// The synthesis flow end to end (Yosys + OpenSTA) on small generated
// configurations, and its failure path on a design with a latch.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/errors.h"
#include "core/macro_config.h"
#include "generator/design_writer.h"
#include "generator/flexcim_generator.h"
#include "synth/component_map.h"
#include "synth/ppa_report.h"
#include "synth/synth_flow.h"

namespace flexcim::synth {
namespace {

namespace fs = std::filesystem;

class FlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / fmt::format("flexcim_flow_test_{}", ::getpid());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    if (!HasFailure() && std::getenv("FLEXCIM_KEEP_TEST_DIRS") == nullptr) fs::remove_all(root_);
  }
  SynthFlowOptions Options(const std::string& tag) {
    SynthFlowOptions o;
    o.rtl_dir = root_ / tag / "rtl";
    o.work_dir = root_ / tag / "synth";
    o.data_dir = FLEXCIM_TEST_DATA_DIR;
    return o;
  }
  fs::path root_;
};

TEST_F(FlowTest, SmallConfigurationsGiveCompleteReports) {
  std::vector<PpaResult> results;
  for (const auto& k : {MacroConfig::Create(2, 2, 2, 1, 4, 4), MacroConfig::Create(4, 2, 2, 2, 4, 4)}) {
    SynthFlowOptions o = Options(k.Name());
    gen::WriteDesign(gen::GenerateFlexcim(k), o.rtl_dir);
    const PpaResult r = RunSynthFlow(o);
    EXPECT_TRUE(r.check_passed);
    EXPECT_EQ(r.name, k.Name());
    EXPECT_EQ(r.macs_per_cycle, k.cells());
    EXPECT_EQ(r.latency, k.pipeline_latency());
    double sum = 0;
    for (const char* c : {kWeightStorage, kElementBits, kMultipliers, kAdderTrees, kDistribution, kSelectStorage,
                          kMerge, kPipelineRegisters}) {
      EXPECT_GT(r.area.components.at(c), 0.0) << k.Name() << " " << c;
    }
    EXPECT_EQ(r.area.components.at(kOther), 0.0) << k.Name();
    for (const auto& [c, a] : r.area.components) {
      EXPECT_GE(a, 0.0) << c;
      sum += a;
    }
    EXPECT_NEAR(sum, r.area.total_area, 0.01) << k.Name();
    ASSERT_TRUE(r.timing.has_value());
    EXPECT_GT(r.timing->fmax_mhz, 10.0);
    EXPECT_LT(r.timing->fmax_mhz, 5000.0);
    EXPECT_GT(r.timing->power.total, 0.0);
    EXPECT_GT(*r.EnergyPerMacPj(), 0.0);
    EXPECT_TRUE(fs::exists(o.work_dir / "mapped.v"));
    EXPECT_TRUE(fs::exists(o.work_dir / "synth.ys"));
    results.push_back(r);
  }
  WriteReport(results, root_ / "report");
  EXPECT_TRUE(fs::exists(root_ / "report" / "report.json"));
  EXPECT_TRUE(fs::exists(root_ / "report" / "report.md"));
}

TEST_F(FlowTest, LatchFailsWithYosysErrorAndScriptPath) {
  SynthFlowOptions o = Options("latch");
  o.run_sta = false;
  fs::create_directories(o.rtl_dir);
  std::ofstream(o.rtl_dir / "flexcim_top.v")
      << "module flexcim_top(input clk, input en, input [3:0] d, output reg [3:0] q);\n"
         "  always @* if (en) q = d;\nendmodule\n";
  std::ofstream(o.rtl_dir / "manifest.json") << R"({"top": "flexcim_top", "files": ["flexcim_top.v"]})";
  try {
    RunSynthFlow(o);
    FAIL() << "a latch must fail the flow";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("ERROR: Assertion failed: selection is not empty"), std::string::npos) << what;
    EXPECT_NE(what.find((o.work_dir / "synth.ys").string()), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(o.work_dir / "stat.txt"));
}

}  // namespace
}  // namespace flexcim::synth
