// ClockCycle: one clock period of a Verilated model, with the model's time
// advancing per edge so that a waveform shows real clock edges: the pins
// set for this cycle are evaluated with clk low at time t, the rising edge
// happens at t + kHalfPeriod, and the next cycle starts at t + 2 *
// kHalfPeriod (its falling edge coincides with the next inputs). Both
// levels are evaluated: latch storage (docs/ARCHITECTURE.md "Latch
// storage") opens its row latches while clk is low, in the first
// evaluation of the cycle after a write's edge. After
// each evaluation `after_eval(time)` is called when set (a waveform dumps
// there).
#pragma once

#include <verilated.h>

#include <cstdint>
#include <functional>

namespace flexcim::verif {

inline constexpr uint64_t kHalfPeriod = 5;  // model time units (1 ns in flexcim verify's build)

using AfterEval = std::function<void(uint64_t time)>;

template <typename VTop>
void ClockCycle(VerilatedContext& context, VTop& top, const AfterEval& after_eval) {
  top.clk = 0;
  top.eval();
  if (after_eval) after_eval(context.time());
  context.timeInc(kHalfPeriod);
  top.clk = 1;
  top.eval();
  if (after_eval) after_eval(context.time());
  context.timeInc(kHalfPeriod);
}

}  // namespace flexcim::verif
