// The Slurm executor of `flexcim sweep --executor slurm`: the sweep's
// points (SweepManifest, in a run directory on a shared filesystem) run as
// one Slurm job array, each array task running `flexcim sweep-point` on
// its chunk of points; this side submits, watches (squeue: no accounting
// database is needed), and merges the points' outcome files.
//
// Run directory layout: sweep_manifest.json, <point id>/ (rtl/, synth/,
// result.json or error.txt), slurm/sweep.sbatch (the array script),
// slurm/jobs.json (every submission: job id and array task indices),
// slurm/task-<job>_<task>.log (each task's output).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "synth/sweep.h"
#include "synth/sweep_manifest.h"

namespace flexcim::synth {

struct SlurmOptions {
  std::string partition;  // sbatch --partition (empty: the cluster's default)
  std::string time;       // sbatch --time, per task
  std::string mem;        // sbatch --mem, per task
  int cpus_per_task = 1;
  std::vector<std::string> sbatch_args;  // passed to sbatch as they are
  std::filesystem::path flexcim_binary;  // what each task runs; the nodes must see it at this path
};

// Throws flexcim::Error("sbatch is not on PATH ...") when Slurm's client
// commands are missing.
void RequireSlurmClient();

// "0-3,5,7-8" for sbatch --array.
std::string ArrayIndexList(std::vector<int> tasks);

struct SlurmSubmission {
  std::string job_id;
  std::vector<int> tasks;
};

// Writes the array script, submits `tasks` (array task index = manifest
// task) as one job array and records the submission in slurm/jobs.json.
// Throws flexcim::Error for a failed submission: "the Slurm controller is
// unreachable (...)" or sbatch's own last error line.
SlurmSubmission SubmitSweepArray(const std::filesystem::path& run_dir, const std::vector<int>& tasks,
                                 const SlurmOptions& options);

// Forgets earlier submissions (a new sweep in the same run directory).
void ClearSweepSubmissions(const std::filesystem::path& run_dir);

// True when the run directory has recorded submissions.
bool HasSweepSubmissions(const std::filesystem::path& run_dir);

struct TaskStatus {
  std::string job_id;
  // Slurm's state (PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED,
  // ...), or "" when Slurm no longer knows the task (purged, or cancelled
  // before it started).
  std::string state;
  std::filesystem::path log;
};

// The latest submission of every submitted task and its state now (squeue).
std::map<int, TaskStatus> QueryTaskStatus(const std::filesystem::path& run_dir);

// PENDING, RUNNING and the other states of a task that has not ended.
bool IsActiveSlurmState(const std::string& state);

struct SweepProgress {
  int done = 0, running = 0, pending = 0, failed = 0;
  bool operator==(const SweepProgress&) const = default;
  // "3/6 points done, 1 running, 2 pending, 0 failed"
  std::string Line() const;
};

// Counts points by their outcome files and their task's state.
SweepProgress CountSweepProgress(const SweepManifest& manifest, const std::filesystem::path& run_dir,
                                 const std::map<int, TaskStatus>& status);

// Polls squeue every `poll_seconds` until no task is pending or running;
// `progress` gets a line when the counts change (and at least every
// minute). Returns the final task states.
std::map<int, TaskStatus> WaitForSweepTasks(const SweepManifest& manifest, const std::filesystem::path& run_dir,
                                            int poll_seconds,
                                            const std::function<void(const std::string&)>& progress);

// Rows in manifest order, from the points' outcome files. A point without
// an outcome is a failed row naming its task, the task's Slurm state and
// log (and the log's last line), e.g. "not run: task 1 (job 12) CANCELLED,
// log <path>: <last line>".
std::vector<SweepRow> CollectSweepRows(const SweepManifest& manifest, const std::filesystem::path& run_dir,
                                       const std::map<int, TaskStatus>& status);

// The tasks having at least one point without a result (what --resume
// submits again).
std::vector<int> TasksWithoutResults(const SweepManifest& manifest, const std::filesystem::path& run_dir);

}  // namespace flexcim::synth
