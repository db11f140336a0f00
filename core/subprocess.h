// Subprocess: running the external tools the project drives (cmake,
// Verilator, Yosys, OpenSTA) with their output in a log file.
#pragma once

#include <filesystem>
#include <string>

namespace flexcim {

// Runs `command` through /bin/sh with stdout+stderr appended to `log`; on a
// non-zero exit throws flexcim::Error("<what> failed (exit N); last lines of
// LOG: ...") so the tool's own error lines reach the user.
void RunLogged(const std::string& command, const std::filesystem::path& log,
               const std::string& what);

// The last `n` lines of a text file, each on its own indented line.
std::string LastLines(const std::filesystem::path& file, int n);

// Shell-quotes one argument.
std::string ShellQuote(const std::string& s);

}  // namespace flexcim
