#include "generator/arch_generator.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "generator/baseline_generator.h"
#include "generator/flexcim_generator.h"

namespace flexcim::gen {

GeneratedDesign GenerateArch(Arch arch, const MacroConfig& config) {
  if (config.storage() != StorageKind::kFlipFlop) {
    throw UsageError(fmt::format("storage {}: this generator emits flip-flop storage only (ff)",
                                 StorageKindName(config.storage())));
  }
  if (arch == Arch::kFlexcim) return GenerateFlexcim(config);
  return GenerateBaseline(BaselineConfig::For(arch, config));
}

}  // namespace flexcim::gen
