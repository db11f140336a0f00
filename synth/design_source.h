// WriteArchDesign: generates one architecture's design for a configuration
// into a directory (manifest.json + .v), through the generator. The one
// place in synth/ that maps `--arch` names onto the generator
// (gen::GenerateArch: flexcim and the FLEXCIM.md section 6 baselines).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/macro_config.h"

namespace flexcim::synth {

// Architectures the generator emits: flexcim and the FLEXCIM.md section 6
// baselines dense and sparse12 (gen::GenerateArch).
std::vector<std::string> SupportedArchs();

// Throws UsageError naming the supported architectures for any other name.
void CheckArch(const std::string& arch);

// Replaces `rtl_dir` (gen::WriteDesign rules: only a previous design or an
// empty directory).
void WriteArchDesign(const std::string& arch, const MacroConfig& config,
                     const std::filesystem::path& rtl_dir);

}  // namespace flexcim::synth
