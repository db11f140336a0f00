// Twin equivalence checks for any architecture's co-simulation suite: a
// variant configuration and its twin (the same configuration in the other
// cell style or storage kind) get the same pin stream; their valid outputs,
// in order, must be identical, and the variant DUT must match golden.
// - FLEXCIM.md 5c: bit-serial cells vs bit-parallel (CheckBitSerialTwins);
// - latch storage vs flip-flop storage (CheckTwins with a storage
//   predicate; docs/ARCHITECTURE.md "Latch storage").
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace flexcim::verif {

// Entry: {config, make_dut}. is_variant(config): whether the entry is a
// variant to check. twin_of(config): the twin's config. make_stimulus(config):
// a random in-contract stimulus for the variant (with .cycles and .stats);
// a stimulus with resets after the start suits only twins of equal latency
// (a reset drops the vectors in flight, and the bit-serial pipeline is
// longer). run_cosim(dut, stimulus): a CosimResult. name_of(config): for
// messages. Returns the number of pairs checked.
template <typename Entry, typename IsVariant, typename TwinOf, typename MakeStimulus,
          typename RunCosimFn, typename NameOf>
int CheckTwins(const std::vector<Entry>& all, IsVariant is_variant, TwinOf twin_of,
               MakeStimulus make_stimulus, RunCosimFn run_cosim, NameOf name_of) {
  int pairs = 0;
  for (const Entry& variant : all) {
    if (!is_variant(variant.config)) continue;
    for (const Entry& twin : all) {
      if (!(twin.config == twin_of(variant.config))) continue;
      ++pairs;
      const auto stimulus = make_stimulus(variant.config);
      std::vector<std::vector<int64_t>> outputs[2];
      auto variant_dut = variant.make_dut();
      auto twin_dut = twin.make_dut();
      for (int d = 0; d < 2; ++d) {
        auto& dut = d == 0 ? *variant_dut : *twin_dut;
        for (const auto& in : stimulus.cycles) {
          auto out = dut.Cycle(in);
          if (out.valid) outputs[d].push_back(std::move(out.data));
        }
      }
      const std::string name = name_of(variant.config);
      EXPECT_EQ(static_cast<int64_t>(outputs[0].size()), stimulus.stats.delivered()) << name;
      EXPECT_EQ(outputs[0], outputs[1]) << name << " vs its twin " << name_of(twin.config);
      auto check = variant.make_dut();
      EXPECT_TRUE(run_cosim(*check, stimulus).ok()) << name;
    }
  }
  return pairs;
}

// Every bit-serial entry against its bit-parallel twin (twin_of).
template <typename Entry, typename TwinOf, typename MakeStimulus, typename RunCosimFn,
          typename NameOf>
int CheckBitSerialTwins(const std::vector<Entry>& all, TwinOf twin_of, MakeStimulus make_stimulus,
                        RunCosimFn run_cosim, NameOf name_of) {
  return CheckTwins(
      all, [](const auto& config) { return config.bit_serial(); }, twin_of, make_stimulus,
      run_cosim, name_of);
}

}  // namespace flexcim::verif
