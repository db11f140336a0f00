// flexcim: one CLI, subcommands registered in cli/cmd_*.cpp.
// main() only picks the subcommand and maps errors to exit codes:
// 0 success, 1 runtime failure, 2 usage error.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "cli/command_registry.h"
#include "core/errors.h"

namespace {

void PrintUsage(std::ostream& os) {
  os << "usage: flexcim <command> [flags]   (flexcim <command> --help for its flags)\n\n"
        "commands:\n";
  for (const auto& [name, command] : flexcim::cli::AllCommands()) {
    if (command.hidden) continue;
    os << fmt::format("  {:<10} {}\n", name, command.summary);
  }
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
  try {
    return it->second.run(args);
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
  } catch (const std::exception& e) {
    // Every reader turns library exceptions into messages naming the file;
    // reaching this is a bug in flexcim, said so instead of shown raw.
    std::cerr << fmt::format("flexcim {}: error: internal error ({}); please report it with the command line\n",
                             name, e.what());
    return 1;
  }
}
