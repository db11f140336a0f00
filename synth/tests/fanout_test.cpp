// The generator's fan-out limit (generator/fanout_limit.h, docs/ARCHITECTURE.md
// "Fan-out") on synthesised netlists: every checked-in snapshot of at most
// kSnapshotCells cells (testdata/gen; the default-size ones take a minute of
// Yosys each, see AllSnapshots) is synthesised as the flow synthesises it (hierarchical
// `synth -top`, here onto Yosys's generic gates, which like the flow's
// sky130 mapping inserts no buffers), its largest fan-out net is printed and
// must be within the limit. A hand-written netlist checks the count itself
// and that a net above the limit is reported.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <vector>

#include "core/json_input.h"
#include "generator/fanout_limit.h"
#include "core/errors.h"
#include "synth/netlist_fanout.h"
#include "synth/tool_run.h"
#include "synth/tests/yosys_test_util.h"

namespace flexcim::synth {
namespace {

namespace fs = std::filesystem;
using testing::RunYosys;

// Snapshots up to this many cells (P*R*C) are synthesised in CI; with
// FLEXCIM_FANOUT_ALL_SNAPSHOTS set, every snapshot (the default-size ones
// take about a minute of Yosys each: a heavy job, docs/PPA.md).
constexpr int kSnapshotCells = 64;

bool AllSnapshots() { return std::getenv("FLEXCIM_FANOUT_ALL_SNAPSHOTS") != nullptr; }

// Synthesises `files` with top `top` and returns its largest fan-out net.
NetFanout SynthesisedFanout(const std::string& tag, const std::vector<std::pair<std::string, std::string>>& files,
                            const std::string& top) {
  std::string script;
  for (const auto& [name, text] : files) script += fmt::format("read_verilog -sv {}\n", name);
  script += fmt::format("hierarchy -check -top {}\nsynth -top {}\nwrite_json netlist.json\n", top, top);
  const testing::YosysRun run = RunYosys(tag, files, script, {"netlist.json"});
  EXPECT_TRUE(run.ok) << testing::LogTail(run.log);
  if (!run.ok || !run.outputs.count("netlist.json")) return {};
  return LargestFanout(ParseJsonText(run.outputs.at("netlist.json"), tag), top);
}

::testing::AssertionResult WithinLimit(const NetFanout& largest, int limit) {
  if (largest.loads <= limit) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << largest.net << " drives " << largest.loads << " loads, above the limit "
                                       << limit;
}

// A register driving 40 gates in the top and 10 in each of three
// instances of `sink` (70 loads); a register inside `source` driving 5
// gates there and 20 in the top through its output (25 loads).
constexpr char kHandWritten[] = R"(module sink (input a, input [9:0] b, output [9:0] y);
  assign y = b & {10{a}};
endmodule
module source (input clk, input d, input [4:0] b, output q, output [4:0] y);
  reg r;
  always @(posedge clk) r <= d;
  assign q = r;
  assign y = b ^ {5{r}};
endmodule
module fan_top (input clk, input d, input [39:0] x, input [29:0] z, input [24:0] v,
                output [39:0] y, output [29:0] w, output [24:0] u);
  reg r;
  always @(posedge clk) r <= d;
  assign y = x & {40{r}};
  sink s0 (.a(r), .b(z[9:0]), .y(w[9:0]));
  sink s1 (.a(r), .b(z[19:10]), .y(w[19:10]));
  sink s2 (.a(r), .b(z[29:20]), .y(w[29:20]));
  wire q;
  source src (.clk(clk), .d(d), .b(v[4:0]), .q(q), .y(u[4:0]));
  assign u[24:5] = v[24:5] | {20{q}};
endmodule
)";

TEST(NetlistFanout, CountsLoadsThroughTheHierarchyAndFailsAboveTheLimit) {
  const NetFanout largest = SynthesisedFanout("fanout_hand", {{"fan.v", kHandWritten}}, "fan_top");
  EXPECT_EQ(largest.net, "fan_top.r");
  EXPECT_EQ(largest.loads, 70);
  EXPECT_FALSE(WithinLimit(largest, gen::kMaxGeneratedFanout));
  EXPECT_TRUE(WithinLimit(largest, 70));
}

TEST(NetlistFanout, UnknownTopIsNamed) {
  const nlohmann::json netlist = {{"modules", nlohmann::json::object()}};
  try {
    LargestFanout(netlist, "flexcim_top");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "netlist: no module flexcim_top");
  }
}

TEST(SnapshotFanout, EverySmallSnapshotIsWithinTheGeneratorLimit) {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(FLEXCIM_TEST_SNAPSHOT_DIR)) {
    if (fs::exists(entry.path() / "manifest.json")) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  int checked = 0;
  for (const fs::path& dir : dirs) {
    const nlohmann::json manifest = ReadJsonFile(dir / "manifest.json");
    const nlohmann::json& p = manifest.at("params");
    if (!AllSnapshots() && p.at("P").get<int>() * p.at("R").get<int>() * p.at("C").get<int>() > kSnapshotCells) {
      continue;
    }
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& name : manifest.at("files")) {
      files.emplace_back(name.get<std::string>(), ReadText(dir / name.get<std::string>()));
    }
    const std::string name = dir.filename().string();
    const NetFanout largest = SynthesisedFanout(name, files, manifest.at("top").get<std::string>());
    std::cout << fmt::format("{}: largest fan-out {} loads ({})\n", name, largest.loads, largest.net);
    EXPECT_TRUE(WithinLimit(largest, gen::kMaxGeneratedFanout)) << name;
    EXPECT_GT(largest.loads, 0) << name;
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

}  // namespace
}  // namespace flexcim::synth
