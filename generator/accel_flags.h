// The accelerator's command-line flags (flexcim gen --accel, flexcim verify
// --accel), declared once.
#pragma once

#include <boost/program_options.hpp>

#include "core/accel_config.h"

namespace flexcim::gen {

// --macros, --wbuf-rows, --abuf-words, --obuf-rows, --descriptors, --max-tokens.
boost::program_options::options_description AccelOptions(AccelParams& params);

}  // namespace flexcim::gen
