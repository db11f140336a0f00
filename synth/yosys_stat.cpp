#include "synth/yosys_stat.h"

#include <regex>
#include <sstream>

#include "core/errors.h"

namespace flexcim::synth {

namespace {

std::string StripEscape(std::string name) {
  if (!name.empty() && name.front() == '\\') name.erase(0, 1);
  return name;
}

}  // namespace

YosysStat ParseYosysStat(const std::string& text) {
  static const std::regex kSection(R"(^=== (.+) ===\s*$)");
  static const std::regex kCellsHeader(R"(^\s+Number of cells:\s+\d+\s*$)");
  static const std::regex kCellLine(R"(^\s+(\S+)\s+(\d+)\s*$)");
  static const std::regex kModuleArea(R"(^\s*Chip area for module '(.+)':\s+([0-9.eE+-]+)\s*$)");
  static const std::regex kTopArea(R"(^\s*Chip area for top module '(.+)':\s+([0-9.eE+-]+)\s*$)");

  YosysStat stat;
  std::istringstream in(text);
  std::string line;
  YosysModuleStat* current = nullptr;  // null outside module sections
  bool in_cells = false;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kSection)) {
      in_cells = false;
      const std::string name = StripEscape(m[1].str());
      current = name == "design hierarchy" ? nullptr : &stat.modules[name];
      continue;
    }
    if (std::regex_match(line, m, kTopArea)) {
      stat.top = StripEscape(m[1].str());
      stat.top_area = std::stod(m[2].str());
      continue;
    }
    if (current == nullptr) continue;
    if (std::regex_match(line, m, kModuleArea)) {
      current->chip_area = std::stod(m[2].str());
      in_cells = false;
    } else if (std::regex_match(line, kCellsHeader)) {
      in_cells = true;
    } else if (in_cells && std::regex_match(line, m, kCellLine)) {
      current->cell_counts[StripEscape(m[1].str())] += std::stoll(m[2].str());
    } else {
      in_cells = false;
    }
  }
  if (stat.modules.empty()) throw Error("no `=== module ===` section in the Yosys statistics");
  return stat;
}

}  // namespace flexcim::synth
