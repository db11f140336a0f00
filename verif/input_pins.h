// InputPins: the input pins of a design's top level (ArchConfig::Ports(),
// the one port signature, without clk), each bound to its lanes in a
// golden::CycleInput. The Verilated DUT wrapper drives them, the stimulus
// contract checks that every lane fits, the toggle rates count their bit
// flips: one list for every architecture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/arch_config.h"
#include "golden/cycle_input.h"
#include "verif/lane_packing.h"

namespace flexcim::verif {

// Which field of golden::CycleInput a pin carries.
enum class PinField { kRstN, kWrEn, kWrSub, kWrRow, kWrW, kWrE, kWrSel, kInValid, kInNlog2, kInAct };

struct InputPin {
  std::string name;
  PinField field;
  int lanes = 1;       // lanes * lane_width = the port's width
  int lane_width = 1;
  bool is_signed = false;  // wr_w and in_act lanes are two's complement

  // The pin's lanes in `in` (lanes past the end of an empty or short
  // vector are 0: a disabled pin left empty drives zeros).
  std::vector<int64_t> Values(const golden::CycleInput& in) const;
  // The pin's bits as Verilator stores them.
  Words Bits(const golden::CycleInput& in) const;
};

// Throws flexcim::Error when a port of the signature has no field in
// golden::CycleInput or its width disagrees with the lane geometry.
std::vector<InputPin> InputPins(const ArchConfig& design);

}  // namespace flexcim::verif
