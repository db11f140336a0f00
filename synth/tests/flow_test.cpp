// The synthesis flow end to end (Yosys + OpenSTA) on small generated
// configurations, and its failure path on a design with a latch.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "core/errors.h"
#include "core/macro_config.h"
#include "generator/design_writer.h"
#include "generator/flexcim_generator.h"
#include "synth/component_map.h"
#include "synth/ppa_report.h"
#include "synth/liberty_setup.h"
#include "synth/sta_power.h"
#include "synth/synth_flow.h"
#include "synth/simulated_operation_energy.h"
#include "synth/liberty_cells.h"

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
  for (const auto& k : {MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 4, .w_bits = 4}), MacroConfig::Create({.subs = 4, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4})}) {
    SynthFlowOptions o = Options(k.Name());
    gen::WriteDesign(gen::GenerateFlexcim(k), o.rtl_dir);
    const PpaResult r = RunSynthFlow(o);
    EXPECT_TRUE(r.check_passed);
    EXPECT_EQ(r.name, k.Name());
    EXPECT_EQ(r.cells, k.cells());
    EXPECT_EQ(r.macs_per_cycle, k.cells());
    EXPECT_EQ(r.mac, "bit-parallel");
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
    // Power per component (flattened netlist, per instance) adds up to the
    // hierarchical run's total; every flexibility component draws power.
    double power_sum = 0;
    for (const auto& [c, mw] : r.component_power) power_sum += mw;
    EXPECT_NEAR(power_sum, r.timing->power.total, 1e-3 * r.timing->power.total) << k.Name();
    for (const char* c : {kDistribution, kSelectStorage, kMerge, kWeightStorage, kMultipliers}) {
      EXPECT_GT(r.component_power.at(c), 0.0) << k.Name() << " " << c;
    }
    // The compute path alone (write ports false-pathed) is no slower.
    EXPECT_GE(r.timing->compute_fmax_mhz, r.timing->fmax_mhz);
    EXPECT_FALSE(r.timing->compute_startpoint.empty());
    EXPECT_TRUE(fs::exists(o.work_dir / "mapped.v"));
    EXPECT_TRUE(fs::exists(o.work_dir / "synth.ys"));
    results.push_back(r);
  }
  // Power of one activity set (synth/sta_power.h) on the last netlist: an
  // idle cycle (every input still, writes held off) costs less than a
  // cycle of full input traffic, and energy = power x period.
  const fs::path work = root_ / MacroConfig::Create({.subs = 4, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}).Name() / "synth";
  StaPowerRequest req;
  req.liberty = PrepareLiberty(FLEXCIM_TEST_DATA_DIR, work);
  req.netlist = work / "sta_netlist.v";
  req.ports = PortsFromManifest(root_ / MacroConfig::Create({.subs = 4, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}).Name() / "rtl" / "manifest.json");
  req.period_ns = 10.0;
  req.work_dir = work;
  req.tag = "idle";
  // Every input still (activity 0, wr_en low by that), reset released. Not
  // set_case_analysis 0 on wr_en: Debian's OpenSTA 2.0.17 crashes on it for
  // some netlists (synth/operation_energy.cpp says the same).
  req.activity.constant_ports = {{"rst_n", 1}};
  const StaPowerResult idle = RunStaPower(req);
  req.tag = "busy";
  req.activity.default_input_activity = 0.5;
  req.activity.constant_ports.clear();
  const StaPowerResult busy = RunStaPower(req);
  EXPECT_GT(idle.power.total.total, 0.0);
  EXPECT_GT(busy.power.total.total, 2 * idle.power.total.total);
  EXPECT_DOUBLE_EQ(busy.EnergyPerCyclePj(), busy.power.total.total * 10.0);
  EXPECT_TRUE(fs::exists(work / "power_busy.tcl"));
  req.activity.port_activity = {{"no_such_port", 0.1}};
  EXPECT_THROW(RunStaPower(req), UsageError);
  WriteReport(results, root_ / "report");
  EXPECT_TRUE(fs::exists(root_ / "report" / "report.json"));
  EXPECT_TRUE(fs::exists(root_ / "report" / "report.md"));
}

