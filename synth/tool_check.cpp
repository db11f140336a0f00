#include "synth/tool_check.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "core/errors.h"

namespace flexcim::synth {

namespace fs = std::filesystem;

fs::path RequireTool(const std::string& program, const std::string& package) {
  const char* path_env = std::getenv("PATH");
  std::stringstream dirs(path_env != nullptr ? path_env : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate;
  }
  throw Error(fmt::format("{} not found on PATH (Debian package {}); run `make deps` "
                          "(scripts/install-deps.sh)",
                          program, package));
}

}  // namespace flexcim::synth
