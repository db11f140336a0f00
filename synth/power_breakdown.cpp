#include "synth/power_breakdown.h"

#include <fmt/format.h>

#include <regex>
#include <tuple>
#include <unordered_map>
#include <set>
#include <sstream>
#include <vector>

#include "core/errors.h"

namespace flexcim::synth {

namespace {

// "\u_a.g[1].x " -> "u_a.g[1].x"
std::string Unescape(const std::string& name) {
  std::string out = name;
  if (!out.empty() && out[0] == '\\') out.erase(0, 1);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

const std::regex& InstanceLine() {
  static const std::regex kInstance(R"(^\s+(\S+)\s+(\S+)\s*\(\s*$)");
  return kInstance;
}

// A flattened leaf instance's path: Yosys names cells it created inside a
// flattened instance "$flatten\u_sub0.\u_dist.$abc$12$...", public ones
// "\u_sub0.u_dist.q_$_DFF_P__Q "; both become "u_sub0.u_dist.<cell>".
std::string LeafPath(const std::string& name) {
  std::string s = Unescape(name);
  if (s.rfind("$flatten", 0) == 0) s.erase(0, 8);
  std::string out;
  for (char c : s)
    if (c != '\\') out += c;
  return out;
}

}  // namespace

NetlistHierarchy ParseNetlistHierarchy(const std::string& netlist) {
  static const std::regex kModule(R"(^module\s+([^\s(]+)\s*\()");
  std::vector<std::string> lines;
  std::set<std::string> modules;
  {
    std::istringstream in(netlist);
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
      if (std::regex_search(line, m, kModule)) modules.insert(Unescape(m[1]));
      lines.push_back(std::move(line));
    }
  }
  NetlistHierarchy h;
  std::string current;
  std::smatch m;
  for (const auto& line : lines) {
    if (std::regex_search(line, m, kModule)) {
      current = Unescape(m[1]);
      h[current];
    } else if (!current.empty() && std::regex_match(line, m, InstanceLine())) {
      h[current][Unescape(m[2])] = Unescape(m[1]);
    }
  }
  return h;
}

std::map<std::string, std::string> ParseLeafCells(const std::string& flat_netlist) {
  std::map<std::string, std::string> out;
  std::istringstream in(flat_netlist);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("  ", 0) == 0 && line.find('(') != std::string::npos && std::regex_match(line, m, InstanceLine())) {
      out[LeafPath(m[2])] = m[1];
    }
  }
  return out;
}

std::map<std::string, double> ParseInstancePower(const std::string& sta_output) {
  static const std::regex kLine(R"(^\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s+([-+0-9.eE]+)\s+([-+0-9.eE]+)\s+(\S+)\s*$)");
  std::map<std::string, double> out;
  std::istringstream in(sta_output);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kLine)) out[LeafPath(m[5])] = std::stod(m[4]) * 1e3;
  }
  return out;
}

namespace {

// Walks `path` ('.'-joined; OpenSTA's '/' separators count as '.') down the
// user-module instances from `top`: {owning module, the rest of the path}.
std::pair<std::string, std::string> Resolve(const NetlistHierarchy& h, const std::string& top, std::string rest) {
  for (char& c : rest)
    if (c == '/') c = '.';
  std::string module = top;
  for (;;) {
    const auto it = h.find(module);
    if (it == h.end()) return {module, rest};
    size_t best = 0;
    std::string next;
    for (const auto& [inst, type] : it->second) {
      if (!h.count(type)) continue;  // a library cell, not a module
      if (inst.size() + 1 > best && rest.size() > inst.size() && rest.compare(0, inst.size(), inst) == 0 &&
          rest[inst.size()] == '.') {
        best = inst.size() + 1;
        next = type;
      }
    }
    if (best == 0) return {module, rest};
    module = next;
    rest.erase(0, best);
  }
}

}  // namespace

std::string OwningModule(const NetlistHierarchy& h, const std::string& top, const std::string& leaf) {
  return Resolve(h, top, leaf).first;
}

std::map<std::string, double> PowerByComponent(const NetlistHierarchy& h, const std::string& top,
                                               const std::map<std::string, std::string>& leaf_cells,
                                               const std::map<std::string, double>& power,
                                               const LibertyCells& cells, const AreaBreakdownOptions& options) {
  std::map<std::string, double> out;
  for (const auto& c : ComponentOrder()) out[c] = 0;
  // Leaves of one instance share its owning module: resolved once per
  // OpenSTA instance path (the part before the last '/'), which makes the
  // roll-up of the default macro's 400k leaves linear.
  std::unordered_map<std::string, std::string> module_of_prefix;
  for (const auto& [leaf, mw] : power) {
    const size_t slash = leaf.rfind('/');
    std::string module, cell_name;
    const std::string prefix = slash == std::string::npos ? std::string() : leaf.substr(0, slash);
    if (const auto cached = module_of_prefix.find(prefix); slash != std::string::npos && cached != module_of_prefix.end()) {
      module = cached->second;
      cell_name = leaf.substr(slash + 1);
    } else {
      std::tie(module, cell_name) = Resolve(h, top, leaf);
      if (slash != std::string::npos && cell_name == leaf.substr(slash + 1)) module_of_prefix[prefix] = module;
    }
    std::string type;
    if (const auto it = leaf_cells.find(leaf); it != leaf_cells.end()) {
      type = it->second;
    } else if (const auto m = h.find(module); m != h.end() && m->second.count(cell_name)) {
      type = m->second.at(cell_name);
    }
    if (type.empty() || h.count(type)) continue;  // a hierarchical instance (OpenSTA reports 0 W for it)
    const auto cell = cells.find(type);
    if (cell == cells.end()) throw Error(fmt::format("instance {} has unknown cell type {}", leaf, type));
    const ComponentRule& rule = RuleForModule(module);
    AddToComponents(rule, cell->second.sequential ? 0.0 : mw, cell->second.sequential ? mw : 0.0, options, out);
  }
  return out;
}

}  // namespace flexcim::synth
