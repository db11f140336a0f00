// Every module the generator emits, for every architecture, lands in a
// known synthesis report component (synth/component_map.h), never "other":
// the module naming and the component table must move together.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "generator/arch_generator.h"
#include "synth/component_map.h"

namespace flexcim::gen {
namespace {

std::string ModuleOf(const GeneratedFile& f) { return f.name.substr(0, f.name.size() - 2); }

// block keyword -> (combinational, flip-flop) component for one design.
std::map<std::string, std::pair<std::string, std::string>> Components(Arch arch,
                                                                      const MacroConfig& k) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const GeneratedFile& f : GenerateArch(arch, k).files) {
    const synth::ComponentRule& rule = synth::RuleForModule(ModuleOf(f));
    out[rule.block] = {rule.comb_component, rule.seq_component};
  }
  return out;
}

TEST(ComponentNames, EveryArchitectureMapsOntoKnownComponents) {
  using P = std::pair<std::string, std::string>;
  const MacroConfig k = MacroConfig::Create({.subs = 4, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  const auto flex = Components(Arch::kFlexcim, k);
  EXPECT_EQ(flex.count(""), 0u);  // no unknown module
  EXPECT_EQ(flex.at("merge_ctrl"), P(synth::kMerge, synth::kMerge));
  EXPECT_EQ(flex.at("merge"), P(synth::kMerge, synth::kPipelineRegisters));
  // The replicated row-enable / plane-flag registers (generator/fanout_limit.h).
  EXPECT_EQ(flex.at("ctrl_reg"), P(synth::kTopGlue, synth::kPipelineRegisters));
  EXPECT_EQ(flex.size(), 11u);

  const auto dense = Components(Arch::kDense, k);
  EXPECT_EQ(dense.count(""), 0u);
  EXPECT_EQ(dense, (std::map<std::string, P>{
                       {"storage", {synth::kWeightStorage, synth::kWeightStorage}},
                       {"mul", {synth::kMultipliers, synth::kPipelineRegisters}},
                       {"adder_tree", {synth::kAdderTrees, synth::kPipelineRegisters}},
                       {"valid_pipe", {synth::kTopGlue, synth::kPipelineRegisters}},
                       {"top", {synth::kTopGlue, synth::kPipelineRegisters}},
                       {"ctrl_reg", {synth::kTopGlue, synth::kPipelineRegisters}}}));
  EXPECT_TRUE(synth::RuleForModule("dcim_dense_storage_p4_r4_c4_a8_w8").cell_storage);

  const auto sparse = Components(Arch::kSparse12, k);
  EXPECT_EQ(sparse.count(""), 0u);
  EXPECT_EQ(sparse.at("distribution"), P(synth::kDistribution, synth::kPipelineRegisters));
  EXPECT_EQ(sparse.size(), 7u);
  EXPECT_TRUE(synth::RuleForModule("dcim_sparse12_storage_p4_r4_c4_a8_w8").cell_storage);
}

}  // namespace
}  // namespace flexcim::gen
