// The macro configuration of the generated stimulus seed (and the one the
// stimulus fuzz target reads with): small, with G < C so every lane kind occurs.
#pragma once

#include "core/macro_config.h"

namespace flexcim::fuzz {

inline MacroConfig SeedConfig() { return MacroConfig::Create(2, 4, 4, 2, 8, 8); }

}  // namespace flexcim::fuzz
