// flexcim sweep: a grid of configurations, each generated, synthesised and
// timed in its own work directory, in parallel on local cores or as one
// Slurm job array (--executor slurm); one CSV, JSON and SVG either way.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <filesystem>
#include <iostream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "core/output_directory.h"
#include "synth/design_source.h"
#include "synth/liberty_setup.h"
#include "synth/activity_file.h"
#include "synth/slurm_executor.h"
#include "synth/sweep.h"
#include "synth/sweep_manifest.h"
#include "synth/sweep_output.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

struct SweepCmdOptions {
  std::string subs = "1,2,4,8", sel_groups = "1,2,4,8,16", rows = "16", cols = "16", archs = "flexcim";
  std::string macs = "bit-parallel", storages = "ff";
  int a_bits = MacroConfig::kDefaultBits, w_bits = MacroConfig::kDefaultBits;
  int jobs = 1;
  std::string work_dir, out_dir = "sweep_out", data_dir;
  bool no_sta = false;
  double input_activity = 0.5;
  std::string executor = "local";
  bool resume = false, detach = false;
  std::string collect;
  int points_per_task = 1, poll_seconds = 5;
  synth::SlurmOptions slurm;
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
      ("arch", po::value(&o.archs)->default_value(o.archs), "architectures, e.g. flexcim,dense,sparse12")
      ("mac", po::value(&o.macs)->default_value(o.macs),
       "cell styles (FLEXCIM.md 5c): bit-parallel, bit-serial; every point once per style")
      ("storage", po::value(&o.storages)->default_value(o.storages),
       "storage kinds (FLEXCIM.md 5c): ff, latch; every point once per kind");
  po::options_description run("Run");
  run.add_options()
      ("jobs,j", po::value(&o.jobs)->default_value(o.jobs), "points synthesised in parallel")
      ("work", po::value(&o.work_dir), "work directory, one subdirectory per point (default <out>/work)")
      ("out", po::value(&o.out_dir)->default_value(o.out_dir), "directory for sweep.csv, sweep.json, sweep.svg")
      ("no-sta", po::bool_switch(&o.no_sta), "skip OpenSTA (area only)")
      ("input-activity", po::value(&o.input_activity)->default_value(o.input_activity),
       "toggle rate per clock of every data input, for power");
  AddDataDirOption(run, o.data_dir);
  run.add_options()
      ("executor", po::value(&o.executor)->default_value(o.executor),
       "local: --jobs points at a time on this machine; slurm: one Slurm job array, each task running "
       "`flexcim sweep-point` on --points-per-task points in the run directory (--work), which must be on "
       "a filesystem every node shares, as must this flexcim binary")
      ("resume", po::bool_switch(&o.resume),
       "rerun only the points of an earlier run in the same --work that have no result (same grid)")
      ("collect", po::value(&o.collect),
       "merge the run directory DIR (a --detach'ed or interrupted sweep) into the outputs, waiting for its "
       "Slurm tasks first; --out overrides the output directory it recorded");
  po::options_description slurm("Slurm executor (--executor slurm)");
  slurm.add_options()
      ("partition", po::value(&o.slurm.partition), "sbatch --partition")
      ("time", po::value(&o.slurm.time), "sbatch --time, per array task (e.g. 1:00:00)")
      ("mem", po::value(&o.slurm.mem), "sbatch --mem, per array task (e.g. 4G)")
      ("cpus-per-task", po::value(&o.slurm.cpus_per_task)->default_value(o.slurm.cpus_per_task),
       "sbatch --cpus-per-task")
      ("sbatch-arg", po::value(&o.slurm.sbatch_args)->composing(),
       "one more sbatch argument, as it is (repeatable), e.g. --sbatch-arg=--account=hw")
      ("points-per-task", po::value(&o.points_per_task)->default_value(o.points_per_task),
       "points each array task runs one after the other")
      ("detach", po::bool_switch(&o.detach),
       "submit and return: print the job id; merge later with --collect")
      ("poll-seconds", po::value(&o.poll_seconds)->default_value(o.poll_seconds),
       "seconds between progress checks (squeue) while waiting");
  flags.add(run);
  flags.add(slurm);
  return flags;
}

void PrintSummary(const std::vector<synth::SweepRow>& rows, const std::string& out_dir,
                  std::chrono::steady_clock::time_point start) {
  int failed = 0;
  for (const auto& r : rows) {
    if (r.result) continue;
    ++failed;
    std::cerr << fmt::format("flexcim sweep: FAILED {}: {}\n", r.point.Id(), r.error);
  }
  std::cout << fmt::format("sweep: {} points ({} failed) in {:.1f} s; wrote {}/sweep.csv, sweep.json, sweep.svg\n",
                           rows.size(), failed,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                           out_dir);
}

