// StimulusContract: checks a pin-level stream for the top level of one
// design (any architecture) against FLEXCIM.md 5b, edge by edge, before it
// reaches a model, so that a bad stimulus is reported as a bad stimulus and
// never as a disagreement between the RTL and the golden model:
// - every lane fits its pin (verif/input_pins.h: 1-bit pins 0/1, wr_sub and
//   wr_sel SB bits, wr_row its address bits, in_nlog2 4 bits, wr_w W-bit
//   and in_act A-bit signed), enabled or not (a value the pin cannot carry
//   is not "don't care"); a pin the architecture does not have carries 0;
// - a FlexCiM vector (in_valid with rst_n high) has in_nlog2 <= log2 P;
// - a write (wr_en with rst_n high) happens while no vector is in flight:
//   a vector sampled at edge s is in flight at edges s .. s + L - 1, the
//   edge at which the output register loads it (L = latency, FLEXCIM.md
//   5b); a reset drops every vector in flight;
// - vectors are at least the initiation interval apart (5c);
// - no vector is sampled while a write is in flight: a write sampled at
//   edge t is seen from edge t + Lw (the write latency), and a vector at
//   edges t+1 .. t+Lw-1 is refused (5b).
#pragma once

#include <cstdint>
#include <string>

#include <vector>

#include "core/arch_config.h"
#include "golden/cycle_input.h"
#include "verif/input_pins.h"

namespace flexcim::verif {

class StimulusContract {
 public:
  explicit StimulusContract(const ArchConfig& design);

  // Checks the next edge's pins; returns "" when they are in contract, else
  // one sentence saying which pin or lane breaks which rule.
  std::string Check(const golden::CycleInput& in);

 private:
  ArchConfig design_;
  std::vector<InputPin> pins_;
  int64_t edge_ = 0;
  int64_t last_vector_edge_ = -1;  // -1: none in flight since the last reset
  int64_t last_write_edge_ = -1;   // -1: no write yet (a reset does not cancel one in flight)
};

}  // namespace flexcim::verif
