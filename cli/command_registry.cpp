#include "cli/command_registry.h"

namespace flexcim::cli {

namespace {
std::map<std::string, Command>& MutableCommands() {
  static std::map<std::string, Command> commands;
  return commands;
}
}  // namespace

const std::map<std::string, Command>& AllCommands() { return MutableCommands(); }

CommandRegistrar::CommandRegistrar(Command command) {
  std::string name = command.name;
  MutableCommands().emplace(std::move(name), std::move(command));
}

}  // namespace flexcim::cli
