// RunBaselineCosim: the baseline golden model (golden/baseline_model.h) and
// a device under test on the same stimulus, edge by edge; the same result
// and mismatch report as the FlexCiM co-simulation (verif/cosim_check.h).
#pragma once

#include "verif/baseline_dut.h"
#include "verif/baseline_stimulus.h"
#include "verif/cosim_check.h"

namespace flexcim::verif {

CosimResult RunBaselineCosim(BaselineDut& dut, const BaselineStimulus& stimulus, int keep = 10);

}  // namespace flexcim::verif
