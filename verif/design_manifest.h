// ReadDesignManifest: what a testbench needs from a generated design
// directory's manifest.json: its architecture, top module and
// configuration. Throws flexcim::Error naming the file for an unreadable
// file, invalid JSON, a missing key or an invalid configuration.
#pragma once

#include <filesystem>
#include <string>

#include "core/macro_config.h"

namespace flexcim::verif {

struct DesignManifest {
  std::string arch;  // "flexcim", "dense", "sparse12" (older manifests: "flexcim")
  std::string top;
  MacroConfig config;
};

DesignManifest ReadDesignManifest(const std::filesystem::path& rtl_dir);

}  // namespace flexcim::verif
