// RunSweep: a grid of configurations (and architectures), each generated,
// synthesised and timed in its own work subdirectory, up to `jobs` points
// at a time (std::thread pool). A failing point is recorded, not fatal.
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
};

struct SweepPoint {
  std::string arch;
  MacroConfig config;
  std::string Id() const;  // "<arch>_<config name>", the work subdirectory
};

// Expands the grid: G > C skipped (one note per skipped (C, G)); the
// baselines have no select groups, so they get one point per (P, R, C) with
// G = C. Invalid values throw UsageError (MacroConfig::Create).
std::vector<SweepPoint> ExpandGrid(const SweepGrid& grid, std::vector<std::string>* notes);

struct SweepRow {
  SweepPoint point;
  std::optional<PpaResult> result;
  std::string error;  // non-empty when the point failed
};

struct SweepOptions {
  std::filesystem::path work_dir;
  int jobs = 1;
  // Writes the design of `point` (manifest.json + .v) into `rtl_dir`.
  std::function<void(const SweepPoint& point, const std::filesystem::path& rtl_dir)> generate;
  SynthFlowOptions flow;  // template: rtl_dir, work_dir, arch, liberty filled per point
  std::function<void(const std::string&)> progress;  // thread-safe calls
};

// Rows in `points` order.
std::vector<SweepRow> RunSweep(const std::vector<SweepPoint>& points, const SweepOptions& options);

}  // namespace flexcim::synth
