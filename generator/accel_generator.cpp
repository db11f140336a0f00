#include "generator/accel_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "generator/accel_top.h"
#include "generator/arch_generator.h"
#include "generator/design_render.h"

namespace flexcim::gen {

GeneratedDesign GenerateAccel(const AccelConfig& c) {
  GeneratedDesign design = GenerateArch(c.arch(), c.macro());
  const std::string macro_top = design.top;
  const std::string flags = c.Flags();
  const AccelParams& p = c.params();
  // Every SRAM model once: {width, depth, ports}.
  std::vector<std::array<int, 3>> srams;
  for (const std::array<int, 3>& sram : {std::array<int, 3>{c.row_bits(), p.wbuf_rows, 1},
                                         std::array<int, 3>{c.act_bits(), p.abuf_words, 1},
                                         std::array<int, 3>{c.desc_bits(), p.descriptors, 1},
                                         std::array<int, 3>{c.out_lanes() * 32, p.obuf_rows, c.macros()}}) {
    if (std::find(srams.begin(), srams.end(), sram) == srams.end()) srams.push_back(sram);
  }
  for (const auto& sram : srams) {
    const int width = sram[0], depth = sram[1], ports = sram[2];  // named, so the lambda can capture them
    design.files.push_back(RenderModuleFile(
        flags,
        fmt::format("Behavioural synchronous SRAM: {} words of {} bits, {} write and {} registered read port{} "
                    "(docs/ACCEL.md).",
                    depth, width, ports, ports, ports == 1 ? "" : "s"),
        [&](vast::VerilogFile& f) { return EmitAccelSram(f, width, depth, ports); }));
  }
  design.files.push_back(RenderModuleFile(flags, "A registered copy of a control bit (fanout replication).",
                                          [&](vast::VerilogFile& f) { return EmitAccelBitCopy(f); }));
  {
    const int lanes = c.out_lanes(), lane_width = c.out_width();
    design.files.push_back(RenderModuleFile(
        flags, fmt::format("Accumulate adders of one output row: {} lanes of {} bits into 32-bit words.", lanes,
                           lane_width),
        [&](vast::VerilogFile& f) { return EmitAccelAccumulate(f, lanes, lane_width); }));
  }
  design.files.push_back(RenderModuleFile(
      flags,
      fmt::format("Accelerator (docs/ACCEL.md): {} x {} ({}), weight buffer {} rows, activation buffer {} "
                  "words per macro, output buffer {} rows of {} 32-bit accumulators, {} descriptors, up to {} "
                  "tokens.",
                  c.macros(), macro_top, c.MacroName(), p.wbuf_rows, p.abuf_words, p.obuf_rows, c.out_lanes(),
                  p.descriptors, p.max_tokens),
      [&](vast::VerilogFile& f) { return EmitAccelTop(f, c, macro_top); }));
  design.top = c.TopName();
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const GeneratedFile& f : design.files) files.push_back(f.name);
  design.manifest["accel"] = {
      {"top", c.TopName()},
      {"macro_top", macro_top},
      {"macros", c.macros()},
      {"files", files},
      {"wbuf_rows", p.wbuf_rows},
      {"abuf_words", p.abuf_words},
      {"obuf_rows", p.obuf_rows},
      {"descriptors", p.descriptors},
      {"max_tokens", p.max_tokens},
      {"row_bits", c.row_bits()},
      {"act_bits", c.act_bits()},
      {"out_lanes", c.out_lanes()},
      {"descriptor", {{"bits", c.desc_bits()},
                      {"wbase", {c.desc_wbase_lsb(), c.wbuf_addr_bits()}},
                      {"abase", {c.desc_abase_lsb(), c.abuf_addr_bits()}},
                      {"orow", {c.desc_orow_lsb(), c.orow_bits()}},
                      {"nlog2", {c.desc_nlog2_lsb(), 4}},
                      {"first", {c.desc_first_lsb(), 1}}}},
      {"start_cycles", kAccelStartCycles},
      {"flags", flags}};
  return design;
}

}  // namespace flexcim::gen
