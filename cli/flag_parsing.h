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
  // For commands that build several designs (synth): --mac and --storage
  // are comma lists, and one configuration per MAC style x storage kind is
  // returned, in the order given (MAC style outer).
  // A value outside the set, an empty list or a value given twice is a
  // UsageError naming the flag.
  std::vector<MacroConfig> ToConfigs() const;
};

// `style_lists`: the help says --mac and --storage take comma lists (ToConfigs).
po::options_description MacroConfigOptions(MacroConfigFlags& flags, bool style_lists = false);

// The items of a comma-separated flag value, empty items skipped. Throws
// UsageError "--<flag>: give at least one value" for none and
// "--<flag> <value>: '<item>' given twice" for a repeated item.
std::vector<std::string> CommaList(const std::string& flag, const std::string& value);

// Where the shared data lives: --data-dir, else $FLEXCIM_DATA, else
// <source dir>/../shared/data.
std::string DefaultDataDir();
void AddDataDirOption(po::options_description& flags, std::string& data_dir);

}  // namespace flexcim::cli
