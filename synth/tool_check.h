// RequireTool: fail early, in one line, when an external tool is missing.
#pragma once

#include <filesystem>
#include <string>

namespace flexcim::synth {

// Returns the full path of `program` found on $PATH. Throws flexcim::Error
// "<program> not found on PATH (Debian package <package>); run `make deps`
// (scripts/install-deps.sh)" otherwise.
std::filesystem::path RequireTool(const std::string& program, const std::string& package);

}  // namespace flexcim::synth
