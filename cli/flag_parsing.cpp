#include "cli/flag_parsing.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "core/errors.h"

#ifndef FLEXCIM_SOURCE_DIR
#error "FLEXCIM_SOURCE_DIR must be defined by the build"
#endif

namespace flexcim::cli {

namespace {

constexpr char kPositional[] = "positional-argument";

template <typename T>
bool IsTyped(const po::option_description& d) {
  return dynamic_cast<const po::typed_value<T>*>(d.semantic().get()) != nullptr;
}

bool IsUnsigned(const po::option_description& d) {
  return IsTyped<unsigned>(d) || IsTyped<unsigned long>(d) || IsTyped<unsigned long long>(d) ||
         IsTyped<unsigned short>(d) || IsTyped<std::vector<unsigned>>(d) ||
         IsTyped<std::vector<unsigned long>>(d) || IsTyped<std::vector<unsigned long long>>(d);
}

// Checks Boost leaves to us: a value given as "" (or "--out="), a negative
// number for an unsigned flag (Boost wraps "-1" to 2^64-1), a positional
// argument, a non-finite number.
void CheckTokens(const po::parsed_options& parsed, const po::options_description& all) {
  for (const po::option& o : parsed.options) {
    if (o.string_key == kPositional) {
      throw po::error(fmt::format("unexpected argument '{}': this command takes only --flags",
                                  o.value.empty() ? "" : o.value.front()));
    }
    const po::option_description* d = all.find_nothrow(o.string_key, false);
    if (d == nullptr) continue;
    for (const std::string& v : o.value) {
      if (v.empty()) throw po::error(fmt::format("--{}: empty value", o.string_key));
      if (IsUnsigned(*d) && v.find('-') != std::string::npos) {
        throw po::error(fmt::format("--{} {}: must be a non-negative integer", o.string_key, v));
      }
    }
  }
}

void CheckFinite(const po::variables_map& vm) {
  for (const auto& [name, value] : vm) {
    const double* d = boost::any_cast<double>(&value.value());
    const float* f = boost::any_cast<float>(&value.value());
    if ((d && !std::isfinite(*d)) || (f && !std::isfinite(*f))) {
      throw po::error(fmt::format("--{} {}: must be a finite number", name, d ? *d : *f));
    }
  }
}

}  // namespace

std::optional<po::variables_map> ParseFlags(const std::vector<std::string>& args,
                                            const po::options_description& flags,
                                            const std::string& command,
                                            const std::string& synopsis) {
  po::options_description all;
  all.add_options()("help,h", "print this help and exit");
  all.add(flags);
  // Positional arguments are collected only to be refused with a clear message.
  po::options_description parsing;
  parsing.add(all);
  parsing.add_options()(kPositional, po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add(kPositional, -1);
  // No abbreviated long options: "--sub" is not "--subs" (Boost guesses by default).
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  po::variables_map vm;
  try {
    const po::parsed_options parsed =
        po::command_line_parser(args).options(parsing).positional(positional).style(style).run();
    CheckTokens(parsed, parsing);
    po::store(parsed, vm);
    if (vm.count("help")) {
      std::cout << fmt::format("usage: flexcim {} {}\n\n", command, synopsis) << all << "\n";
      return std::nullopt;
    }
    po::notify(vm);
    CheckFinite(vm);
  } catch (const po::error& e) {
    throw UsageError(fmt::format("{} (see 'flexcim {} --help')", e.what(), command));
  }
  return vm;
}

MacroConfig MacroConfigFlags::ToConfig() const {
  return MacroConfig::Create(MacroParams{.subs = subs,
                                         .rows = rows,
                                         .cols = cols,
                                         .sel_group = sel_group,
                                         .a_bits = a_bits,
                                         .w_bits = w_bits,
                                         .mac = ParseMacStyle(mac),
                                         .storage = ParseStorageKind(storage)});
}

std::vector<MacroConfig> MacroConfigFlags::ToConfigs() const {
  std::vector<MacroConfig> configs;
  const auto storages = CommaList("storage", storage);
  for (const std::string& m : CommaList("mac", mac)) {
    for (const std::string& k : storages) {
      MacroConfigFlags one = *this;
      one.mac = m;
      one.storage = k;
      configs.push_back(one.ToConfig());
    }
  }
  return configs;
}

std::vector<std::string> CommaList(const std::string& flag, const std::string& value) {
  std::vector<std::string> items;
  std::stringstream ss(value);
  for (std::string item; std::getline(ss, item, ',');) {
    if (item.empty()) continue;
    if (std::find(items.begin(), items.end(), item) != items.end()) {
      throw UsageError(fmt::format("--{} {}: '{}' given twice", flag, value, item));
    }
    items.push_back(item);
  }
  if (items.empty()) throw UsageError(fmt::format("--{}: give at least one value", flag));
  return items;
}

po::options_description MacroConfigOptions(MacroConfigFlags& f, bool style_lists) {
  po::options_description d("Macro configuration (FLEXCIM.md section 1)");
  d.add_options()
      ("subs", po::value(&f.subs)->default_value(f.subs), "P: sub-macros, power of two in [1, 16]")
      ("rows", po::value(&f.rows)->default_value(f.rows), "R: rows per sub-macro, power of two in [2, 256]")
      ("cols", po::value(&f.cols)->default_value(f.cols), "C: columns per sub-macro, power of two in [1, 256]")
      ("sel-group", po::value(&f.sel_group)->default_value(f.sel_group),
       "G: columns sharing one pair select, power of two in [1, C]; 0 means G = C")
      ("a-bits", po::value(&f.a_bits)->default_value(f.a_bits), "A: activation bits in [2, 16]")
      ("w-bits", po::value(&f.w_bits)->default_value(f.w_bits), "W: weight bits in [2, 16]")
      ("mac", po::value(&f.mac)->default_value(f.mac),
       style_lists ? "cell styles, comma-separated, one design each (FLEXCIM.md 5c): bit-parallel "
                     "(a W x A product per cell, initiation interval 1), bit-serial (one activation bit "
                     "plane per cycle ANDed with the weights, shift-accumulated; initiation interval A)"
                   : "cell style (FLEXCIM.md 5c): bit-parallel (a W x A product per cell, initiation "
                     "interval 1) or bit-serial (one activation bit plane per cycle ANDed with the "
                     "weights, shift-accumulated; initiation interval A)")
      ("storage", po::value(&f.storage)->default_value(f.storage),
       style_lists ? "storage kinds, comma-separated, one design each: ff (flip-flops), latch (one "
                     "clock-gated row of latches per write, sky130 dlxtp; docs/ARCHITECTURE.md "
                     "\"Latch storage\")"
                   : "what holds weights, element bits and pair selects: ff (flip-flops) or latch (one "
                     "clock-gated row of latches per write, sky130 dlxtp; same write timing, "
                     "docs/ARCHITECTURE.md \"Latch storage\")");
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
