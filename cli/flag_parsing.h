// Shared flag parsing for subcommands, on Boost.Program_options.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/macro_config.h"

namespace flexcim::cli {

namespace po = boost::program_options;

// Parses `args` against `flags` (plus --help). Returns std::nullopt after
// printing the help text when --help was given. Throws UsageError (exit 2)
// for unknown flags, missing values and values of the wrong type, with
// Boost's message prefixed by the subcommand name.
std::optional<po::variables_map> ParseFlags(const std::vector<std::string>& args,
                                            const po::options_description& flags,
                                            const std::string& command,
                                            const std::string& synopsis);

// The macro flags shared by gen, verify, synth, prune, map, ...: the six
// numbers, --mac and --storage.
struct MacroConfigFlags {
  int subs = MacroConfig::kDefaultSubs;
  int rows = MacroConfig::kDefaultRows;
  int cols = MacroConfig::kDefaultCols;
  int sel_group = 0;  // 0: G = C
  int a_bits = MacroConfig::kDefaultBits;
  int w_bits = MacroConfig::kDefaultBits;
  std::string mac = "bit-parallel";  // --mac bit-parallel|bit-serial
  std::string storage = "ff";        // --storage ff|latch

  // Validates (throws UsageError naming the flag, value and range).
  MacroConfig ToConfig() const;
};

po::options_description MacroConfigOptions(MacroConfigFlags& flags);

// Where the shared data lives: --data-dir, else $FLEXCIM_DATA, else
// <source dir>/../shared/data.
std::string DefaultDataDir();
void AddDataDirOption(po::options_description& flags, std::string& data_dir);

}  // namespace flexcim::cli
