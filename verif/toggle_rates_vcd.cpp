#include "verif/toggle_rates_vcd.h"

#include <fmt/format.h>

#include <sstream>
#include <unordered_map>
#include <vector>

#include "core/errors.h"
#include "verif/vcd_header.h"

namespace flexcim::verif {

namespace {

struct VcdVar {
  std::vector<std::string> names;  // every alias, relative to the top module
  int width = 1;
  int lsb = 0;                     // index of the rightmost bit
  bool vector = false;             // names get "[bit]"
  std::string value;               // MSB first, width characters
  std::vector<int64_t> toggles;    // per bit, index 0 = rightmost
};

bool Known(char c) { return c == '0' || c == '1'; }

// A VCD vector value widened to `width` (left-extended with 0, or with x/z
// when that is its leftmost character).
std::string Widen(const std::string& v, int width) {
  if (static_cast<int>(v.size()) >= width) return v.substr(v.size() - width);
  const char fill = (v.empty() || Known(v[0])) ? '0' : v[0];
  return std::string(width - v.size(), fill) + v;
}

}  // namespace

VcdToggleRates ToggleRatesFromVcd(std::istream& in, const std::string& clock) {
  std::unordered_map<std::string, VcdVar> vars;  // by id code
  std::string clock_id;
  int64_t rising = 0;
  std::string line;

  auto change = [&](const std::string& id, const std::string& raw) {
    const auto it = vars.find(id);
    if (it == vars.end()) return;
    VcdVar& v = it->second;
    const std::string next = Widen(raw, v.width);
    if (id == clock_id && v.value.size() == 1 && v.value[0] == '0' && next[0] == '1') ++rising;
    for (int b = 0; b < v.width; ++b) {
      const char before = v.value[v.width - 1 - b], after = next[v.width - 1 - b];
      if (Known(before) && Known(after) && before != after) ++v.toggles[b];
    }
    v.value = next;
  };

  int64_t line_no = ReadVcdHeader(in, [&](const VcdVarDefinition& d) {
    VcdVar& v = vars[d.id];
    v.width = d.width;
    v.vector = d.vector;
    v.lsb = d.lsb;
    v.names.push_back(d.FullName());
    v.value.assign(d.width, 'x');
    v.toggles.assign(d.width, 0);
    if (d.top_level() && d.name == clock && d.width == 1) clock_id = d.id;
  });
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream words(line);
    std::string w;
    if (!(words >> w)) continue;
    if (w[0] == '#' || w[0] == '$') continue;  // time stamps, $dumpvars/$end
    if (w[0] == 'b' || w[0] == 'B') {
      std::string id;
      if (!(words >> id)) throw Error(fmt::format("VCD line {}: vector value without an id", line_no));
      change(id, w.substr(1));
    } else if (w[0] == 'r' || w[0] == 'R') {
      continue;  // real values: not bits
    } else {
      change(w.substr(1), w.substr(0, 1));
    }
  }
  if (clock_id.empty()) throw Error(fmt::format("VCD has no 1-bit '{}' in the top module", clock));
  if (rising == 0) throw Error(fmt::format("VCD has no rising edge of '{}'", clock));
  VcdToggleRates out;
  out.clock_cycles = rising;
  for (const auto& [id, v] : vars) {
    for (const auto& name : v.names) {
      for (int b = 0; b < v.width; ++b) {
        const std::string key = v.vector ? fmt::format("{}[{}]", name, v.lsb + b) : name;
        out.rates[key] = static_cast<double>(v.toggles[b]) / static_cast<double>(rising);
      }
    }
  }
  return out;
}

}  // namespace flexcim::verif
