// DesignManifest: what a generated design's manifest.json tells its readers
// (verify's testbench build, synth): the architecture, its configuration,
// the top module, the Verilog files in compile order and the latency. The
// reader validates every field, so a hand-edited or corrupt manifest is one
// Error naming the file and the key, never a raw JSON exception, and a file
// entry can only name a .v file inside the design directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/baseline_config.h"
#include "core/macro_config.h"

namespace flexcim {

struct DesignManifest {
  Arch arch = Arch::kFlexcim;
  MacroConfig config = MacroConfig::Default();  // params P, R, C, G, A, W; "mac", "storage"
  std::string top;
  std::vector<std::string> files;  // plain "<name>.v" names, in compile order
  int latency = 0;
  int write_latency = 1;  // Lw of FLEXCIM.md 5b; 1 when the manifest has no `write_latency`
};

DesignManifest ParseDesignManifest(std::string_view text, std::string_view source);
// Reads `dir`/manifest.json (a regular file) and parses it.
DesignManifest ReadDesignManifest(const std::filesystem::path& dir);

}  // namespace flexcim
