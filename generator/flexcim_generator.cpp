#include "generator/flexcim_generator.h"

#include <fmt/format.h>

#include <vector>

#include "generator/column_array.h"
#include "generator/control_register.h"
#include "generator/design_render.h"
#include "generator/distribution.h"
#include "generator/flexcim_module_names.h"
#include "generator/flexcim_top.h"
#include "generator/merge_network.h"
#include "generator/row_storage.h"
#include "generator/submacro.h"
#include "generator/valid_pipeline.h"

namespace flexcim::gen {

std::string GeneratorFlags(const MacroConfig& config) {
  return fmt::format("--arch {} {}", kArchFlexcim, config.Flags());
}

GeneratedDesign GenerateFlexcim(const MacroConfig& config) {
  const FlexcimModuleNames names = FlexcimModuleNames::For(config);
  const bool serial = config.bit_serial();
  GeneratedDesign design;
  design.top = names.top;
  design.latency = config.pipeline_latency();
  if (config.storage() == StorageKind::kLatch) {
    design.latch_modules.push_back(names.cell_storage);
    if (config.subs() > 1) design.latch_modules.push_back(names.select_storage);
  }
  const std::string flags = GeneratorFlags(config);
  auto add = [&](const std::string& description, const EmitFn& emit) {
    design.files.push_back(RenderModuleFile(flags, description, emit));
  };

  // Lane b*C + c of the merged planes carries MergeOutputLaneBits(b) bits:
  // its accumulator is that wide, sign-extended to O on out_data.
  std::vector<int> lane_widths;
  for (int b = 0; b < config.subs(); ++b) {
    lane_widths.insert(lane_widths.end(), config.cols(), MergeOutputLaneBits(config, b));
  }
  AddColumnModules(add,
                   {names.multiplier, names.adder_tree, names.serializer, names.shift_acc, names.control},
                   config, config.rows(), config.act_lanes(),
                   {.lanes = config.output_lanes(),
                    .in_width = config.merge_lane_width(),
                    .lane_widths = lane_widths,
                    .plane_delay = config.merge_stages(),
                    .role = "output lane, after the merging network (the output register)"});
  // One storage of P*R rows for the macro (row k*R + r: sub-macro k, row r).
  const int storage_rows = config.subs() * config.rows();
  add("Cell storage of the macro: weights and element bits of every sub-macro row (row k*R + r), "
      "one row written per cycle.",
      [&](vast::VerilogFile& f) {
        return EmitCellStorage(f, names.cell_storage, names.control, storage_rows, config.cols(),
                               config.w_bits(), config.storage(),
                               config.subs() > 1 ? config.select_groups() * config.sel_bits() : 0);
      });
  if (config.subs() > 1) {
    add("Pair-select storage of the macro: one select per sub-macro row (row k*R + r) and "
        "select group, written through the cell storage's write pipeline.",
        [&](vast::VerilogFile& f) {
          return EmitSelectStorage(f, names.select_storage, storage_rows, config.select_groups(),
                                   config.sel_bits(), config.storage());
        });
  }
  if (config.subs() > 1) {
    add("P:1 pair mux of one row and select group (an instance per group: the stored select "
        "drives it once, not every cell).",
        [&](vast::VerilogFile& f) { return EmitPairMux(f, names.pair_mux, config); });
  }
  add(fmt::format("Distribution network of one sub-macro: P:1 pair mux per row and select "
                  "group, 2:1 element mux per cell ({}-bit activations).",
                  serial ? 1 : config.a_bits()),
      [&](vast::VerilogFile& f) { return EmitDistribution(f, names.distribution, names.pair_mux, config); });
  add(serial ? "One sub-macro: distribution, AND cells, product registers, one adder tree per "
               "column (one bit plane's column sums per cycle)."
             : "One sub-macro: distribution, product registers, one adder tree per column.",
      [&](vast::VerilogFile& f) { return EmitSubmacro(f, config, names); });
  if (config.subs() > 1) {
    add("Merging-network control register: one flip-flop, one instance per replicated copy.",
        [&](vast::VerilogFile& f) { return EmitControlRegister(f, names.merge_control); });
  }
  add(config.subs() > 1
          ? (serial ? "Merging network over bit-plane sums: one registered level per log2 P, "
                      "lanes summed for l <= log2 N; per-level control registered in "
                      "replicated root and leaf copies."
                    : "Merging network: one registered level per log2 P, lanes summed for "
                      "l <= log2 N; per-level control registered in replicated root and leaf "
                      "copies.")
          : (serial ? "Plane-sum register (P = 1: nothing to merge)."
                    : "Output register (P = 1: nothing to merge)."),
      [&](vast::VerilogFile& f) {
        return EmitMergeNetwork(f, names.merge, names.merge_control, config);
      });
  add("Valid and log2 N pipeline; valid bits reset synchronously by rst_n.",
      [&](vast::VerilogFile& f) { return EmitValidPipeline(f, names.valid_pipe, config); });

  std::vector<vast::Port> top_ports;
  design.files.push_back(RenderModuleFile(
      flags,
      fmt::format("Top level (FLEXCIM.md 5b): {}, output width {}, latency {} (in_valid in "
                  "cycle c, out_valid in cycle c+{}), initiation interval {}.",
                  config.Name(), config.output_width(), config.pipeline_latency(),
                  config.pipeline_latency(), config.initiation_interval()),
      [&](vast::VerilogFile& f) { return EmitFlexcimTop(f, config, names); }, &top_ports));
  design.manifest = DesignManifest(Arch::kFlexcim, config, flags, top_ports, design);
  return design;
}

}  // namespace flexcim::gen
