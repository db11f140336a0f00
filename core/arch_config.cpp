#include "core/arch_config.h"

#include "core/baseline_config.h"

namespace flexcim {

namespace {

MacroConfig Normalized(Arch arch, const MacroConfig& macro) {
  return arch == Arch::kFlexcim ? macro : BaselineConfig::For(arch, macro).macro();
}

}  // namespace

ArchConfig::ArchConfig(Arch arch, const MacroConfig& macro) : arch_(arch), macro_(Normalized(arch, macro)) {
  const MacroConfig& m = macro_;
  if (arch == Arch::kFlexcim) {
    name_ = m.Name();
    write_subs_ = m.subs();
    write_rows_ = m.rows();
    row_addr_bits_ = m.row_addr_bits();
    sel_bits_ = m.sel_bits();
    select_groups_ = m.select_groups();
    element_lanes_ = m.cols();
    act_lanes_ = m.act_lanes();
    max_nlog2_ = m.max_nlog2();
    output_lanes_ = m.output_lanes();
    output_width_ = m.output_width();
    latency_ = m.pipeline_latency();
    return;
  }
  const BaselineConfig b = BaselineConfig::For(arch, m);
  name_ = b.QualifiedName();
  write_subs_ = 1;
  write_rows_ = b.rows();
  row_addr_bits_ = b.row_addr_bits();
  sel_bits_ = 0;
  select_groups_ = 0;
  element_lanes_ = b.has_elements() ? b.cols() : 0;
  act_lanes_ = b.act_lanes();
  max_nlog2_ = 0;
  output_lanes_ = b.output_lanes();
  output_width_ = b.output_width();
  latency_ = b.pipeline_latency();
}

std::string ArchConfig::Flags() const {
  return arch_ == Arch::kFlexcim ? macro_.Flags() : BaselineConfig::For(arch_, macro_).Flags();
}

}  // namespace flexcim
