// CommandRegistry: the subcommands of `flexcim`. Each cmd_*.cpp declares its
// flags, help text and typed options beside its parsing and registers itself
// with a CommandRegistrar; main() only parses the subcommand name and
// dispatches (as Yosys passes register themselves).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace flexcim::cli {

struct Command {
  std::string name;
  std::string summary;  // one line for `flexcim --help`
  // Receives the arguments after the subcommand name. Returns the exit code.
  std::function<int(const std::vector<std::string>& args)> run;
  // Not listed by `flexcim --help` (commands the tool runs itself, e.g. a
  // cluster sweep's array tasks); still runnable and with --help.
  bool hidden = false;
};

const std::map<std::string, Command>& AllCommands();

struct CommandRegistrar {
  explicit CommandRegistrar(Command command);
};

}  // namespace flexcim::cli
