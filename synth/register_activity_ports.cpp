#include "synth/register_activity_ports.h"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <sstream>
#include <string_view>

#include "core/errors.h"

namespace flexcim::synth {

namespace {

constexpr const char* kBus = "flexcim_act";

// "\u_a.w_q [3]" -> "u_a.w_q[3]"; "\o[0] " -> "o[0]".
std::string NetKey(std::string_view net) {
  std::string out;
  for (char c : net)
    if (c != '\\' && c != ' ') out += c;
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

struct Instance {
  std::string type, name;  // name as written (escaped names keep their '\')
  size_t open_line = 0;
  size_t d_line = 0;       // leaf cells: the .D( line, 0 if none
  std::string q_net;       // leaf cells: the net on .Q(
};

struct Module {
  size_t header_begin = 0, header_end = 0, end = 0;  // lines
  std::vector<Instance> instances;
};

// ".D(net)," -> {"D", "net"}; empty pin for anything else.
std::pair<std::string_view, std::string_view> Pin(std::string_view line) {
  line = Trim(line);
  if (line.empty() || line[0] != '.') return {};
  const size_t open = line.find('(');
  const size_t close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  return {line.substr(1, open - 1), line.substr(open + 1, close - open - 1)};
}

}  // namespace

RegisterPorts CutRegistersToPorts(const std::string& netlist, const std::string& top,
                                  const std::set<std::string>& sequential_cells) {
  std::vector<std::string> lines;
  {
    std::istringstream in(netlist);
    std::string line;
    while (std::getline(in, line)) lines.push_back(std::move(line));
  }
  std::map<std::string, Module> modules;
  std::vector<std::string> order;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("module ", 0) != 0) continue;
    const size_t paren = lines[i].find('(');
    const std::string name(Trim(std::string_view(lines[i]).substr(7, paren == std::string::npos ? std::string::npos
                                                                                                  : paren - 7)));
    Module m;
    m.header_begin = i;
    while (i < lines.size() && lines[i].find(");") == std::string::npos) ++i;
    if (i == lines.size()) throw Error(fmt::format("netlist: module {} header has no end", name));
    m.header_end = i;
    for (++i; i < lines.size() && lines[i] != "endmodule"; ++i) {
      const std::string_view t = Trim(lines[i]);
      if (t.empty() || t.back() != '(' || t[0] == '.') continue;
      const size_t blank = t.find(' ');
      if (blank == std::string_view::npos) continue;
      Instance inst;
      inst.type = std::string(t.substr(0, blank));
      if (inst.type == "assign" || inst.type == "input" || inst.type == "output" || inst.type == "wire") continue;
      inst.name = std::string(Trim(t.substr(blank, t.size() - 1 - blank)));
      inst.open_line = i;
      size_t j = i + 1;
      for (; j < lines.size() && Trim(lines[j]) != ");"; ++j) {
        const auto [pin, net] = Pin(lines[j]);
        if (pin == "D") inst.d_line = j;
        if (pin == "Q") inst.q_net = std::string(net);
        if (pin == kBus) throw Error(fmt::format("netlist: module {} already has a {} connection", name, kBus));
      }
      i = j;
      m.instances.push_back(std::move(inst));
    }
    m.end = i;
    modules[name] = std::move(m);
    order.push_back(name);
  }
  if (!modules.count(top)) throw Error(fmt::format("netlist has no module {}", top));

  auto is_register = [&](const Instance& inst) {
    return sequential_cells.count(inst.type) && inst.d_line != 0 && !inst.q_net.empty();
  };
  std::map<std::string, size_t> bits;  // flexcim_act width per module
  std::function<size_t(const std::string&)> count = [&](const std::string& name) -> size_t {
    if (const auto it = bits.find(name); it != bits.end()) return it->second;
    size_t n = 0;
    for (const Instance& inst : modules.at(name).instances) {
      if (is_register(inst)) ++n;
      else if (modules.count(inst.type)) n += count(inst.type);
    }
    return bits[name] = n;
  };
  const size_t total = count(top);

  RegisterPorts out;
  out.output_nets.reserve(total);
  out.cells.reserve(total);
  std::function<void(const std::string&, const std::string&)> enumerate = [&](const std::string& name,
                                                                               const std::string& prefix) {
    for (const Instance& inst : modules.at(name).instances) {
      if (is_register(inst)) {
        out.output_nets.push_back(prefix + NetKey(inst.q_net));
        out.cells.push_back(prefix + NetKey(inst.name));
      } else if (modules.count(inst.type) && bits.at(inst.type) > 0) {
        enumerate(inst.type, prefix + NetKey(inst.name) + ".");
      }
    }
  };
  enumerate(top, "");

  // Rewrite every module that holds registers (shared by all its instances).
  std::vector<std::string> insert_after(lines.size());  // text added after a line
  for (const auto& [name, m] : modules) {
    const auto n_it = bits.find(name);
    if (n_it == bits.end() || n_it->second == 0) continue;
    std::string& header = lines[m.header_end];
    const size_t close = header.rfind(");");
    header = header.substr(0, close) + fmt::format(", {}", kBus) + header.substr(close);
    insert_after[m.header_end] += fmt::format("  input [{}:0] {};\n", n_it->second - 1, kBus);
    size_t next = 0;
    for (const Instance& inst : m.instances) {
      if (is_register(inst)) {
        std::string& d = lines[inst.d_line];
        const size_t open = d.find(".D(");
        const bool comma = Trim(d).back() == ',';
        d = d.substr(0, open) + fmt::format(".D({}[{}]){}", kBus, next++, comma ? "," : "");
      } else if (modules.count(inst.type) && bits.at(inst.type) > 0) {
        const size_t w = bits.at(inst.type);
        insert_after[inst.open_line] += fmt::format("    .{}({}[{}:{}]),\n", kBus, kBus, next + w - 1, next);
        next += w;
      }
    }
  }
  std::string text;
  text.reserve(netlist.size() + netlist.size() / 8);
  for (size_t i = 0; i < lines.size(); ++i) {
    text += lines[i];
    text += '\n';
    text += insert_after[i];
  }
  out.netlist = std::move(text);
  return out;
}

}  // namespace flexcim::synth
