#include "synth/synth_flow.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/atomic_file.h"
#include "core/design_manifest.h"
#include "core/json_input.h"
#include "core/parallel_for.h"
#include "synth/activity_annotation.h"
#include "synth/component_map.h"
#include "synth/latch_policy.h"
#include "synth/power_breakdown.h"
#include "synth/liberty_setup.h"
#include "synth/sta_power.h"
#include "synth/sta_script.h"
#include "synth/tool_check.h"
#include "synth/tool_run.h"
#include "synth/yosys_script.h"
#include "synth/yosys_stat.h"
#include "core/subprocess.h"

namespace flexcim::synth {

namespace fs = std::filesystem;

namespace {

// Weight bits and element bits per cell, for splitting cell storage.
AreaBreakdownOptions BreakdownOptions(const PpaResult& r) {
  AreaBreakdownOptions ao;
  ao.w_bits = r.params.value("W", 8);
  ao.element_bits_per_cell = r.arch == "dense" ? 0 : 1;
  return ao;
}

// Mean toggle rate of each input port's bits ("name" or "name[i]"), the
// clock excepted.
std::map<std::string, double> MeanPortRates(const std::vector<PortSpec>& ports, const std::string& clock,
                                            const std::map<std::string, double>& net_rates) {
  std::map<std::string, double> out;
  for (const auto& p : ports) {
    if (!p.is_input || p.name == clock) continue;
    double sum = 0;
    int found = 0;
    for (int b = 0; b < p.width; ++b) {
      const auto it = net_rates.find(p.width == 1 ? p.name : fmt::format("{}[{}]", p.name, b));
      if (it != net_rates.end()) {
        sum += it->second;
        ++found;
      }
    }
    if (found == p.width) out[p.name] = sum / found;
  }
  return out;
}

// With measured net activity: power again on the flattened netlist with
// every measured register cut to a port at its rate (synth/activity_annotation.h),
// per leaf instance; r.timing->power and r.component_power become that.
void MeasuredActivityPower(const SynthFlowOptions& o, const StaScriptOptions& so, const LibertyCells& cells,
                           const NetlistHierarchy& hierarchy, const fs::path& flat_netlist, PpaResult& r) {
  std::set<std::string> sequential;
  for (const auto& [name, cell] : cells)
    if (cell.sequential) sequential.insert(name);
  const std::string flat = ReadText(flat_netlist);
  const ActivityCut cut = CutRegisterInputs(flat, so.top, o.net_activity, sequential);
  StaPowerRequest req;
  req.liberty = so.liberty;
  req.netlist = o.work_dir / "flat_netlist_activity.v";
  WriteFileAtomically(req.netlist, cut.netlist);
  req.top = so.top;
  req.ports = so.ports;
  req.period_ns = r.timing->min_period_ns;
  req.activity.default_input_activity = so.default_input_activity;
  req.activity.port_activity = so.port_activity;
  for (const auto& [port, rate] : cut.ports) {
    req.ports.push_back({port, 1, true});
    req.activity.port_activity[port] = rate;
  }
  req.work_dir = o.work_dir;
  req.tag = "measured";
  req.per_instance = true;
  const StaPowerResult p = RunStaPower(req);
  r.annotated_registers = cut.annotated_cells;
  r.sequential_cells = cut.sequential_cells;
  r.component_power = PowerByComponent(hierarchy, so.top, ParseLeafCells(flat), p.instance_power_mw, cells,
                                       BreakdownOptions(r));
  r.port_only_power = r.timing->power;
  r.timing->power = p.power.total;
  r.timing->sequential_power = p.power.sequential;
  r.timing->combinational_power = p.power.combinational;
}

}  // namespace

PpaResult RunSynthFlow(const SynthFlowOptions& o) {
  auto progress = [&](const std::string& s) {
    if (o.progress) o.progress(s);
  };
  RequireTool("yosys", "yosys");
  if (o.run_sta) RequireTool("sta", "opensta");
  (void)ReadDesignManifest(o.rtl_dir);  // validates every field the flow reads below
  const nlohmann::json manifest = ReadJsonFile(o.rtl_dir / "manifest.json");
  fs::create_directories(o.work_dir);
  const fs::path liberty = o.liberty.empty() ? PrepareLiberty(o.data_dir, o.work_dir) : o.liberty;

  PpaResult r;
  r.arch = manifest.value("arch", o.arch);
  r.params = manifest.value("params", nlohmann::json::object());
  r.latency = manifest.value("latency", 0);
  r.mac = manifest.value("mac", r.params.value("mac", r.mac));
  r.storage = manifest.value("storage", r.params.value("storage", r.storage));
  r.initiation_interval = std::max(1, manifest.value("initiation_interval", 1));
  r.work_dir = o.work_dir.string();
  r.input_activity = o.default_input_activity;
  if (r.params.is_object() && !r.params.empty()) {
    auto p = [&](const char* k) { return r.params.value(k, 0); };
    r.name = fmt::format("p{}_r{}_c{}_g{}_a{}_w{}", p("P"), p("R"), p("C"), p("G"), p("A"), p("W"));
  }
  const std::string top = manifest.value("top", std::string("flexcim_top"));

  YosysScriptOptions ys;
  ys.liberty = liberty;
  for (const auto& f : manifest.at("files")) ys.verilog_files.push_back(fs::absolute(o.rtl_dir / f.get<std::string>()));
  ys.top = top;
  ys.latch_policy = LatchPolicyFromManifest(manifest);
  ys.latch_techmap = o.work_dir / "latch_map.v";
  WriteFileAtomically(ys.latch_techmap, LatchTechmapVerilog());
  ys.stat_out = o.work_dir / "stat.txt";
  ys.netlist_out = o.work_dir / "mapped.v";
  if (o.run_sta) ys.sta_netlist_out = o.work_dir / "sta_netlist.v";
  if (o.run_sta && !o.net_activity.empty()) ys.flat_netlist_out = o.work_dir / "flat_netlist.v";
  const fs::path ys_path = o.work_dir / "synth.ys";
  WriteFileAtomically(ys_path, YosysScript(ys));
  fs::remove(ys.stat_out);
  progress(fmt::format("yosys: synthesising {} ({} files) -> {}", top, ys.verilog_files.size(),
                       o.work_dir.string()));
  auto t0 = std::chrono::steady_clock::now();
  try {
    RunTool({"yosys", "-q", "-s", ys_path.string()}, o.work_dir / "yosys.log", ys_path,
            "yosys");
  } catch (const Error&) {
    const std::string latches = LatchCheckFailure(ReadText(o.work_dir / "yosys.log"), ys.latch_policy);
    if (latches.empty()) throw;
    throw Error(fmt::format("{} (Yosys log {})", latches, (o.work_dir / "yosys.log").string()));
  }
  r.yosys_seconds = Seconds(t0);
  r.check_passed = true;  // the script asserts (check -assert, latch check)

  LibertyCells own_cells;
  const LibertyCells* cells = o.liberty_cells;
  if (cells == nullptr) {
    own_cells = ReadLibertyCells(liberty);
    cells = &own_cells;
  }
  r.area = ComputeAreaBreakdown(ParseYosysStat(ReadText(ys.stat_out)), *cells, BreakdownOptions(r));
  r.cells = static_cast<long long>(r.params.value("P", 0)) * r.params.value("R", 0) * r.params.value("C", 0);
  r.macs_per_cycle = static_cast<double>(r.cells) / r.initiation_interval;
  progress(fmt::format("yosys: {:.1f} s, {:.0f} µm²", r.yosys_seconds, r.area.total_area));

  if (o.run_sta) {
    StaScriptOptions so;
    so.liberty = liberty;
    so.netlist = ys.sta_netlist_out;
    so.top = top;
    so.relaxed_period_ns = o.relaxed_period_ns;
    so.default_input_activity = o.default_input_activity;
    so.ports = ManifestPorts(manifest);
    so.write_ports = WritePorts(so.ports);
    so.half_period_paths = !ys.latch_policy.allowed_modules.empty();
    so.per_instance_power = o.power_breakdown;
    for (const auto& [port, a] : MeanPortRates(so.ports, so.clock_port, o.net_activity)) {
      so.port_activity[port] = a;
      r.port_activity[port] = a;
    }
    for (const auto& [port, a] : o.port_activity) {
      // (a named copy: clang 14 cannot capture a structured binding)
      const bool known = std::any_of(so.ports.begin(), so.ports.end(),
                                     [&name = port](const PortSpec& s) { return s.name == name; });
      if (known) so.port_activity[port] = a;
      if (known) r.port_activity[port] = a;
    }
    const fs::path tcl = o.work_dir / "sta.tcl";
    WriteFileAtomically(tcl, StaScript(so));
    progress("sta: critical path and power");
    t0 = std::chrono::steady_clock::now();
    const fs::path log = o.work_dir / "sta.log";
    RunTool({"sta", "-no_init", "-exit", tcl.string()}, log, tcl, "OpenSTA (sta)");
    try {
      r.timing = ParseStaOutput(ReadText(log));
    } catch (const Error& e) {
      throw Error(fmt::format("{} (script {}, log {})", e.what(), tcl.string(), log.string()));
    }
    const NetlistHierarchy hierarchy = ParseNetlistHierarchy(ReadText(ys.sta_netlist_out));
    if (o.power_breakdown) {
      const std::string sta_text = ReadText(log);
      r.component_power = PowerByComponent(hierarchy, top, {},
                                           ParseInstancePower(sta_text.substr(sta_text.find("FLEXCIM_INSTANCES"))),
                                           *cells, BreakdownOptions(r));
    }
    if (!o.net_activity.empty()) {
      progress("sta: power with measured register activity");
      MeasuredActivityPower(o, so, *cells, hierarchy, ys.flat_netlist_out, r);
    }
    r.sta_seconds = Seconds(t0);
    progress(fmt::format("sta: {:.1f} s, fmax {:.1f} MHz, {:.3f} mW", r.sta_seconds, r.timing->fmax_mhz,
                         r.timing->power.total));
  }
  return r;
}

std::vector<PpaResult> RunSynthFlows(const std::vector<SynthFlowOptions>& designs, int jobs) {
  std::vector<PpaResult> results(designs.size());
  std::mutex mu;
  ParallelFor(static_cast<int>(designs.size()), jobs, [&](int i) {
    SynthFlowOptions o = designs[i];
    if (o.progress && jobs > 1 && designs.size() > 1) {
      // Lines of designs running at once interleave: each names its design.
      const std::string tag = o.rtl_dir.parent_path().filename().string();
      auto inner = o.progress;
      o.progress = [&mu, inner, tag](const std::string& line) {
        std::lock_guard lock(mu);
        inner(fmt::format("[{}] {}", tag, line));
      };
    }
    results[i] = RunSynthFlow(o);
  });
  return results;
}

}  // namespace flexcim::synth
