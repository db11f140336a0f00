#include "generator/arch_generator.h"

#include "generator/baseline_generator.h"
#include "generator/flexcim_generator.h"

namespace flexcim::gen {

GeneratedDesign GenerateArch(Arch arch, const MacroConfig& config) {
  if (arch == Arch::kFlexcim) return GenerateFlexcim(config);
  return GenerateBaseline(BaselineConfig::For(arch, config));
}

}  // namespace flexcim::gen
