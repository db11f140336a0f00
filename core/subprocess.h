// Subprocess: running the external tools the project drives (cmake,
// Verilator's build, Yosys, OpenSTA, gzip, sbatch/squeue, the testbench).
//
// No shell, ever: a process is started from an argument vector (fork +
// execv, the program looked up on PATH by us), so no value (a path, a job
// id read back from a file) is ever parsed as shell text. stdin is
// /dev/null. Each child runs in a process group of its own; SIGINT, SIGTERM
// and SIGHUP sent to flexcim are forwarded to every running child's group
// (the testbench, yosys and its abc, cmake and its compilers), and the
// waiting call then throws Interrupted so outputs are cleaned up on the way
// out (main re-raises the signal). A child also gets SIGTERM when flexcim
// dies (PR_SET_PDEATHSIG).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/errors.h"

namespace flexcim {

// The wait status of a child: exit code, or the signal that killed it.
struct ExitStatus {
  int code = 0;    // meaningful when signal == 0
  int signal = 0;  // non-zero: killed by this signal
  bool ok() const { return signal == 0 && code == 0; }
  // "exit 3" or "killed by SIGKILL"
  std::string Describe() const;
};

struct Command {
  std::vector<std::string> argv{};  // argv[0] without '/' is looked up on PATH
  std::filesystem::path cwd{};    // empty: the current directory
  // Non-empty: stdout and stderr are appended to this file.
  std::filesystem::path log{};
  // Non-empty: stdout is written to this file (created or truncated);
  // stderr goes to `log` when given, else it is captured.
  std::filesystem::path stdout_file{};
  // Otherwise stdout and stderr are captured into ProcessResult; with
  // `echo` they are also copied to flexcim's own stdout/stderr as they come.
  bool echo = false;
};

struct ProcessResult {
  ExitStatus status;
  std::string out, err;  // captured output (empty when sent to files)
};

// Thrown when flexcim got SIGINT/SIGTERM/SIGHUP while a child ran (the
// signal was forwarded to the child's process group). main() re-raises it.
class Interrupted : public Error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }

 private:
  int signal_;
};

// Runs `command` and waits for it. Throws Error "PROGRAM: not found on PATH"
// (or "cannot run PROGRAM: <reason>"), Interrupted; never throws for a
// non-zero exit: the caller decides what it means.
ProcessResult RunProcess(const Command& command);

// Runs `argv` with stdout and stderr appended to `log`; on a non-zero exit
// throws Error("<what> failed (exit N); last lines of LOG: ...") so the
// tool's own error lines reach the user.
void RunLogged(const std::vector<std::string>& argv, const std::filesystem::path& log, const std::string& what,
               const std::filesystem::path& cwd = {});

// The last `n` lines of a text file, each on its own indented line.
std::string LastLines(const std::filesystem::path& file, int n);

// Shell-quotes one argument. Only for writing a shell *script file* that a
// scheduler runs (the Slurm array script) and for tests; never for
// starting a process (use RunProcess).
std::string ShellQuote(const std::string& s);

// The full path of `program` on PATH, or "" when it is not there.
std::filesystem::path FindOnPath(const std::string& program);

}  // namespace flexcim
