// GenerateArch: the one dispatch from an architecture (`--arch`) to its
// generator, for `flexcim gen` and the synthesis flow.
#pragma once

#include "core/baseline_config.h"
#include "core/macro_config.h"
#include "generator/generated_design.h"

namespace flexcim::gen {

// flexcim: GenerateFlexcim(config); dense / sparse12:
// GenerateBaseline(BaselineConfig::For(arch, config)) (G is ignored).
GeneratedDesign GenerateArch(Arch arch, const MacroConfig& config);

}  // namespace flexcim::gen
