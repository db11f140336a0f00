#include "synth/slurm_executor.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/json_input.h"
#include "core/subprocess.h"

namespace flexcim::synth {

namespace fs = std::filesystem;

namespace {

struct Captured {
  int code = -1;
  std::string out, err;
};

// Runs a Slurm client command from its argument vector (never a shell),
// capturing stdout and stderr.
Captured RunCaptured(const std::vector<std::string>& argv) {
  const ProcessResult r = RunProcess({.argv = argv});
  return {r.status.signal != 0 ? -1 : r.status.code, r.out, r.err};
}

std::string LastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  const size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

// "the Slurm controller is unreachable (<line>)" when the tool says so.
std::string SlurmFailure(const std::string& tool, const Captured& c) {
  const std::string line = LastLine(c.err.empty() ? c.out : c.err);
  if (c.err.find("Unable to contact slurm controller") != std::string::npos) {
    return fmt::format("--executor slurm: the Slurm controller is unreachable ({})", line);
  }
  return fmt::format("{} failed (exit {}): {}", tool, c.code, line.empty() ? "no message" : line);
}

fs::path SlurmDir(const fs::path& run_dir) { return run_dir / "slurm"; }
fs::path JobsFile(const fs::path& run_dir) { return SlurmDir(run_dir) / "jobs.json"; }

// Slurm's MaxArraySize is at most 4000001.
constexpr int64_t kMaxSlurmArrayIndex = 4000000;

struct JobRecord {
  std::string job_id;
  std::vector<int> tasks;
};

fs::path TaskLog(const fs::path& run_dir, const std::string& job, int task) {
  return SlurmDir(run_dir) / fmt::format("task-{}_{}.log", job, task);
}

// Slurm's job id grammar: digits, optionally "_<array index>" (digits).
// Anything else read back from the run directory (a shared filesystem that
// others may write) is refused before it reaches a command line.
bool IsSlurmJobId(const std::string& id) {
  const size_t us = id.find('_');
  auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 20 && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (us == std::string::npos) return digits(id);
  return digits(std::string_view(id).substr(0, us)) && digits(std::string_view(id).substr(us + 1));
}

std::vector<JobRecord> ReadJobs(const fs::path& run_dir) {
  const fs::path file = JobsFile(run_dir);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec))) return {};
  const nlohmann::json j = ReadJsonFile(file);
  if (!j.is_array()) throw Error(fmt::format("{}: expected a JSON array of submissions", file.string()));
  std::vector<JobRecord> jobs;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string context = fmt::format("{}: submission {}", file.string(), i);
    JobRecord r;
    r.job_id = JsonString(j[i], "job_id", context);
    if (!IsSlurmJobId(r.job_id)) {
      throw Error(fmt::format("{}: job_id '{}' is not a Slurm job id (digits, optionally _<array index>); "
                              "refusing to pass it to squeue",
                              context, r.job_id.size() > 60 ? r.job_id.substr(0, 57) + "..." : r.job_id));
    }
    const nlohmann::json& tasks = JsonArray(j[i], "tasks", context);
    for (size_t t = 0; t < tasks.size(); ++t) {
      r.tasks.push_back(static_cast<int>(
          JsonIntegerValue(tasks[t], 0, kMaxSlurmArrayIndex, fmt::format("{}: tasks[{}]", context, t))));
    }
    jobs.push_back(std::move(r));
  }
  return jobs;
}

void WriteJobs(const fs::path& run_dir, const std::vector<JobRecord>& jobs) {
  nlohmann::json j = nlohmann::json::array();
  for (const JobRecord& r : jobs) j.push_back({{"job_id", r.job_id}, {"tasks", r.tasks}});
  WriteFileAtomically(JobsFile(run_dir), j.dump(2) + "\n");
}

}  // namespace

void RequireSlurmClient() {
  for (const char* tool : {"sbatch", "squeue"}) {
    if (FindOnPath(tool).empty()) {
      throw Error(fmt::format("--executor slurm: {} is not on PATH (run on a host with Slurm's client "
                              "commands, e.g. the cluster's login node)",
                              tool));
    }
  }
}