// Designs run two at a time give, in the order given, the results of runs
// one after the other; without the power breakdown the totals are the same
// and there is no per-component power. Every progress line names its design.
TEST_F(FlowTest, DesignsRunInParallelGiveTheSequentialResultsInOrder) {
  std::vector<SynthFlowOptions> designs;
  std::mutex mu;
  std::vector<std::string> lines;
  for (const auto& k : {MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 4, .w_bits = 4}), MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 3, .w_bits = 3}),
                        MacroConfig::Create({.subs = 4, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2})}) {
    SynthFlowOptions o = Options("par_" + k.Name());
    gen::WriteDesign(gen::GenerateFlexcim(k), o.rtl_dir);
    o.power_breakdown = false;
    o.progress = [&](const std::string& line) {
      std::lock_guard lock(mu);
      lines.push_back(line);
    };
    designs.push_back(o);
  }
  const std::vector<PpaResult> parallel = RunSynthFlows(designs, 2);
  ASSERT_EQ(parallel.size(), designs.size());
  for (size_t i = 0; i < designs.size(); ++i) {
    SynthFlowOptions o = designs[i];
    o.work_dir = o.work_dir.parent_path() / "synth_sequential";
    o.power_breakdown = true;
    o.progress = nullptr;
    const PpaResult one = RunSynthFlow(o);
    EXPECT_EQ(parallel[i].name, one.name);
    EXPECT_EQ(parallel[i].area.total_area, one.area.total_area) << one.name;
    ASSERT_TRUE(parallel[i].timing && one.timing);
    EXPECT_EQ(parallel[i].timing->fmax_mhz, one.timing->fmax_mhz) << one.name;
    EXPECT_EQ(parallel[i].timing->power.total, one.timing->power.total) << one.name;
    EXPECT_TRUE(parallel[i].component_power.empty()) << one.name;
    EXPECT_FALSE(one.component_power.empty()) << one.name;
  }
  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines) {
    bool named = false;
    for (const auto& d : designs) named |= line.rfind("[" + d.rtl_dir.parent_path().filename().string() + "] ", 0) == 0;
    EXPECT_TRUE(named) << line;
  }
}

// A hand-written macro in the generator's naming: row storage in latches
// (one write enable per row, behavioural `always @*`), a product register.
// `stray` adds a 1-bit latch to the multiplier module.
std::string LatchDesign(bool stray) {
  std::string v =
      "module flexcim_storage_t(input we0, input we1, input [3:0] d, output reg [3:0] w0, output reg [3:0] w1);\n"
      "  always @* if (we0) w0 = d;\n"
      "  always @* if (we1) w1 = d;\n"
      "endmodule\n"
      "module flexcim_mul_t(input [3:0] a, input [3:0] w, input en, output [7:0] p);\n";
  v += stray ? "  reg hold;\n  always @* if (en) hold = a[0];\n  assign p = a * w + hold;\n"
             : "  assign p = a * w;\n";
  v += "endmodule\n"
       "module flexcim_top(input clk, input wr_en, input wr_row, input [3:0] wr_w, input [3:0] in_act,\n"
       "                   output reg [8:0] out);\n"
       "  wire [3:0] w0, w1; wire [7:0] p0, p1;\n"
       "  flexcim_storage_t u_storage (.we0(wr_en & ~wr_row & ~clk), .we1(wr_en & wr_row & ~clk), .d(wr_w),\n"
       "                               .w0(w0), .w1(w1));\n"
       "  flexcim_mul_t u_mul0 (.a(in_act), .w(w0), .en(wr_en), .p(p0));\n"
       "  flexcim_mul_t u_mul1 (.a(in_act), .w(w1), .en(wr_en), .p(p1));\n"
       "  always @(posedge clk) out <= p0 + p1;\n"
       "endmodule\n";
  return v;
}

