#include "synth/liberty_cells.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace flexcim::synth {

bool IsSequentialCellName(const std::string& cell) {
  const auto sep = cell.rfind("__");
  const std::string base = sep == std::string::npos ? cell : cell.substr(sep + 2);
  auto starts = [&](const char* p) { return base.rfind(p, 0) == 0; };
  if (starts("dlygate") || starts("dlymetal")) return false;
  return starts("df") || starts("dl") || starts("sdf") || starts("edf") || starts("sedf") ||
         starts("sdl");
}

LibertyCells ParseLibertyCells(const std::string& text) {
  LibertyCells cells;
  std::istringstream in(text);
  std::string line;
  std::string current;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    const std::string_view body = std::string_view(line).substr(first);
    if (body.starts_with("cell (") || body.starts_with("cell(")) {
      const auto open = line.find('(');
      const auto close = line.find(')', open);
      std::string name = line.substr(open + 1, close - open - 1);
      std::erase(name, '"');
      std::erase(name, ' ');
      current = name;
      cells[current].sequential = IsSequentialCellName(current);
    } else if (!current.empty() && (body.starts_with("area :") || body.starts_with("area:"))) {
      cells[current].area = std::stod(std::string(body.substr(body.find(':') + 1)));
    } else if (!current.empty() && (body.starts_with("ff (") || body.starts_with("ff(") ||
                                    body.starts_with("latch (") || body.starts_with("latch("))) {
      cells[current].sequential = true;
    }
  }
  return cells;
}

LibertyCells ReadLibertyCells(const std::filesystem::path& liberty) {
  std::ifstream in(liberty, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read liberty file {}", liberty.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseLibertyCells(ss.str());
}

}  // namespace flexcim::synth
