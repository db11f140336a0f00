#include "verif/toggle_rates_vcd.h"

#include <fmt/format.h>

#include <sstream>
#include <unordered_map>
#include <vector>

#include "core/errors.h"

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
  std::vector<std::string> scopes;
  std::string clock_id;
  bool definitions = true;
  int64_t rising = 0, line_no = 0;
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

  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream words(line);
    std::string w;
    if (!(words >> w)) continue;
    if (definitions) {
      if (w == "$scope") {
        std::string kind, name;
        words >> kind >> name;
        scopes.push_back(name);
      } else if (w == "$upscope") {
        if (!scopes.empty()) scopes.pop_back();
      } else if (w == "$enddefinitions") {
        definitions = false;
      } else if (w == "$var") {
        std::string type, id, name, range;
        int width = 0;
        if (!(words >> type >> width >> id >> name) || width <= 0) {
          throw Error(fmt::format("VCD line {}: malformed $var", line_no));
        }
        words >> range;
        // Verilator wraps the top module in a scope "TOP" or one of the top's own name.
        const size_t top_depth =
            scopes.size() >= 2 && (scopes[0] == "TOP" || scopes[1] == scopes[0]) ? 2 : 1;
        if (scopes.size() < top_depth) continue;  // outside the top module
        std::string path;
        for (size_t i = top_depth; i < scopes.size(); ++i) path += scopes[i] + ".";
        VcdVar& v = vars[id];
        v.width = width;
        v.vector = range.size() > 1 && range[0] == '[';
        if (v.vector) {
          int msb = 0, lsb = 0;
          if (std::sscanf(range.c_str(), "[%d:%d]", &msb, &lsb) == 2) {
            v.lsb = lsb;
          } else if (std::sscanf(range.c_str(), "[%d]", &msb) == 1) {
            v.lsb = msb;
          }
        }
        v.names.push_back(path + name);
        v.value.assign(width, 'x');
        v.toggles.assign(width, 0);
        if (path.empty() && name == clock && width == 1) clock_id = id;
      }
      continue;
    }
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
