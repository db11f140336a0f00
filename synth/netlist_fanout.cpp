#include "synth/netlist_fanout.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_map>

#include "core/errors.h"

namespace flexcim::synth {

namespace {

using nlohmann::json;

// object[key], or an empty object when the key is absent.
const json& Member(const json& object, const char* key) {
  static const json kEmpty = json::object();
  const auto it = object.find(key);
  return it == object.end() ? kEmpty : *it;
}

// Per module: the loads inside it (and its instances) of each net bit.
struct ModuleLoads {
  std::unordered_map<int, int> loads;  // net bit -> loads
};

class FanoutCounter {
 public:
  explicit FanoutCounter(const json& modules) : modules_(modules) {}

  const ModuleLoads& Loads(const std::string& name) {
    if (auto it = done_.find(name); it != done_.end()) return it->second;
    const json& module = modules_.at(name);
    ModuleLoads result;
    const json& cells = Member(module, "cells");
    for (const auto& [cell_name, cell] : cells.items()) {
      const std::string type = cell.at("type").get<std::string>();
      const json& connections = cell.at("connections");
      if (modules_.contains(type)) {
        // An instance: each connected bit gets the loads of the child's
        // port net inside the child (input and output ports alike).
        const ModuleLoads& child = Loads(type);
        const json& ports = Member(modules_.at(type), "ports");
        for (const auto& [port, bits] : connections.items()) {
          if (!ports.contains(port)) {
            throw Error(fmt::format("netlist: instance {} of {} connects port {}, which {} does not declare",
                                    cell_name, type, port, type));
          }
          const json& child_bits = ports.at(port).at("bits");
          for (size_t k = 0; k < bits.size() && k < child_bits.size(); ++k) {
            if (!bits[k].is_number_integer() || !child_bits[k].is_number_integer()) continue;
            const auto found = child.loads.find(child_bits[k].get<int>());
            if (found != child.loads.end()) result.loads[bits[k].get<int>()] += found->second;
          }
        }
        continue;
      }
      // A library or internal cell: one load per connected input pin bit.
      const json& directions = Member(cell, "port_directions");
      for (const auto& [port, bits] : connections.items()) {
        if (directions.value(port, std::string()) != "input") continue;
        for (const auto& bit : bits) {
          if (bit.is_number_integer()) ++result.loads[bit.get<int>()];
        }
      }
    }
    return done_.emplace(name, std::move(result)).first->second;
  }

 private:
  const json& modules_;
  std::map<std::string, ModuleLoads> done_;
};

// The bits of a module's ports of one direction.
std::set<int> PortBits(const json& module, const std::string& direction) {
  std::set<int> bits;
  const json& ports = Member(module, "ports");
  for (const auto& [name, port] : ports.items()) {
    if (port.at("direction").get<std::string>() != direction) continue;
    for (const auto& bit : port.at("bits")) {
      if (bit.is_number_integer()) bits.insert(bit.get<int>());
    }
  }
  return bits;
}

// Modules instantiated below `top` (itself included).
void Reachable(const json& modules, const std::string& name, std::set<std::string>& seen) {
  if (!seen.insert(name).second) return;
  const json& cells = Member(modules.at(name), "cells");
  for (const auto& [cell_name, cell] : cells.items()) {
    const std::string type = cell.at("type").get<std::string>();
    if (modules.contains(type)) Reachable(modules, type, seen);
  }
}

// A readable name of net bit `bit` of `module`: a visible net name when
// there is one, with the bit index for buses.
std::string BitName(const json& module, const std::string& module_name, int bit) {
  std::string best;
  bool best_visible = false;
  const json& netnames = Member(module, "netnames");
  for (const auto& [name, net] : netnames.items()) {
    const json& bits = net.at("bits");
    for (size_t k = 0; k < bits.size(); ++k) {
      if (!bits[k].is_number_integer() || bits[k].get<int>() != bit) continue;
      const bool visible = net.value("hide_name", 0) == 0;
      if (best.empty() || (visible && !best_visible)) {
        best = bits.size() == 1 ? name : fmt::format("{}[{}]", name, k);
        best_visible = visible;
      }
    }
  }
  return fmt::format("{}.{}", module_name, best.empty() ? fmt::format("bit{}", bit) : best);
}

}  // namespace

NetFanout LargestFanout(const json& yosys_netlist, const std::string& top) {
  const json& modules = yosys_netlist.at("modules");
  if (!modules.contains(top)) throw Error(fmt::format("netlist: no module {}", top));
  std::set<std::string> below;
  Reachable(modules, top, below);
  FanoutCounter counter(modules);
  NetFanout largest;
  std::string largest_module;
  int largest_bit = -1;
  for (const std::string& name : below) {
    const json& module = modules.at(name);
    // A net entering through an input port is counted where it is driven
    // (the parent, or the environment for the top); one leaving through an
    // output port is counted in the parent, except at the top.
    const std::set<int> inputs = PortBits(module, "input");
    const std::set<int> outputs = name == top ? std::set<int>{} : PortBits(module, "output");
    for (const auto& [bit, loads] : counter.Loads(name).loads) {
      if (inputs.count(bit) || outputs.count(bit)) continue;
      if (loads > largest.loads || (loads == largest.loads && largest_bit >= 0 &&
                                    std::tie(name, bit) < std::tie(largest_module, largest_bit))) {
        largest.loads = loads;
        largest_module = name;
        largest_bit = bit;
      }
    }
  }
  if (largest_bit >= 0) largest.net = BitName(modules.at(largest_module), largest_module, largest_bit);
  return largest;
}

}  // namespace flexcim::synth