// The keys every design manifest carries (core/design_manifest.h); the
// hand-written designs below describe themselves as the smallest FlexCiM.
constexpr const char* kHandWrittenManifestKeys =
    R"("arch": "flexcim", "params": {"P": 1, "R": 2, "C": 1, "G": 1, "A": 2, "W": 2}, "latency": 2, )";

void WriteLatchDesign(const fs::path& rtl, bool stray, const std::string& manifest_extra) {
  fs::create_directories(rtl);
  std::ofstream(rtl / "flexcim_top.v") << LatchDesign(stray);
  std::ofstream(rtl / "manifest.json")
      << fmt::format(R"({{{}"top": "flexcim_top", "files": ["flexcim_top.v"]{},
          "ports": [{{"name": "clk", "direction": "input", "width": 1}},
                    {{"name": "wr_en", "direction": "input", "width": 1}},
                    {{"name": "wr_row", "direction": "input", "width": 1}},
                    {{"name": "wr_w", "direction": "input", "width": 4}},
                    {{"name": "in_act", "direction": "input", "width": 4}},
                    {{"name": "out", "direction": "output", "width": 9}}]}})",
                     kHandWrittenManifestKeys, manifest_extra);
}

// Latch storage the manifest declares is mapped onto dlxtp_1 (Yosys 0.23's
// dfflibmap would leave $_DLATCH_P_ unmapped), counted as storage flip-flop
// area and timed by OpenSTA.
TEST_F(FlowTest, MeantLatchesAreMappedToDlxtpAndTimed) {
  SynthFlowOptions o = Options("latch_storage");
  WriteLatchDesign(o.rtl_dir, false, R"(, "storage": "latch")");
  const PpaResult r = RunSynthFlow(o);
  std::ifstream in(o.work_dir / "mapped.v");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string netlist = ss.str();
  int dlxtp = 0;
  for (size_t at = netlist.find("sky130_fd_sc_hd__dlxtp_1 "); at != std::string::npos;
       at = netlist.find("sky130_fd_sc_hd__dlxtp_1 ", at + 1)) {
    ++dlxtp;
  }
  EXPECT_EQ(dlxtp, 8);
  EXPECT_EQ(netlist.find("  \\$_DLATCH"), std::string::npos);  // no unmapped latch cell
  // 8 latches x 15.0144 µm² (dlxtp_1) is all of the storage module's area.
  EXPECT_NEAR(r.area.components.at(kWeightStorage) + r.area.components.at(kElementBits), 8 * 15.0144, 1e-3);
  ASSERT_TRUE(r.timing.has_value());
  EXPECT_GT(r.timing->fmax_mhz, 10.0);
  EXPECT_GT(r.timing->power.total, 0.0);
}

