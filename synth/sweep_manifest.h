// SweepManifest: a sweep written down for other processes, so that a
// cluster's array tasks (flexcim sweep-point) run its points and a later
// `flexcim sweep --collect` merges them: the points, how they are split
// into tasks, the flow settings every point shares, and where the merged
// outputs go. Stored as <run dir>/sweep_manifest.json; the run directory
// (the sweep's --work) must be on a filesystem every compute node sees.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "synth/sweep.h"
#include "synth/synth_flow.h"

namespace flexcim::synth {

inline constexpr char kSweepManifestFile[] = "sweep_manifest.json";

struct SweepManifest {
  std::vector<SweepPoint> points;
  std::vector<std::string> notes;  // from ExpandGrid, for sweep.json
  int points_per_task = 1;
  // Flow settings shared by every point.
  std::filesystem::path data_dir;
  std::filesystem::path liberty;  // prepared once by the submitter, inside the run directory
  bool run_sta = true;
  double input_activity = 0.5;
  std::filesystem::path out_dir;  // where sweep.csv, .json, .svg are merged

  int Tasks() const;  // ceil(points / points_per_task)
  // [begin, end) of the points task `task` runs.
  std::pair<size_t, size_t> TaskPoints(int task) const;
  // The flow template for RunSweepPoint (liberty cells not loaded).
  SynthFlowOptions Flow() const;
};

// Writes <run_dir>/sweep_manifest.json atomically (paths made absolute).
void WriteSweepManifest(const SweepManifest& manifest, const std::filesystem::path& run_dir);

// Reads a manifest written by WriteSweepManifest. Throws flexcim::Error
// naming the path: "no sweep manifest" when it does not exist (the usual
// cause on a cluster: the run directory is not on a shared filesystem),
// otherwise what is wrong with it.
SweepManifest ReadSweepManifest(const std::filesystem::path& path);

}  // namespace flexcim::synth
