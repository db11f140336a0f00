// Stimulus: a random pin-level stream for the top level of any
// architecture (flexcim_top, dense_top, sparse12_top) that stays inside the
// contract of FLEXCIM.md 5b (no write while a vector is in flight, vectors
// the initiation interval apart) and stresses everything else: every
// storage row loaded first in a shuffled order, extremes of every width,
// back-to-back vectors and gaps, junk on disabled data pins, rows rewritten
// mid-run with a vector on the very next edge, and resets that drop vectors
// in flight. Only the pins the architecture has are drawn (ArchConfig):
// FlexCiM's vectors also get a random legal N, its writes a sub-macro and
// pair selects; sparse12's and FlexCiM's writes element bits.
#pragma once

#include <cstdint>
#include <vector>

#include "core/arch_config.h"
#include "golden/cycle_input.h"

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

Stimulus RandomStimulus(const ArchConfig& design, const StimulusOptions& options);

}  // namespace flexcim::verif
