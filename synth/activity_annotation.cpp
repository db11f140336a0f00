#include "synth/activity_annotation.h"

#include <fmt/format.h>

#include <regex>
#include <sstream>

#include "core/errors.h"

namespace flexcim::synth {

namespace {

// "\u_a.w_q [3]" -> "u_a.w_q[3]"; "\o[0] " -> "o[0]".
std::string NetKey(const std::string& net) {
  std::string out;
  for (char c : net)
    if (c != '\\' && c != ' ') out += c;
  return out;
}

}  // namespace

ActivityCut CutRegisterInputs(const std::string& netlist, const std::string& top,
                              const std::map<std::string, double>& rates,
                              const std::set<std::string>& sequential_cells) {
  static const std::regex kInstance(R"(^\s+(\S+)\s+(\S+)\s*\(\s*$)");
  static const std::regex kPin(R"(^(\s*)\.(\w+)\((.*)\)(,?)\s*$)");
  ActivityCut cut;
  std::vector<std::string> lines;
  {
    std::istringstream in(netlist);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  const std::string header = fmt::format("module {}(", top);
  size_t module_line = lines.size(), module_end = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (module_line == lines.size() && lines[i].rfind(header, 0) == 0) module_line = i;
    if (module_line != lines.size() && lines[i] == "endmodule") {
      module_end = i;
      break;
    }
  }
  if (module_line == lines.size()) throw Error(fmt::format("netlist has no module {}", top));
  // Yosys wraps a long port list over several lines; the header ends at the first ");".
  size_t header_end = module_line;
  while (header_end < module_end && lines[header_end].find(");") == std::string::npos) ++header_end;
  if (header_end == module_end) throw Error(fmt::format("netlist: module {} header has no end", top));

  for (size_t i = header_end + 1; i < module_end; ++i) {
    std::smatch m;
    if (!std::regex_match(lines[i], m, kInstance) || !sequential_cells.count(m[1].str())) continue;
    size_t d_line = 0;
    std::string q_net;
    size_t j = i + 1;
    for (; j < module_end && lines[j].find(");") == std::string::npos; ++j) {
      std::smatch p;
      if (!std::regex_match(lines[j], p, kPin)) continue;
      if (p[2] == "D") d_line = j;
      if (p[2] == "Q") q_net = p[3];
    }
    if (d_line == 0 || q_net.empty()) continue;
    ++cut.sequential_cells;
    const auto rate = rates.find(NetKey(q_net));
    if (rate != rates.end()) {
      const std::string port = fmt::format("flexcim_act_{}", cut.ports.size());
      std::smatch p;
      std::regex_match(lines[d_line], p, kPin);
      lines[d_line] = fmt::format("{}.D({}){}", p[1].str(), port, p[4].str());
      cut.ports[port] = rate->second;
      ++cut.annotated_cells;
    }
    i = j;
  }

  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == header_end && !cut.ports.empty()) {
      // "module top(a, b);" -> "module top(a, b, flexcim_act_0, ...);" and the declarations.
      const size_t close = lines[i].rfind(");");
      std::string added, decls;
      for (const auto& [port, rate] : cut.ports) {
        added += ", " + port;
        decls += fmt::format("  input {};\n", port);
      }
      out += lines[i].substr(0, close) + added + lines[i].substr(close) + "\n" + decls;
      continue;
    }
    out += lines[i] + "\n";
  }
  cut.netlist = std::move(out);
  return cut;
}

}  // namespace flexcim::synth
