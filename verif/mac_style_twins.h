// The bit-serial / bit-parallel equivalence check of FLEXCIM.md 5c, for
// any architecture's co-simulation suite: every bit-serial entry and its
// bit-parallel twin get the same pin stream; their valid outputs, in order,
// must be identical, and the bit-serial DUT must match golden.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace flexcim::verif {

// Entry: {config, make_dut}. twin_of(config): the bit-parallel twin's
// config. make_stimulus(config): a random in-contract stimulus for it
// (with .cycles and .stats), without resets after the start: a reset drops
// the vectors in flight, and the bit-serial pipeline is longer. run_cosim(dut, stimulus): a CosimResult.
// name_of(config): for messages. Returns the number of pairs checked.
template <typename Entry, typename TwinOf, typename MakeStimulus, typename RunCosimFn,
          typename NameOf>
int CheckBitSerialTwins(const std::vector<Entry>& all, TwinOf twin_of, MakeStimulus make_stimulus,
                        RunCosimFn run_cosim, NameOf name_of) {
  int pairs = 0;
  for (const Entry& serial : all) {
    if (!serial.config.bit_serial()) continue;
    for (const Entry& parallel : all) {
      if (!(parallel.config == twin_of(serial.config))) continue;
      ++pairs;
      const auto stimulus = make_stimulus(serial.config);
      std::vector<std::vector<int64_t>> outputs[2];
      auto serial_dut = serial.make_dut();
      auto parallel_dut = parallel.make_dut();
      for (int d = 0; d < 2; ++d) {
        auto& dut = d == 0 ? *serial_dut : *parallel_dut;
        for (const auto& in : stimulus.cycles) {
          auto out = dut.Cycle(in);
          if (out.valid) outputs[d].push_back(std::move(out.data));
        }
      }
      const std::string name = name_of(serial.config);
      EXPECT_EQ(static_cast<int64_t>(outputs[0].size()), stimulus.stats.delivered()) << name;
      EXPECT_EQ(outputs[0], outputs[1]) << name << " vs its bit-parallel twin";
      auto check = serial.make_dut();
      EXPECT_TRUE(run_cosim(*check, stimulus).ok()) << name;
    }
  }
  return pairs;
}

}  // namespace flexcim::verif
