// The macro configuration of the generated stimulus seed (and the one the
// stimulus fuzz target reads with): small, with G < C so every lane kind occurs.
#pragma once

#include "core/macro_config.h"

namespace flexcim::fuzz {

inline MacroConfig SeedConfig() { return MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 8}); }

}  // namespace flexcim::fuzz
