#include "cli/flag_parsing.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "core/errors.h"

#ifndef FLEXCIM_SOURCE_DIR
#error "FLEXCIM_SOURCE_DIR must be defined by the build"
#endif

namespace flexcim::cli {

std::optional<po::variables_map> ParseFlags(const std::vector<std::string>& args,
                                            const po::options_description& flags,
                                            const std::string& command,
                                            const std::string& synopsis) {
  po::options_description all;
  all.add_options()("help,h", "print this help and exit");
  all.add(flags);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).run(), vm);
    if (vm.count("help")) {
      std::cout << fmt::format("usage: flexcim {} {}\n\n", command, synopsis) << all << "\n";
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(fmt::format("{} (see 'flexcim {} --help')", e.what(), command));
  }
  return vm;
}

MacroConfig MacroConfigFlags::ToConfig() const {
  return MacroConfig::Create(subs, rows, cols, sel_group, a_bits, w_bits);
}

po::options_description MacroConfigOptions(MacroConfigFlags& f) {
  po::options_description d("Macro configuration (FLEXCIM.md section 1)");
  d.add_options()
      ("subs", po::value(&f.subs)->default_value(f.subs), "P: sub-macros, power of two in [1, 16]")
      ("rows", po::value(&f.rows)->default_value(f.rows), "R: rows per sub-macro, power of two in [2, 256]")
      ("cols", po::value(&f.cols)->default_value(f.cols), "C: columns per sub-macro, power of two in [1, 256]")
      ("sel-group", po::value(&f.sel_group)->default_value(f.sel_group),
       "G: columns sharing one pair select, power of two in [1, C]; 0 means G = C")
      ("a-bits", po::value(&f.a_bits)->default_value(f.a_bits), "A: activation bits in [2, 16]")
      ("w-bits", po::value(&f.w_bits)->default_value(f.w_bits), "W: weight bits in [2, 16]");
  return d;
}

std::string DefaultDataDir() {
  if (const char* env = std::getenv("FLEXCIM_DATA"); env != nullptr && *env != '\0') return env;
  return std::string(FLEXCIM_SOURCE_DIR) + "/../shared/data";
}

void AddDataDirOption(po::options_description& flags, std::string& data_dir) {
  flags.add_options()("data-dir", po::value(&data_dir)->default_value(DefaultDataDir()),
                      "directory with stories260K.bin, tok512.bin, the text and liberty/ "
                      "(env FLEXCIM_DATA)");
}

}  // namespace flexcim::cli
