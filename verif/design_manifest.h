// ReadDesignManifest: what a testbench needs from a generated design
// directory's manifest.json: its architecture, top module and
// configuration (core/config_json ReadManifest: also refuses a manifest
// whose latency, initiation interval, output width or ports differ from
// what this build derives). Throws flexcim::Error naming the file.
#pragma once

#include <filesystem>
#include <string>

#include "core/macro_config.h"

namespace flexcim::verif {

struct DesignManifest {
  std::string arch;  // "flexcim", "dense", "sparse12"
  std::string top;
  MacroConfig config;
};

DesignManifest ReadDesignManifest(const std::filesystem::path& rtl_dir);

}  // namespace flexcim::verif
