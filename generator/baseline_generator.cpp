#include "generator/baseline_generator.h"

#include <fmt/format.h>

#include "generator/column_array.h"
#include "generator/baseline_module_names.h"
#include "generator/baseline_top.h"
#include "generator/design_render.h"
#include "generator/element_select.h"
#include "generator/row_storage.h"
#include "generator/valid_pipeline.h"

namespace flexcim::gen {

GeneratedDesign GenerateBaseline(const BaselineConfig& config) {
  const BaselineModuleNames names = BaselineModuleNames::For(config);
  const std::string flags = config.Flags();
  const bool sparse = config.has_elements();
  const bool serial = config.bit_serial();
  const int act_bits = serial ? 1 : config.a_bits();
  GeneratedDesign design;
  design.top = names.top;
  design.latency = config.pipeline_latency();
  if (config.macro().storage() == StorageKind::kLatch) design.latch_modules = {names.storage};
  auto add = [&](const std::string& description, const EmitFn& emit) {
    design.files.push_back(RenderModuleFile(flags, description, emit));
  };

  AddColumnModules(add,
                   {names.multiplier, names.adder_tree, names.serializer, names.shift_acc, names.control},
                   config.macro(), config.rows(), config.act_lanes(),
                   {.lanes = config.cols(),
                    .in_width = config.column_sum_width(),
                    .lane_widths = {},  // every column sum at the full width
                    .plane_delay = 0,
                    .role = "column (the output register)",
                    .carry_split_bit = config.carry_split_bit()});
  if (sparse) {
    add("Cell storage: weights and element bits, one array row written per cycle.",
        [&](vast::VerilogFile& f) {
          return EmitCellStorage(f, names.storage, names.control, config.rows(), config.cols(), config.w_bits(),
                                 config.macro().storage());
        });
    add("Fixed 1:2 input selection: each cell takes element e of its row's activation pair.",
        [&](vast::VerilogFile& f) {
          return EmitElementSelect(f, names.distribution, config.rows(), config.cols(), act_bits);
        });
  } else {
    add("Weight storage, one array row written per cycle.", [&](vast::VerilogFile& f) {
      return EmitRowStorage(f, names.storage, names.control, config.rows(),
                            {{"wr_w", "weights", "w_q", config.cols() * config.w_bits()}},
                            config.macro().storage());
    });
  }
  add("Valid pipeline; valid bits reset synchronously by rst_n.", [&](vast::VerilogFile& f) {
    return EmitValidOnlyPipeline(f, names.valid_pipe, config.pipeline_register_stages());
  });

  std::vector<vast::Port> top_ports;
  design.files.push_back(RenderModuleFile(
      flags,
      fmt::format("Top level of the {} baseline: {} rows x {} columns, output width {}, "
                  "latency {} (in_valid in cycle c, out_valid in cycle c+{}), initiation "
                  "interval {}.",
                  config.arch_name(), config.rows(), config.cols(), config.output_width(),
                  config.pipeline_latency(), config.pipeline_latency(),
                  config.initiation_interval()),
      [&](vast::VerilogFile& f) { return EmitBaselineTop(f, config, names); }, &top_ports));
  design.manifest = DesignManifest(config.arch(), config.macro(), flags, top_ports, design);
  return design;
}

}  // namespace flexcim::gen