int Failed(const std::vector<synth::SweepRow>& rows) {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return !r.result; }));
}

void Say(const std::string& line) { std::cerr << "flexcim sweep: " << line << "\n"; }

// --collect DIR: wait for the recorded Slurm tasks (if any), then merge.
int Collect(const SweepCmdOptions& o, const po::variables_map& vm) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path run = o.collect;
  const synth::SweepManifest m = synth::ReadSweepManifest(run / synth::kSweepManifestFile);
  const std::string out = vm["out"].defaulted() ? m.out_dir.string() : o.out_dir;
  ClaimOutputDirectory({"--out", out}, "sweep");
  std::map<int, synth::TaskStatus> status;
  if (synth::HasSweepSubmissions(run)) {
    synth::RequireSlurmClient();
    status = synth::WaitForSweepTasks(m, run, o.poll_seconds, Say);
  }
  const auto rows = synth::CollectSweepRows(m, run, status);
  synth::WriteSweepOutputs(rows, m.notes, out);
  PrintSummary(rows, out, start);
  return Failed(rows) == 0 ? 0 : 1;
}

// The ids of `points`, to compare a --resume'd grid with the recorded one.
std::vector<std::string> Ids(const std::vector<synth::SweepPoint>& points) {
  std::vector<std::string> ids;
  for (const auto& p : points) ids.push_back(p.Id());
  return ids;
}

std::vector<int> IntList(const std::string& flag, const std::string& s) {
  std::vector<int> out;
  for (const std::string& item : CommaList(flag, s)) {
    try {
      size_t used = 0;
      out.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UsageError(fmt::format("--{} {}: '{}' is not an integer", flag, s, item));
    }
  }
  return out;
}