std::string ArrayIndexList(std::vector<int> tasks) {
  std::sort(tasks.begin(), tasks.end());
  tasks.erase(std::unique(tasks.begin(), tasks.end()), tasks.end());
  std::string out;
  for (size_t i = 0; i < tasks.size();) {
    size_t j = i;
    while (j + 1 < tasks.size() && tasks[j + 1] == tasks[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += j == i ? fmt::format("{}", tasks[i]) : fmt::format("{}-{}", tasks[i], tasks[j]);
    i = j + 1;
  }
  return out;
}

SlurmSubmission SubmitSweepArray(const fs::path& run_dir, const std::vector<int>& tasks, const SlurmOptions& o) {
  RequireSlurmClient();
  if (tasks.empty()) throw Error("no task to submit");
  const fs::path run = fs::absolute(run_dir);
  fs::create_directories(SlurmDir(run));
  const fs::path script = SlurmDir(run) / "sweep.sbatch";
  WriteFileAtomically(script, fmt::format("#!/bin/sh\n"
                                          "# Written by flexcim sweep: array task i runs task i of the sweep.\n"
                                          "exec {} sweep-point --manifest {} --task \"$SLURM_ARRAY_TASK_ID\"\n",
                                          ShellQuote(o.flexcim_binary.string()),
                                          ShellQuote((run / kSweepManifestFile).string())));
  std::vector<std::string> command = {"sbatch", "--parsable", "--array=" + ArrayIndexList(tasks),
                                      "--job-name=flexcim-sweep",
                                      "--output=" + (SlurmDir(run) / "task-%A_%a.log").string()};
  if (!o.partition.empty()) command.push_back("--partition=" + o.partition);
  if (!o.time.empty()) command.push_back("--time=" + o.time);
  if (!o.mem.empty()) command.push_back("--mem=" + o.mem);
  command.push_back(fmt::format("--cpus-per-task={}", o.cpus_per_task));
  for (const std::string& a : o.sbatch_args) command.push_back(a);
  command.push_back(script.string());
  const Captured c = RunCaptured(command);
  std::string job = LastLine(c.out);
  job = job.substr(0, job.find(';'));  // "<id>;<cluster>" on multi-cluster setups
  if (c.code != 0 || !IsSlurmJobId(job) || job.find('_') != std::string::npos) {
    throw Error(SlurmFailure("sbatch", c));
  }
  std::vector<JobRecord> jobs = ReadJobs(run);
  jobs.push_back({job, tasks});
  WriteJobs(run, jobs);
  return {job, tasks};
}

void ClearSweepSubmissions(const fs::path& run_dir) {
  std::error_code ec;
  fs::remove(JobsFile(run_dir), ec);
}

bool HasSweepSubmissions(const fs::path& run_dir) { return !ReadJobs(run_dir).empty(); }

bool IsActiveSlurmState(const std::string& s) {
  for (const char* active : {"PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED",
                             "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "RESV_DEL_HOLD", "SIGNALING",
                             "STAGE_OUT", "STOPPED"}) {
    if (s == active) return true;
  }
  return false;
}

std::map<int, TaskStatus> QueryTaskStatus(const fs::path& run_dir) {
  std::map<int, TaskStatus> status;
  for (const JobRecord& submission : ReadJobs(run_dir)) {
    const std::string& job = submission.job_id;
    // squeue -r: one line per array task, "<job>_<task>|<state>".
    const Captured c = RunCaptured({"squeue", "-h", "-r", "-t", "all", "-j", job, "-o", "%i|%T"});
    std::map<int, std::string> states;
    if (c.code == 0) {
      std::stringstream lines(c.out);
      for (std::string line; std::getline(lines, line);) {
        const size_t us = line.find('_'), bar = line.find('|');
        if (us == std::string::npos || bar == std::string::npos || bar < us) continue;
        // "<job>_[0-3]" lines appear only without -r; skip anything else
        const std::string index = line.substr(us + 1, bar - us - 1);
        int task = 0;
        const auto [end, ec] = std::from_chars(index.data(), index.data() + index.size(), task);
        if (ec == std::errc() && end == index.data() + index.size()) states[task] = line.substr(bar + 1);
      }
    } else if (c.err.find("Invalid job id") == std::string::npos) {
      throw Error(SlurmFailure("squeue", c));
    }  // else: Slurm has forgotten the job
    for (int task : submission.tasks) {
      const auto it = states.find(task);
      status[task] = {job, it == states.end() ? "" : it->second, TaskLog(run_dir, job, task)};
    }
  }
  return status;
}

std::string SweepProgress::Line() const {
  return fmt::format("{}/{} points done, {} running, {} pending, {} failed", done, done + running + pending + failed,
                     running, pending, failed);
}

SweepProgress CountSweepProgress(const SweepManifest& m, const fs::path& run_dir,
                                 const std::map<int, TaskStatus>& status) {
  SweepProgress p;
  for (int task = 0; task < m.Tasks(); ++task) {
    const auto it = status.find(task);
    const std::string state = it == status.end() ? "PENDING" : it->second.state;
    const auto [begin, end] = m.TaskPoints(task);
    for (size_t i = begin; i < end; ++i) {
      switch (PointOutcomeIn(SweepPointDir(run_dir, m.points[i]))) {
        case PointOutcome::kResult: ++p.done; break;
        case PointOutcome::kError: ++p.failed; break;
        case PointOutcome::kNone:
          if (state == "RUNNING" || state == "COMPLETING" || state == "CONFIGURING") {
            ++p.running;
          } else if (IsActiveSlurmState(state)) {
            ++p.pending;
          } else {
            ++p.failed;  // the task ended without this point's outcome
          }
      }
    }
  }
  return p;
}

std::map<int, TaskStatus> WaitForSweepTasks(const SweepManifest& m, const fs::path& run_dir, int poll_seconds,
                                            const std::function<void(const std::string&)>& progress) {
  SweepProgress last{-1, -1, -1, -1};
  auto last_print = std::chrono::steady_clock::now();
  for (;;) {
    const std::map<int, TaskStatus> status = QueryTaskStatus(run_dir);
    const SweepProgress p = CountSweepProgress(m, run_dir, status);
    const auto now = std::chrono::steady_clock::now();
    if (!(p == last) || now - last_print >= std::chrono::minutes(1)) {
      progress(p.Line());
      last = p;
      last_print = now;
    }
    const bool active = std::any_of(status.begin(), status.end(),
                                    [](const auto& kv) { return IsActiveSlurmState(kv.second.state); });
    if (!active) return status;
    std::this_thread::sleep_for(std::chrono::seconds(poll_seconds));
  }
}

std::vector<SweepRow> CollectSweepRows(const SweepManifest& m, const fs::path& run_dir,
                                       const std::map<int, TaskStatus>& status) {
  std::vector<SweepRow> rows;
  for (int task = 0; task < m.Tasks(); ++task) {
    const auto [begin, end] = m.TaskPoints(task);
    for (size_t i = begin; i < end; ++i) {
      const SweepPoint& point = m.points[i];
      if (auto row = ReadPointOutcome(point, SweepPointDir(run_dir, point))) {
        rows.push_back(std::move(*row));
        continue;
      }
      const auto it = status.find(task);
      std::string why;
      if (it == status.end()) {
        why = fmt::format("not run: task {} was never submitted", task);
      } else {
        const TaskStatus& t = it->second;
        std::error_code ec;
        std::string last = fs::exists(t.log, ec) ? LastLine(LastLines(t.log, 1)) : "";
        last.erase(0, last.find_first_not_of(" \t"));
        why = fmt::format("not run: task {} (job {}) {}, log {}{}", task, t.job_id,
                          t.state.empty() ? "no longer known to Slurm" : t.state, t.log.string(),
                          fs::exists(t.log, ec) ? (last.empty() ? "" : ": " + last)
                                                : " (missing: is the run directory on a filesystem the nodes share?)");
      }
      rows.push_back({point, std::nullopt, why});
    }
  }
  return rows;
}

std::vector<int> TasksWithoutResults(const SweepManifest& m, const fs::path& run_dir) {
  std::vector<int> tasks;
  for (int task = 0; task < m.Tasks(); ++task) {
    const auto [begin, end] = m.TaskPoints(task);
    for (size_t i = begin; i < end; ++i) {
      if (PointOutcomeIn(SweepPointDir(run_dir, m.points[i])) != PointOutcome::kResult) {
        tasks.push_back(task);
        break;
      }
    }
  }
  return tasks;
}

}  // namespace flexcim::synth
