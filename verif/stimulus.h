// Stimulus: a random pin-level stream for flexcim_top that stays inside the
// contract of FLEXCIM.md 5b (no write while a vector is in flight) and
// stresses everything else: extremes of every width, random legal N,
// back-to-back vectors and gaps, junk on disabled data pins, rows rewritten
// mid-run, and resets that drop vectors in flight.
#pragma once

#include <cstdint>
#include <vector>

#include "core/macro_config.h"
#include "golden/cycle_model.h"

namespace flexcim::verif {

struct StimulusOptions {
  int vectors = 2000;          // at least this many vectors reach the output
  uint64_t seed = 1;
  bool mid_run_rewrites = true;
  bool mid_run_resets = true;
};

struct StimulusStats {
  int vectors = 0;    // in_valid cycles while rst_n high (accepted)
  int writes = 0;     // wr_en cycles while rst_n high
  int resets = 0;     // reset pulses after the initial one
  int dropped = 0;    // vectors in flight when a reset hit (never delivered)
  int delivered() const { return vectors - dropped; }
};

struct Stimulus {
  std::vector<golden::CycleInput> cycles;
  StimulusStats stats;
};

Stimulus RandomStimulus(const MacroConfig& config, const StimulusOptions& options);

}  // namespace flexcim::verif
