#include "generator/baseline_generator.h"

#include <fmt/format.h>

#include "generator/adder_tree.h"
#include "generator/baseline_module_names.h"
#include "generator/baseline_top.h"
#include "generator/design_render.h"
#include "generator/element_select.h"
#include "generator/multiplier.h"
#include "generator/row_storage.h"
#include "generator/valid_pipeline.h"

namespace flexcim::gen {

GeneratedDesign GenerateBaseline(const BaselineConfig& config) {
  const BaselineModuleNames names = BaselineModuleNames::For(config);
  const std::string flags = config.Flags();
  const bool sparse = config.has_elements();
  GeneratedDesign design;
  design.top = names.top;
  design.latency = config.pipeline_latency();
  auto add = [&](const std::string& description, const EmitFn& emit) {
    design.files.push_back(RenderModuleFile(flags, description, emit));
  };

  add(fmt::format("Signed {} x {} bit multiplier, one per cell.", config.a_bits(),
                  config.w_bits()),
      [&](vast::VerilogFile& f) {
        return EmitMultiplier(f, names.multiplier, config.a_bits(), config.w_bits());
      });
  add(fmt::format("Pipelined column adder tree: {} products, {} registered levels.",
                  config.rows(), config.adder_stages()),
      [&](vast::VerilogFile& f) {
        return EmitAdderTree(f, names.adder_tree, config.rows(), config.product_width());
      });
  if (sparse) {
    add("Cell storage: weights and element bits, one array row written per cycle.",
        [&](vast::VerilogFile& f) {
          return EmitCellStorage(f, names.storage, config.rows(), config.cols(), config.w_bits());
        });
    add("Fixed 1:2 input selection: each cell takes element e of its row's activation pair.",
        [&](vast::VerilogFile& f) {
          return EmitElementSelect(f, names.distribution, config.rows(), config.cols(),
                                   config.a_bits());
        });
  } else {
    add("Weight storage, one array row written per cycle.", [&](vast::VerilogFile& f) {
      return EmitRowStorage(f, names.storage, config.rows(),
                            {{"wr_w", "weights", "w_q", config.cols() * config.w_bits()}});
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
  const MacroConfig& k = config.macro();
  design.manifest = DesignManifest(
      ManifestFields{.arch = config.arch_name(),
                     .params = ParamsJson(k.subs(), k.rows(), k.cols(), k.sel_group(), k.a_bits(),
                                          k.w_bits()),
                     .output_width = config.output_width(),
                     .latency = config.pipeline_latency(),
                     .initiation_interval = config.initiation_interval(),
                     .top_ports = top_ports,
                     .flags = flags},
      design);
  return design;
}

}  // namespace flexcim::gen