// `flexcim gen --storage latch` through the flow: every storage bit is a
// sky130 dlxtp_1 latch (no $dlatch left), the latch check passes with the
// manifest's latch_modules, and OpenSTA times the latches.
TEST_F(FlowTest, GeneratedLatchStorageMapsToDlxtpAndIsTimed) {
  const MacroConfig k = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 4, .w_bits = 4}).WithStorage(StorageKind::kLatch);
  SynthFlowOptions o = Options(k.Name());
  gen::WriteDesign(gen::GenerateFlexcim(k), o.rtl_dir);
  const PpaResult r = RunSynthFlow(o);
  EXPECT_TRUE(r.check_passed);
  EXPECT_EQ(r.storage, "latch");
  std::ifstream in(o.work_dir / "mapped.v");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string netlist = ss.str();
  auto count = [&](const std::string& cell) {
    int n = 0;
    for (size_t at = netlist.find(cell); at != std::string::npos; at = netlist.find(cell, at + 1)) ++n;
    return n;
  };
  // One cell storage of P x R rows of C cells of W + 1 bits (2 x 2 x 2 x 5)
  // and one select storage of P x R rows of C/G one-bit selects (2 x 2 x 2),
  // each instantiated once: 40 + 8 latches.
  EXPECT_EQ(count("sky130_fd_sc_hd__dlxtp_1 "), 48);
  // No unmapped latch cell (instance names keep "$_DLATCH_P__Q" from autoname).
  EXPECT_EQ(count("  \\$_DLATCH"), 0);
  EXPECT_EQ(count("  \\$dlatch"), 0);
  ASSERT_TRUE(r.timing.has_value());
  // The write path (a row latch opens at the falling edge, the product
  // registers capture at the next rising one) has half a period: the
  // refined minimum period, not 100 ns minus the worst slack at 100 ns
  // (> 50 ns here). The compute path (in_act pins to the product
  // registers) has the full period and is faster.
  EXPECT_GT(r.timing->fmax_mhz, 50.0);
  EXPECT_LT(r.timing->fmax_mhz, 5000.0);
  EXPECT_GT(r.timing->compute_fmax_mhz, r.timing->fmax_mhz);
  EXPECT_NE(r.timing->startpoint.find("_DLATCH_P_"), std::string::npos) << r.timing->startpoint;
  EXPECT_EQ(r.timing->compute_startpoint.rfind("in_act", 0), 0u) << r.timing->compute_startpoint;
  EXPECT_GT(r.timing->power.total, 0.0);
  EXPECT_GT(r.area.components.at(kWeightStorage), 0.0);
  EXPECT_GT(r.area.components.at(kSelectStorage), 0.0);
}

// Measured net activity (as read from a Verilator VCD): the latches' and the
// output register's rates reach OpenSTA through cut D inputs, so stationary
// weights (rate 0) cost less than the port-only estimate in which the
// latches toggle with the write data.
TEST_F(FlowTest, MeasuredRegisterActivityReplacesVectorlessStorageActivity) {
  SynthFlowOptions o = Options("measured");
  WriteLatchDesign(o.rtl_dir, false, R"(, "storage": "latch")");
  o.port_activity.clear();
  for (int b = 0; b < 4; ++b) {
    // every alias a VCD names (Yosys keeps one of them for the latch output)
    for (const char* w : {"w0", "w1", "u_storage.w0", "u_storage.w1", "u_mul0.w", "u_mul1.w"}) o.net_activity[fmt::format("{}[{}]", w, b)] = 0.0;
    o.net_activity[fmt::format("wr_w[{}]", b)] = 0.5;
    o.net_activity[fmt::format("in_act[{}]", b)] = 0.25;
  }
  for (int b = 0; b < 9; ++b) o.net_activity[fmt::format("out[{}]", b)] = 0.3;
  o.net_activity["wr_en"] = 0.5;
  o.net_activity["wr_row"] = 0.5;
  const PpaResult r = RunSynthFlow(o);
  EXPECT_EQ(r.sequential_cells, 17);  // 8 latches + the 9-bit output register
  EXPECT_EQ(r.annotated_registers, 17);
  EXPECT_DOUBLE_EQ(r.port_activity.at("wr_w"), 0.5);
  EXPECT_DOUBLE_EQ(r.port_activity.at("in_act"), 0.25);
  ASSERT_TRUE(r.port_only_power.has_value());
  EXPECT_LT(r.timing->power.total, r.port_only_power->total);
  EXPECT_GT(r.timing->power.total, 0.0);
  EXPECT_TRUE(fs::exists(o.work_dir / "flat_netlist_activity.v"));
  double power_sum = 0;
  for (const auto& [c, mw] : r.component_power) power_sum += mw;
  EXPECT_NEAR(power_sum, r.timing->power.total, 1e-3 * r.timing->power.total);
}

