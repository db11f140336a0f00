// LibertyCells: the area and kind (sequential or not) of every cell of a
// liberty file, for splitting Yosys's per-module areas into flip-flop and
// combinational parts (Yosys 0.23's `stat -liberty` prints one area per
// module, not per cell type).
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace flexcim::synth {

struct LibertyCell {
  double area = 0;          // µm²
  bool sequential = false;  // has an ff/latch group, or a flip-flop/latch name
};

using LibertyCells = std::map<std::string, LibertyCell>;

// Sequential by name: sky130_fd_sc_hd__df*, __dl* (latches and clock-gate
// latches; NOT the dlygate/dlymetal delay buffers), __sdf*, __edf*, __sedf*,
// __sdl*.
bool IsSequentialCellName(const std::string& cell);

// Parses `cell ("name") { ... area : X; ... ff (...) / latch (...) }`.
LibertyCells ParseLibertyCells(const std::string& liberty_text);
LibertyCells ReadLibertyCells(const std::filesystem::path& liberty);

}  // namespace flexcim::synth
