// BaselineStimulus: a random pin-level stream for dense_top / sparse12_top,
// built like verif/stimulus.h's FlexCiM stream: every row loaded first (in
// a shuffled order), then back-to-back bursts, short and long gaps, rows
// rewritten mid-run (only with no vector in flight, as the contract
// requires) with a vector on the very next edge, and resets that drop
// vectors in flight. Values hit the extremes of every width often; disabled
// data pins carry junk.
#pragma once

#include <vector>

#include "core/baseline_config.h"
#include "golden/baseline_cycle_input.h"
#include "verif/stimulus.h"

namespace flexcim::verif {

struct BaselineStimulus {
  std::vector<golden::BaselineCycleInput> cycles;
  StimulusStats stats;
};

// options.vectors: at least this many vectors reach the output.
BaselineStimulus RandomBaselineStimulus(const BaselineConfig& config,
                                        const StimulusOptions& options);

}  // namespace flexcim::verif