// Simulated activity on the hierarchical netlist (register D inputs cut to a
// port bus threaded through the hierarchy) against the flat annotated run of
// the same rates: the same power within 5%. With the weights' simulated
// rates, the latches dissipate nothing beyond the idle run's while vectors
// stream, and only registers and cells on the clock dissipate in an idle
// cycle.
TEST_F(FlowTest, SimulatedActivityOnHierarchyMatchesFlatRunAndKeepsWeightsStill) {
  SynthFlowOptions o = Options("simulated");
  WriteLatchDesign(o.rtl_dir, false, R"(, "storage": "latch")");
  o.port_activity.clear();
  verif::OperationActivity act;
  constexpr int kC = static_cast<int>(verif::CycleClass::kCompute);
  constexpr int kW = static_cast<int>(verif::CycleClass::kWrite);
  auto set = [&](const std::string& name, double compute, double write, double compute_duty = 0.5) {
    o.net_activity[name] = compute;
    act.index[name] = static_cast<uint32_t>(act.bits.size());
    verif::BitActivity b;
    b.rate[kC] = compute;
    b.rate[kW] = write;
    b.duty = {compute_duty, 0.5, compute_duty};
    act.bits.push_back(b);
  };
  for (int b = 0; b < 4; ++b) {
    for (const char* w : {"w0", "w1", "u_storage.w0", "u_storage.w1", "u_mul0.w", "u_mul1.w"}) {
      set(fmt::format("{}[{}]", w, b), 0.0, 0.5);
    }
    set(fmt::format("wr_w[{}]", b), 0.5, 0.5);
    set(fmt::format("in_act[{}]", b), 0.25, 0.0);
  }
  for (int b = 0; b < 9; ++b) set(fmt::format("out[{}]", b), 0.3, 0.0);
  // wr_en low while vectors stream (its rate in the flat run is a port rate only).
  set("wr_en", 0.5, 0.5, 0.0);
  set("wr_row", 0.5, 0.5);
  act.cycles = {10, 10, 0};
  act.vectors = 10;
  act.writes = 10;
  const PpaResult flat = RunSynthFlow(o);  // the flat annotated run ("measured")
  ASSERT_EQ(flat.annotated_registers, 17);

  SimulatedEnergyOptions so;
  so.liberty = o.work_dir / "sky130_fd_sc_hd__tt_025C_1v80.dont_use.lib";
  so.netlist = o.work_dir / "sta_netlist.v";
  so.top = "flexcim_top";
  so.ports = PortsFromManifest(o.rtl_dir / "manifest.json");
  so.period_ns = flat.timing->min_period_ns;
  for (const auto& [name, cell] : ReadLibertyCells(so.liberty))
    if (cell.sequential) so.sequential_cells.insert(name);
  so.work_dir = root_ / "simulated" / "energy";
  so.per_instance = true;
  const LibertyCells cells = ReadLibertyCells(so.liberty);
  so.cells = &cells;
  so.breakdown.w_bits = 2;
  const SimulatedEnergy e = MeasureSimulatedEnergy(so, act);
  EXPECT_EQ(e.registers, 17);
  const double compute_mw = e.energy.compute.total.total;
  EXPECT_NEAR(compute_mw, flat.timing->power.total, 0.05 * flat.timing->power.total);
  std::cout << fmt::format("hierarchical {:.6f} mW, flat annotated {:.6f} mW\n", compute_mw, flat.timing->power.total);
  // Energies from the runs: (compute - idle) x T x 10/10 + idle x T, and the same for the write.
  const double T = so.period_ns;
  EXPECT_NEAR(e.energy.idle_cycle_pj, e.energy.idle.total.total * T, 1e-12);
  EXPECT_NEAR(e.energy.vector_pj, compute_mw * T, 1e-9);
  EXPECT_NEAR(e.energy.row_write_pj, e.energy.write.total.total * T, 1e-9);
  // The components add up to each energy.
  double vector_sum = 0, write_sum = 0, idle_sum = 0;
  for (const auto& [c, pj] : e.vector_pj_by_component) vector_sum += pj;
  for (const auto& [c, pj] : e.row_write_pj_by_component) write_sum += pj;
  for (const auto& [c, pj] : e.idle_pj_by_component) idle_sum += pj;
  EXPECT_NEAR(vector_sum, e.energy.vector_pj, 1e-3 * e.energy.vector_pj);
  EXPECT_NEAR(write_sum, e.energy.row_write_pj, 1e-3 * e.energy.row_write_pj);
  EXPECT_NEAR(idle_sum, e.energy.idle_cycle_pj, 1e-3 * e.energy.idle_cycle_pj);
  EXPECT_GT(e.vector_pj_by_component.at(kMultipliers), 0.0);

  // Stationary weights: every latch (u_storage) dissipates in the compute
  // run what it does in the idle run, and more while rows are written.
  const auto& [compute, write, idle] = e.instance_power_mw;
  int latches = 0;
  for (const auto& [cell, mw] : idle) {
    if (cell.rfind("u_storage/", 0) != 0) continue;
    ++latches;
    EXPECT_NEAR(compute.at(cell), mw, 1e-12) << cell;
    EXPECT_GT(write.at(cell), mw + 1e-6) << cell;
  }
  EXPECT_EQ(latches, 8);
  // Idle: leakage (below 1e-6 mW a cell) everywhere but the clock: the 9
  // output flip-flops' and the 8 latches' clock pins (OpenSTA propagates clk
  // through the row gates to the latch gates as a clock, whatever wr_en is)
  // and the two gates of the row-gate logic that clk drives.
  int sequential = 0;
  std::vector<std::string> other;
  for (const auto& [cell, mw] : idle) {
    if (mw < 1e-6) continue;
    if (cell.find("$_DFF_P__Q") != std::string::npos || cell.find("$_DLATCH_P__Q") != std::string::npos) {
      ++sequential;
    } else {
      other.push_back(cell);
    }
  }
  EXPECT_EQ(sequential, 17);
  EXPECT_EQ(other.size(), 2u) << fmt::format("{}", fmt::join(other, " "));
  EXPECT_LT(e.energy.idle_cycle_pj, e.energy.vector_pj);
}

