#include "verif/vcd_header.h"

#include <fmt/format.h>

#include <cstdio>
#include <sstream>
#include <vector>

#include "core/errors.h"

namespace flexcim::verif {

int64_t ReadVcdHeader(std::istream& in, const std::function<void(const VcdVarDefinition&)>& on_var) {
  std::vector<std::string> scopes;
  int64_t line_no = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream words(line);
    std::string w;
    if (!(words >> w)) continue;
    if (w == "$scope") {
      std::string kind, name;
      words >> kind >> name;
      scopes.push_back(name);
    } else if (w == "$upscope") {
      if (!scopes.empty()) scopes.pop_back();
    } else if (w == "$enddefinitions") {
      break;
    } else if (w == "$var") {
      VcdVarDefinition v;
      std::string type, range;
      if (!(words >> type >> v.width >> v.id >> v.name) || v.width <= 0) {
        throw Error(fmt::format("VCD line {}: malformed $var", line_no));
      }
      words >> range;
      // Verilator wraps the top module in a scope "TOP" or one of the top's own name.
      const size_t top_depth = scopes.size() >= 2 && (scopes[0] == "TOP" || scopes[1] == scopes[0]) ? 2 : 1;
      if (scopes.size() < top_depth) continue;  // outside the top module
      for (size_t i = top_depth; i < scopes.size(); ++i) v.path += scopes[i] + ".";
      v.vector = range.size() > 1 && range[0] == '[';
      if (v.vector) {
        int msb = 0, lsb = 0;
        if (std::sscanf(range.c_str(), "[%d:%d]", &msb, &lsb) == 2) {
          v.lsb = lsb;
        } else if (std::sscanf(range.c_str(), "[%d]", &msb) == 1) {
          v.lsb = msb;
        }
      }
      on_var(v);
    }
  }
  return line_no;
}

}  // namespace flexcim::verif
