#include "core/arch_traits.h"

#include <fmt/format.h>

#include "core/baseline_config.h"
#include "core/errors.h"

namespace flexcim {

const std::array<ArchTraits, 3>& AllArchTraits() {
  static const std::array<ArchTraits, 3> kTraits = {{
      {Arch::kFlexcim, "flexcim", "flexcim_top", true, true,
       "weight, element bit per cell; pair select per row and select group"},
      {Arch::kDense, "dense", "dense_top", false, false, "weight per cell"},
      {Arch::kSparse12, "sparse12", "sparse12_top", true, false, "weight, element bit per cell"},
  }};
  return kTraits;
}

const ArchTraits& TraitsOf(Arch arch) { return AllArchTraits()[static_cast<int>(arch)]; }

std::string ArchName(Arch arch) { return std::string(TraitsOf(arch).name); }

Arch ParseArch(std::string_view name) {
  std::vector<std::string_view> names;
  for (const ArchTraits& t : AllArchTraits()) {
    if (t.name == name) return t.arch;
    names.push_back(t.name);
  }
  throw UsageError(fmt::format("--arch {}: must be one of {}", name, fmt::join(names, ", ")));
}

std::vector<PortSpec> TopPorts(Arch arch, const MacroConfig& config) {
  const ArchTraits& t = TraitsOf(arch);
  std::vector<PortSpec> ports{{"clk", false, 1}, {"rst_n", false, 1}, {"wr_en", false, 1}};
  if (t.has_pair_select) {
    ports.push_back({"wr_sub", false, config.sel_bits()});
    ports.push_back({"wr_row", false, config.row_addr_bits()});
    ports.push_back({"wr_w", false, config.cols() * config.w_bits()});
    ports.push_back({"wr_e", false, config.cols()});
    ports.push_back({"wr_sel", false, config.select_groups() * config.sel_bits()});
    ports.push_back({"in_valid", false, 1});
    ports.push_back({"in_nlog2", false, kNlog2Bits});
    ports.push_back({"in_act", false, config.act_lanes() * config.a_bits()});
    ports.push_back({"out_valid", true, 1});
    ports.push_back({"out_data", true, config.output_lanes() * config.output_width()});
    return ports;
  }
  const BaselineConfig b = BaselineConfig::For(arch, config);
  ports.push_back({"wr_row", false, b.row_addr_bits()});
  ports.push_back({"wr_w", false, b.cols() * b.w_bits()});
  if (t.has_elements) ports.push_back({"wr_e", false, b.cols()});
  ports.push_back({"in_valid", false, 1});
  ports.push_back({"in_act", false, b.act_lanes() * b.a_bits()});
  ports.push_back({"out_valid", true, 1});
  ports.push_back({"out_data", true, b.output_lanes() * b.output_width()});
  return ports;
}

}  // namespace flexcim
