// MakeArchCycleModel: the golden cycle model of any architecture, chosen by
// the design's arch: CycleModel (flexcim) or BaselineModel (dense,
// sparse12), behind the one pin-level interface the co-simulation compares
// against.
#pragma once

#include <memory>

#include "core/arch_config.h"
#include "golden/pin_level_model.h"

namespace flexcim::golden {

std::unique_ptr<PinLevelModel> MakeArchCycleModel(const ArchConfig& design);

}  // namespace flexcim::golden
