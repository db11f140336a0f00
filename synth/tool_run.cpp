#include "synth/tool_run.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "core/subprocess.h"

namespace flexcim::synth {

namespace fs = std::filesystem;

namespace {

// The tool's own error lines ("ERROR:" for Yosys, "Error" for OpenSTA).
std::string ErrorLines(const fs::path& log) {
  std::ifstream in(log);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("ERROR", 0) == 0 || line.rfind("Error", 0) == 0) out += "\n  " + line;
  }
  return out;
}

}  // namespace

void RunTool(const std::vector<std::string>& command, const fs::path& log, const fs::path& script,
             const std::string& tool) {
  fs::remove(log);
  try {
    RunLogged(command, log, tool);
  } catch (const Error& e) {
    const std::string errors = ErrorLines(log);
    if (errors.empty()) throw Error(fmt::format("{} (script {})", e.what(), script.string()));
    throw Error(fmt::format("{} failed on {} (log {}):{}", tool, script.string(), log.string(), errors));
  }
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace flexcim::synth
