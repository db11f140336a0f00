#include "core/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <sstream>

namespace flexcim {

namespace fs = std::filesystem;

namespace {

// Process groups of the running children, for the signal handler.
constexpr size_t kMaxChildren = 64;
std::array<std::atomic<pid_t>, kMaxChildren> g_children{};
std::atomic<int> g_interrupt{0};
constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP};

void ForwardSignal(int sig) {
  g_interrupt.store(sig);
  bool any = false;
  for (auto& slot : g_children) {
    const pid_t group = slot.load();
    if (group > 0) {
      ::kill(-group, sig);
      any = true;
    }
  }
  if (!any) {  // nothing to wait for: the default action, now
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
}

void InstallForwardingOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : kForwardedSignals) {
      struct sigaction old {};
      ::sigaction(sig, nullptr, &old);
      if (old.sa_handler == SIG_IGN) continue;  // e.g. under nohup: keep ignoring
      struct sigaction sa {};
      sa.sa_handler = ForwardSignal;
      sigemptyset(&sa.sa_mask);
      sa.sa_flags = SA_RESTART;
      ::sigaction(sig, &sa, nullptr);
    }
  });
}

class ChildSlot {
 public:
  explicit ChildSlot(pid_t group) {
    for (auto& slot : g_children) {
      pid_t expected = 0;
      if (slot.compare_exchange_strong(expected, group)) {
        slot_ = &slot;
        return;
      }
    }
  }
  ~ChildSlot() {
    if (slot_ != nullptr) slot_->store(0);
  }
  ChildSlot(const ChildSlot&) = delete;
  ChildSlot& operator=(const ChildSlot&) = delete;

 private:
  std::atomic<pid_t>* slot_ = nullptr;
};

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

Pipe MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  return {Fd(fds[0]), Fd(fds[1])};
}

Fd OpenForChild(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) throw Error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  return Fd(fd);
}

const char* SignalName(int sig) {
  switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGPIPE: return "SIGPIPE";
    default: return nullptr;
  }
}

std::string DescribeSignal(int sig) {
  const char* name = SignalName(sig);
  return name != nullptr ? std::string(name) : fmt::format("signal {}", sig);
}

// Copies what the child wrote to its pipes into `result` (and to our own
// stdout/stderr with `echo`) until both pipes are closed.
// Returns the first failure to echo ("stdout: write failed: ..."), or "".
std::string DrainPipes(Fd& out, Fd& err, bool echo, ProcessResult& result) {
  std::string echo_error;
  while (out.get() >= 0 || err.get() >= 0) {
    struct pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("waiting for a child's output: {}", std::strerror(errno)));
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        (i == 0 ? out : err).Reset();
        continue;
      }
      (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      if (echo && echo_error.empty()) {
        // Our own stdout failing is reported after the child ended; its
        // output is drained either way, so it never blocks on a full pipe.
        std::fflush(i == 0 ? stdout : stderr);
        for (ssize_t done = 0; done < n;) {
          const ssize_t w = ::write(i == 0 ? STDOUT_FILENO : STDERR_FILENO, buffer + done,
                                    static_cast<size_t>(n - done));
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) {
            echo_error = fmt::format("{}: write failed: {}", i == 0 ? "stdout" : "stderr",
                                     std::strerror(w < 0 ? errno : EIO));
            break;
          }
          done += w;
        }
      }
    }
  }
  return echo_error;
}

}  // namespace

Interrupted::Interrupted(int sig) : Error(fmt::format("interrupted by {}", DescribeSignal(sig))), signal_(sig) {}

std::string ExitStatus::Describe() const {
  return signal != 0 ? fmt::format("killed by {}", DescribeSignal(signal)) : fmt::format("exit {}", code);
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  return out + "'";
}

std::string LastLines(const fs::path& file, int n) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > n) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += "\n    " + l;
  return out;
}

fs::path FindOnPath(const std::string& program) {
  auto runnable = [](const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (program.find('/') != std::string::npos) return runnable(program) ? fs::path(program) : fs::path();
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path p = fs::path(dir.empty() ? "." : dir) / program;
    if (runnable(p)) return p;
  }
  return {};
}