// The flow on `o` fails with exactly "latch <cell> in module <module> where
// none is meant (latches are allowed only in: <allowed>) (Yosys log ...)"
// and leaves no area report.
void ExpectLatchRefused(const SynthFlowOptions& o, const std::string& cell_and_module, const std::string& allowed) {
  try {
    RunSynthFlow(o);
    ADD_FAILURE() << "a latch where none is meant must fail the flow";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), fmt::format("latch {} where none is meant (latches are allowed only in: {}) "
                                                 "(Yosys log {})",
                                                 cell_and_module, allowed, (o.work_dir / "yosys.log").string()));
  }
  EXPECT_FALSE(fs::exists(o.work_dir / "stat.txt"));
}

TEST_F(FlowTest, StrayLatchFailsNamingCellAndModule) {
  SynthFlowOptions o = Options("stray_latch");
  o.run_sta = false;
  WriteLatchDesign(o.rtl_dir, true, R"(, "storage": "latch")");
  ExpectLatchRefused(o, "hold_$_DLATCH_P__Q in module flexcim_mul_t", "*storage*");
}

// Flip-flop storage (no "storage": "latch" in the manifest): no latch anywhere.
TEST_F(FlowTest, LatchInFlipFlopDesignFailsNamingCellAndModule) {
  SynthFlowOptions o = Options("ff_latch");
  o.run_sta = false;
  fs::create_directories(o.rtl_dir);
  std::ofstream(o.rtl_dir / "flexcim_top.v")
      << "module flexcim_top(input clk, input en, input d, output reg q);\n"
         "  always @* if (en) q = d;\nendmodule\n";
  std::ofstream(o.rtl_dir / "manifest.json")
      << "{" << kHandWrittenManifestKeys << R"("top": "flexcim_top", "files": ["flexcim_top.v"]})";
  ExpectLatchRefused(o, "q_$_DLATCH_P__Q in module flexcim_top", "nowhere (flip-flop storage)");
}

}  // namespace
}  // namespace flexcim::synth
