// flexcim sweep: a grid of configurations, each generated, synthesised and
// timed in its own work directory, in parallel; one CSV, JSON and SVG.

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "synth/design_source.h"
#include "synth/sweep.h"
#include "synth/sweep_output.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

struct SweepCmdOptions {
  std::string subs = "1,2,4,8", sel_groups = "1,2,4,8,16", rows = "16", cols = "16", archs = "flexcim";
  int a_bits = MacroConfig::kDefaultBits, w_bits = MacroConfig::kDefaultBits;
  int jobs = 1;
  std::string work_dir, out_dir = "sweep_out", data_dir;
  bool no_sta = false;
  double input_activity = 0.5;
};

po::options_description SweepFlags(SweepCmdOptions& o) {
  po::options_description flags("Grid (comma-separated lists)");
  flags.add_options()
      ("subs", po::value(&o.subs)->default_value(o.subs), "P values")
      ("sel-groups", po::value(&o.sel_groups)->default_value(o.sel_groups), "G values (G > C skipped)")
      ("rows", po::value(&o.rows)->default_value(o.rows), "R values")
      ("cols", po::value(&o.cols)->default_value(o.cols), "C values")
      ("a-bits", po::value(&o.a_bits)->default_value(o.a_bits), "A")
      ("w-bits", po::value(&o.w_bits)->default_value(o.w_bits), "W")
      ("arch", po::value(&o.archs)->default_value(o.archs), "architectures, e.g. flexcim,dense,sparse12");
  po::options_description run("Run");
  run.add_options()
      ("jobs,j", po::value(&o.jobs)->default_value(o.jobs), "points synthesised in parallel")
      ("work", po::value(&o.work_dir), "work directory, one subdirectory per point (default <out>/work)")
      ("out", po::value(&o.out_dir)->default_value(o.out_dir), "directory for sweep.csv, sweep.json, sweep.svg")
      ("no-sta", po::bool_switch(&o.no_sta), "skip OpenSTA (area only)")
      ("input-activity", po::value(&o.input_activity)->default_value(o.input_activity),
       "toggle rate per clock of every data input, for power");
  flags.add(run);
  AddDataDirOption(flags, o.data_dir);
  return flags;
}

std::vector<int> IntList(const std::string& flag, const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    try {
      size_t used = 0;
      out.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UsageError(fmt::format("--{} {}: '{}' is not an integer", flag, s, item));
    }
  }
  if (out.empty()) throw UsageError(fmt::format("--{}: give at least one value", flag));
  return out;
}

int RunSweepCmd(const std::vector<std::string>& args) {
  SweepCmdOptions o;
  const auto vm = ParseFlags(args, SweepFlags(o), "sweep", "[--subs 1,2,4,8] [--sel-groups 1,2,...] [--jobs N]");
  if (!vm) return 0;
  if (o.jobs < 1) throw UsageError(fmt::format("--jobs {}: must be >= 1", o.jobs));
  synth::SweepGrid grid;
  grid.subs = IntList("subs", o.subs);
  grid.sel_groups = IntList("sel-groups", o.sel_groups);
  grid.rows = IntList("rows", o.rows);
  grid.cols = IntList("cols", o.cols);
  grid.a_bits = o.a_bits;
  grid.w_bits = o.w_bits;
  grid.archs.clear();
  std::stringstream ss(o.archs);
  for (std::string a; std::getline(ss, a, ',');)
    if (!a.empty()) {
      synth::CheckArch(a);
      grid.archs.push_back(a);
    }
  std::vector<std::string> notes;
  const auto points = synth::ExpandGrid(grid, &notes);
  for (const auto& n : notes) std::cerr << "flexcim sweep: note: " << n << "\n";
  if (points.empty()) throw UsageError("the grid has no valid point");

  synth::SweepOptions so;
  so.work_dir = o.work_dir.empty() ? fs::path(o.out_dir) / "work" : fs::path(o.work_dir);
  so.jobs = o.jobs;
  so.generate = [](const synth::SweepPoint& p, const fs::path& dir) { synth::WriteArchDesign(p.arch, p.config, dir); };
  so.flow.data_dir = o.data_dir;
  so.flow.run_sta = !o.no_sta;
  so.flow.default_input_activity = o.input_activity;
  so.progress = [](const std::string& s) { std::cerr << "flexcim " << s << "\n"; };
  std::cerr << fmt::format("flexcim sweep: {} points, {} at a time\n", points.size(), so.jobs);
  const auto start = std::chrono::steady_clock::now();
  const auto rows = synth::RunSweep(points, so);
  synth::WriteSweepOutputs(rows, notes, o.out_dir);
  int failed = 0;
  for (const auto& r : rows) failed += r.result ? 0 : 1;
  std::cout << fmt::format("sweep: {} points ({} failed) in {:.1f} s; wrote {}/sweep.csv, sweep.json, sweep.svg\n",
                           rows.size(), failed,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                           o.out_dir);
  return failed == 0 ? 0 : 1;
}

const CommandRegistrar kRegistrar(Command{
    .name = "sweep",
    .summary = "synthesise and time a grid of configurations in parallel (CSV, JSON, SVG)",
    .run = RunSweepCmd,
});

}  // namespace
}  // namespace flexcim::cli

