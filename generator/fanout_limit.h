// The largest number of loads one generated net may drive (docs/ARCHITECTURE.md
// "Fan-out"). The synthesis flow has no buffering step across module
// boundaries (docs/PPA.md), so every generated net that would drive more
// loads is split by the generator itself: replicated registers (each copy
// its own instance of a one-flip-flop module, so Yosys keeps them apart) or
// an explicit tree. The limit counts cell input pins of the mapped netlist;
// the clock and the top level's input ports (driven by the environment, an
// ideal driver in the flow) are not generated nets.
#pragma once

namespace flexcim::gen {

inline constexpr int kMaxGeneratedFanout = 64;

// Copies of a control bit that drives `loads` loads: ceil(loads / limit), >= 1.
inline int FanoutCopies(int loads) {
  return loads <= kMaxGeneratedFanout ? 1 : (loads + kMaxGeneratedFanout - 1) / kMaxGeneratedFanout;
}

}  // namespace flexcim::gen
