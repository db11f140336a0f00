// RunSweep: a grid of configurations (and architectures), each generated,
// synthesised and timed in its own work subdirectory, up to `jobs` points
// at a time (ParallelFor, core/parallel_for.h). A failing point is recorded, not fatal.
// Every executor (this local one, a Slurm array task) runs a point with
// RunSweepPoint, which leaves its outcome in the point's directory
// (result.json, or error.txt for a failed point), so that results written
// by other processes or machines merge into the same outputs.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/macro_config.h"
#include "synth/ppa_result.h"
#include "synth/synth_flow.h"

namespace flexcim::synth {

struct SweepGrid {
  std::vector<int> subs{1, 2, 4, 8};
  std::vector<int> sel_groups{1, 2, 4, 8, 16};
  std::vector<int> rows{16};
  std::vector<int> cols{16};
  int a_bits = 8, w_bits = 8;
  std::vector<std::string> archs{"flexcim"};
  // Cell styles and storage kinds (FLEXCIM.md 5c): every point is built
  // once per MAC style x storage kind.
  std::vector<MacStyle> macs{MacStyle::kBitParallel};
  std::vector<StorageKind> storages{StorageKind::kFlipFlop};
};

struct SweepPoint {
  std::string arch;
  MacroConfig config;
  // "<arch>_<config name>", the work subdirectory; the name ends "_bs" for
  // bit-serial cells and "_latch" for latch storage (MacroConfig::Name).
  std::string Id() const;
};

// Expands the grid, in the order arch, MAC style, storage, P, R, C, G:
// G > C skipped (one note per skipped (C, G)); the baselines have no select
// groups, so they get one point per (P, R, C) with G = C. Invalid values
// throw UsageError (MacroConfig::Create).
std::vector<SweepPoint> ExpandGrid(const SweepGrid& grid, std::vector<std::string>* notes);

struct SweepRow {
  SweepPoint point;
  std::optional<PpaResult> result;
  std::string error;  // non-empty when the point failed
};

struct SweepOptions {
  std::filesystem::path work_dir;
  int jobs = 1;
  bool resume = false;  // keep points whose result.json exists (ReadPointOutcome)
  SynthFlowOptions flow;  // template: rtl_dir, work_dir, arch, liberty filled per point
  std::function<void(const std::string&)> progress;  // thread-safe calls
};

// Rows in `points` order.
std::vector<SweepRow> RunSweep(const std::vector<SweepPoint>& points, const SweepOptions& options);

// The directory of one point: <work_dir>/<point id>/ (rtl/, synth/, and
// the outcome file).
std::filesystem::path SweepPointDir(const std::filesystem::path& work_dir, const SweepPoint& point);

// Generates the point into dir/rtl, synthesises it into dir/synth with
// `flow` (rtl_dir, work_dir, arch filled here) and writes the outcome
// atomically: dir/result.json (ToJson of the result) or dir/error.txt (the
// error). A previous outcome is removed first. Never throws for a failing
// point; the returned row carries the error.
SweepRow RunSweepPoint(const SweepPoint& point, const SynthFlowOptions& flow, const std::filesystem::path& dir);

// The outcome RunSweepPoint left in `dir`: a row with a result or an
// error, or std::nullopt when the point has none yet. An unreadable
// result.json is reported as the point's error.
std::optional<SweepRow> ReadPointOutcome(const SweepPoint& point, const std::filesystem::path& dir);

// Which outcome file `dir` holds, without reading it (progress counts).
enum class PointOutcome { kNone, kResult, kError };
PointOutcome PointOutcomeIn(const std::filesystem::path& dir);

// Removes a point's outcome file (before it is run again).
void ClearPointOutcome(const std::filesystem::path& dir);

}  // namespace flexcim::synth
