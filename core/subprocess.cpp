#include "core/subprocess.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <cstdlib>
#include <deque>
#include <fstream>

#include "core/errors.h"

namespace flexcim {

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

std::string LastLines(const std::filesystem::path& file, int n) {
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

void RunLogged(const std::string& command, const std::filesystem::path& log, const std::string& what) {
  const std::string full = fmt::format("{} >>{} 2>&1", command, ShellQuote(log.string()));
  const int status = std::system(full.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  if (code != 0) {
    throw Error(fmt::format("{} failed (exit {}); last lines of {}:{}", what, code, log.string(),
                            LastLines(log, 15)));
  }
}

}  // namespace flexcim
