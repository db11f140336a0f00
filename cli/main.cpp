// flexcim: one CLI, subcommands registered in cli/cmd_*.cpp.
// main() only picks the subcommand and maps errors to exit codes:
// 0 success, 1 runtime failure, 2 usage error.
#include <fmt/format.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <filesystem>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "cli/command_registry.h"
#include "core/errors.h"
#include "core/subprocess.h"

namespace {

void PrintUsage(std::ostream& os) {
  os << "usage: flexcim <command> [flags]   (flexcim <command> --help for its flags)\n\n"
        "commands:\n";
  for (const auto& [name, command] : flexcim::cli::AllCommands()) {
    if (command.hidden) continue;
    os << fmt::format("  {:<10} {}\n", name, command.summary);
  }
}

// Every result that goes to stdout (report, perf, ...) must have arrived:
// a write error (a full disk, a closed pipe) is a failure, exit 1.
int CheckStdout(const std::string& name, int code) {
  // errno still holds the reason of the failed write (nothing since
  // touched it on this path); fflush sets it anew when it is what fails.
  std::cout.flush();
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout.good();
  if (!failed) return code;
  const int e = errno != 0 ? errno : EIO;
  std::cerr << fmt::format("flexcim {}: error: stdout: write failed: {}\n", name, std::strerror(e));
  return 1;
}

// Library text ("[json.exception.type_error.302] ...") is not for users.
std::string WithoutLibraryPrefix(std::string what) {
  if (what.rfind("[json.exception", 0) == 0) {
    if (const size_t close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
  }
  return what;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(std::cout);
    return 0;
  }
  const auto& commands = flexcim::cli::AllCommands();
  const auto it = commands.find(name);
  if (it == commands.end()) {
    std::cerr << fmt::format("flexcim: unknown command '{}'\n", name);
    PrintUsage(std::cerr);
    return 2;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  // A closed stdout pipe is a write error we report (exit 1), not a silent death.
  ::signal(SIGPIPE, SIG_IGN);
  try {
    return CheckStdout(name, it->second.run(args));
  } catch (const flexcim::Interrupted& e) {
    // The children got the signal too; outputs were cleaned up on the way
    // here. Die of the same signal, as the user asked.
    std::cerr << fmt::format("flexcim {}: {}\n", name, e.what());
    ::signal(e.signal(), SIG_DFL);
    ::raise(e.signal());
    return 128 + e.signal();
  } catch (const flexcim::UsageError& e) {
    std::cerr << fmt::format("flexcim {}: error: {}\n", name, e.what());
    return 2;
  } catch (const flexcim::Error& e) {
    std::cerr << fmt::format("flexcim {}: error: {}\n", name, e.what());
    return 1;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << fmt::format("flexcim {}: error: {}: {}\n", name, e.path1().string(), e.code().message());
    return 1;
  } catch (const std::bad_alloc&) {
    // Inputs are validated before anything is sized from them, so this is a
    // genuinely too large job for this machine's memory.
    std::cerr << fmt::format("flexcim {}: error: out of memory (the inputs or flags ask for more memory than "
                             "this machine has)\n",
                             name);
    return 1;
  } catch (const std::length_error&) {
    std::cerr << fmt::format("flexcim {}: error: out of memory (the inputs or flags ask for more memory than "
                             "this machine has)\n",
                             name);
    return 1;
  } catch (const std::exception& e) {
    // Every reader turns library exceptions into messages naming the file;
    // reaching this is a bug in flexcim, said so instead of shown raw.
    std::cerr << fmt::format("flexcim {}: error: unexpected failure ({}); please report it with the command "
                             "line\n",
                             name, WithoutLibraryPrefix(e.what()));
    return 1;
  } catch (...) {
    std::cerr << fmt::format("flexcim {}: error: unexpected failure; please report it with the command line\n",
                             name);
    return 1;
  }
}