ProcessResult RunProcess(const Command& c) {
  if (c.argv.empty() || c.argv.front().empty()) throw Error("internal: empty command");
  const fs::path program = FindOnPath(c.argv.front());
  if (program.empty()) {
    throw Error(c.argv.front().find('/') != std::string::npos
                    ? fmt::format("{}: not an executable file", c.argv.front())
                    : fmt::format("{}: not found on PATH", c.argv.front()));
  }
  InstallForwardingOnce();
  // Everything the child needs is prepared here: between fork and exec only
  // async-signal-safe calls are made.
  std::vector<char*> argv;
  for (const std::string& a : c.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string program_path = program.string();
  const std::string cwd = c.cwd.string();
  Fd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  Fd log, file;
  Pipe out_pipe, err_pipe;
  int child_out = -1, child_err = -1;  // -1: inherit
  const bool capture_out = c.log.empty() && c.stdout_file.empty();
  const bool capture_err = c.log.empty();
  if (!c.log.empty()) log = OpenForChild(c.log, O_APPEND);
  if (!c.stdout_file.empty()) file = OpenForChild(c.stdout_file, O_TRUNC);
  if (capture_out) out_pipe = MakePipe();
  if (capture_err) err_pipe = MakePipe();
  child_out = !c.stdout_file.empty() ? file.get() : capture_out ? out_pipe.write.get() : log.get();
  child_err = capture_err ? err_pipe.write.get() : log.get();
  Pipe exec_error = MakePipe();

  sigset_t blocked, previous;
  sigemptyset(&blocked);
  for (int sig : kForwardedSignals) sigaddset(&blocked, sig);
  ::pthread_sigmask(SIG_BLOCK, &blocked, &previous);
  if (const int sig = g_interrupt.load(); sig != 0) {
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw Interrupted(sig);
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (int sig : kForwardedSignals) ::signal(sig, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_in.get(), STDIN_FILENO);
    ::dup2(child_out, STDOUT_FILENO);
    ::dup2(child_err, STDERR_FILENO);
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      const int e = errno;
      (void)!::write(exec_error.write.get(), &e, sizeof e);
      ::_exit(127);
    }
    ::execv(program_path.c_str(), argv.data());
    const int e = errno;
    (void)!::write(exec_error.write.get(), &e, sizeof e);
    ::_exit(127);
  }
  if (pid < 0) {
    const int e = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw Error(fmt::format("cannot run {}: {}", c.argv.front(), std::strerror(e)));
  }
  ::setpgid(pid, pid);  // also here: no window in which a forwarded signal misses it
  ChildSlot slot(pid);
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);

  exec_error.write.Reset();
  out_pipe.write.Reset();
  err_pipe.write.Reset();
  ProcessResult result;
  std::string drain_error;
  try {
    drain_error = DrainPipes(out_pipe.read, err_pipe.read, c.echo, result);
  } catch (const Error& e) {
    drain_error = e.what();
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(fmt::format("waiting for {}: {}", c.argv.front(), std::strerror(errno)));
  }
  if (WIFSIGNALED(status)) {
    result.status.signal = WTERMSIG(status);
  } else {
    result.status.code = WEXITSTATUS(status);
  }
  int exec_errno = 0;
  const bool exec_failed = ::read(exec_error.read.get(), &exec_errno, sizeof exec_errno) == sizeof exec_errno;
  if (const int sig = g_interrupt.load(); sig != 0) throw Interrupted(sig);
  if (exec_failed) {
    throw Error(fmt::format("cannot run {}{}: {}", c.argv.front(), cwd.empty() ? "" : " in " + cwd,
                            std::strerror(exec_errno)));
  }
  if (!drain_error.empty()) throw Error(drain_error);
  return result;
}

void RunLogged(const std::vector<std::string>& argv, const fs::path& log, const std::string& what,
               const fs::path& cwd) {
  const ProcessResult r = RunProcess({.argv = argv, .cwd = cwd, .log = log});
  if (!r.status.ok()) {
    throw Error(fmt::format("{} failed ({}); last lines of {}:{}", what, r.status.Describe(), log.string(),
                            LastLines(log, 15)));
  }
}

}  // namespace flexcim