int RunSweepCmd(const std::vector<std::string>& args) {
  SweepCmdOptions o;
  const auto vm = ParseFlags(args, SweepFlags(o), "sweep",
                             "[--subs 1,2,4,8] [--sel-groups 1,2,...] [--mac bit-parallel,bit-serial] [--storage ff,latch] [--jobs N] [--executor local|slurm] "
                             "[--resume] [--detach] | --collect RUN_DIR");
  if (!vm) return 0;
  if (o.executor != "local" && o.executor != "slurm") {
    throw UsageError(fmt::format("--executor {}: must be local or slurm", o.executor));
  }
  if (o.jobs < 1) throw UsageError(fmt::format("--jobs {}: must be >= 1", o.jobs));
  if (o.points_per_task < 1) throw UsageError(fmt::format("--points-per-task {}: must be >= 1", o.points_per_task));
  if (o.slurm.cpus_per_task < 1) {
    throw UsageError(fmt::format("--cpus-per-task {}: must be >= 1", o.slurm.cpus_per_task));
  }
  if (o.poll_seconds < 1) throw UsageError(fmt::format("--poll-seconds {}: must be >= 1", o.poll_seconds));
  synth::RequireToggleRate("--input-activity", o.input_activity);
  if (o.executor == "local") {
    for (const char* f : {"detach", "partition", "time", "mem", "sbatch-arg"}) {
      if (vm->count(f) && !(*vm)[f].defaulted()) {
        throw UsageError(fmt::format("--{}: only with --executor slurm", f));
      }
    }
  }
  if (!o.collect.empty()) return Collect(o, *vm);

  synth::SweepGrid grid;
  grid.subs = IntList("subs", o.subs);
  grid.sel_groups = IntList("sel-groups", o.sel_groups);
  grid.rows = IntList("rows", o.rows);
  grid.cols = IntList("cols", o.cols);
  grid.a_bits = o.a_bits;
  grid.w_bits = o.w_bits;
  grid.archs = CommaList("arch", o.archs);
  for (const auto& a : grid.archs) synth::CheckArch(a);
  grid.macs.clear();
  for (const auto& m : CommaList("mac", o.macs)) grid.macs.push_back(ParseMacStyle(m));
  grid.storages.clear();
  for (const auto& k : CommaList("storage", o.storages)) grid.storages.push_back(ParseStorageKind(k));
  std::vector<std::string> notes;
  const auto points = synth::ExpandGrid(grid, &notes);
  for (const auto& n : notes) std::cerr << "flexcim sweep: note: " << n << "\n";
  if (points.empty()) throw UsageError("the grid has no valid point");

  const fs::path run = o.work_dir.empty() ? fs::path(o.out_dir) / "work" : fs::path(o.work_dir);
  const fs::path manifest_path = run / synth::kSweepManifestFile;
  // Before any point runs: --work and --out are empty, new, or an earlier
  // sweep's (--work first: --out may lie inside it).
  if (!o.work_dir.empty()) ClaimOutputDirectory({"--work", o.work_dir}, "sweep");
  ClaimOutputDirectory({"--out", o.out_dir}, "sweep");
  if (o.resume) {
    const synth::SweepManifest earlier = synth::ReadSweepManifest(manifest_path);
    if (Ids(earlier.points) != Ids(points)) {
      throw UsageError(fmt::format("--resume: {} holds another grid ({} points, this one has {}); give the "
                                   "same grid flags or another --work",
                                   manifest_path.string(), earlier.points.size(), points.size()));
    }
  }
  if (o.executor == "slurm") synth::RequireSlurmClient();
  const auto start = std::chrono::steady_clock::now();
  fs::create_directories(run);
  synth::SweepManifest m;
  m.points = points;
  m.notes = notes;
  m.points_per_task = o.points_per_task;
  m.data_dir = o.data_dir;
  m.run_sta = !o.no_sta;
  m.input_activity = o.input_activity;
  m.out_dir = o.out_dir;

  if (o.executor == "local") {
    synth::SweepOptions so;
    so.work_dir = run;
    so.jobs = o.jobs;
    so.resume = o.resume;
    so.flow = m.Flow();
    so.progress = [](const std::string& s) { std::cerr << "flexcim " << s << "\n"; };
    synth::WriteSweepManifest(m, run);  // so that --collect can merge this run again
    std::cerr << fmt::format("flexcim sweep: {} points, {} at a time\n", points.size(), so.jobs);
    const auto rows = synth::RunSweep(points, so);
    synth::WriteSweepOutputs(rows, notes, o.out_dir);
    PrintSummary(rows, o.out_dir, start);
    return Failed(rows) == 0 ? 0 : 1;
  }

  // Slurm: the liberty is prepared once, in the shared run directory.
  m.liberty = synth::PrepareLiberty(o.data_dir, run);
  if (!o.resume) {
    synth::ClearSweepSubmissions(run);
    for (const auto& p : points) synth::ClearPointOutcome(synth::SweepPointDir(run, p));
  }
  synth::WriteSweepManifest(m, run);
  const std::vector<int> tasks = [&] {
    if (o.resume) return synth::TasksWithoutResults(m, run);
    std::vector<int> all(m.Tasks());
    for (int t = 0; t < m.Tasks(); ++t) all[t] = t;
    return all;
  }();
  std::map<int, synth::TaskStatus> status;
  if (tasks.empty()) {
    Say("--resume: every point has a result; merging");
  } else {
    o.slurm.flexcim_binary = fs::read_symlink("/proc/self/exe");
    const synth::SlurmSubmission sub = synth::SubmitSweepArray(run, tasks, o.slurm);
    size_t npoints = 0;
    for (int t : tasks) npoints += m.TaskPoints(t).second - m.TaskPoints(t).first;
    Say(fmt::format("submitted job {}: {} array task{} ({}) for {} point{}, run directory {}", sub.job_id,
                    tasks.size(), tasks.size() == 1 ? "" : "s", synth::ArrayIndexList(tasks), npoints,
                    npoints == 1 ? "" : "s", fs::absolute(run).string()));
    if (o.detach) {
      Say(fmt::format("detached; merge with: flexcim sweep --collect {}", fs::absolute(run).string()));
      std::cout << sub.job_id << "\n";
      return 0;
    }
    status = synth::WaitForSweepTasks(m, run, o.poll_seconds, Say);
  }
  const auto rows = synth::CollectSweepRows(m, run, status);
  synth::WriteSweepOutputs(rows, notes, o.out_dir);
  PrintSummary(rows, o.out_dir, start);
  if (Failed(rows) > 0) Say("rerun the points without a result with the same command and --resume");
  return Failed(rows) == 0 ? 0 : 1;
}

const CommandRegistrar kRegistrar(Command{
    .name = "sweep",
    .summary = "synthesise and time a grid of configurations in parallel (CSV, JSON, SVG)",
    .run = RunSweepCmd,
});

}  // namespace
}  // namespace flexcim::cli

