// The system model: an accelerator of Q macros of one architecture and
// configuration running a model's linear layers (docs/PERF.md "System
// model").
//
// - A weight buffer writes each macro one row per cycle through the macro's
//   own write port (all Q macros can be written in the same cycle).
// - Regime: weights resident when the model's tiles fit in the Q macros
//   (total tiles <= Q; each macro holds one tile): every tile is loaded once
//   (tile_load_cycles, all macros in parallel) before the first pass and
//   never again. Otherwise weights streamed: every pass (one decode token,
//   or one prefill of T tokens) reloads each tile once and runs all the
//   pass's tokens on it (tile-stationary).
// - Layers run in model order, one after the other. The tiles of a layer are
//   spread over the Q macros round robin (tile j on macro j mod Q; resident:
//   model tile j on macro j); a macro runs its tiles one after the other,
//   each exactly as the cycle model runs a tile (FLEXCIM.md 5): write its
//   rows, wait Lw - 1 cycles while the last write is in flight (the write
//   latency of 5b), present the tokens' vectors every II cycles, wait for
//   the last output. Partial sums along K are added in the 32-bit accumulator outside
//   the macros as they leave (no macro cycles).
// - Cycle split, in macro-cycles (summed over the Q macros, so the four
//   parts add up to Q x cycles): weight_load (row writes and each tile's
//   Lw - 1 cycles after its last row; row_writes counts the writes), compute (from a
//   tile's first vector to its last vector's presentation cycle,
//   (tokens-1)*II + 1 per tile), pipeline_fill (the L cycles after it until
//   the last output), idle (a macro with nothing to do while the layer runs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "golden/arch_mapping.h"

namespace flexcim::golden {

struct CycleSplit {
  int64_t weight_load = 0, compute = 0, pipeline_fill = 0, idle = 0;  // macro-cycles
  int64_t total() const { return weight_load + compute + pipeline_fill + idle; }
  CycleSplit& operator+=(const CycleSplit& o);
  bool operator==(const CycleSplit&) const = default;
};

// One layer as the system model sees it.
struct SystemLayer {
  std::string name;
  int64_t tiles = 0;
};

struct LayerTiming {
  std::string name;
  int64_t tiles = 0;
  int64_t cycles = 0;      // wall cycles of the layer
  CycleSplit split;        // macro-cycles, total() == macros * cycles
  int64_t vectors = 0;     // input vectors presented (tiles x tokens)
  int64_t row_writes = 0;  // rows written
  bool operator==(const LayerTiming&) const = default;
};

struct PassTiming {
  int64_t tokens = 0;
  int64_t cycles = 0;
  CycleSplit split;
  int64_t vectors = 0;
  int64_t row_writes = 0;
  std::vector<LayerTiming> layers;
  // compute macro-cycles / (Q x cycles).
  double Utilisation(int macros) const;
  bool operator==(const PassTiming&) const = default;
};

enum class WeightRegime { kResident, kStreamed };
std::string RegimeName(WeightRegime regime);  // "resident", "streamed"

// How the weight buffer feeds the macros (docs/ACCEL.md "Schedules").
// - kParallelPorts: every macro has a weight-buffer port of its own, all Q
//   macros are written in the same cycle (the model above, docs/PERF.md).
// - kSerial: the accelerator `flexcim gen --accel` builds: ONE weight-buffer
//   read per cycle (one macro row) shared by the Q macros. A layer's tiles
//   run in rounds of Q (tile j on macro j mod Q); a round loads its macros
//   one after the other, then all of them compute; the next round starts
//   after the round's last output: round = m*load + Lw-1 + (T-1)*II + 1 + L
//   (a macro's Lw - 1 cycles run from its own last row, so only the
//   round's last macro makes the others wait for them).
// - kOverlapped: the same port; tile j starts loading as soon as the port
//   is free (tile j-1 loaded) and its macro has delivered the last output of
//   its previous tile (j-Q), and computes as soon as it is loaded, so a
//   macro loads its next tile while the others compute.
// With one macro all three are the same. Resident weights: the pass is the
// same for all three; the initial load is load cycles with parallel ports,
// total tiles x load through the one port.
enum class Schedule { kSerial, kOverlapped, kParallelPorts };  // the order of kScheduleNames
std::string ScheduleName(Schedule schedule);  // "serial", "overlapped", "parallel-ports"
// Throws UsageError "--schedule x: must be one of serial, overlapped, parallel-ports".
Schedule ParseSchedule(const std::string& text);

// Wall cycles of one streamed layer of `tiles` tiles on `macros` macros.
int64_t StreamedLayerCycles(const MacroTiming& timing, int64_t tiles, int macros, int64_t tokens,
                            Schedule schedule);

struct SystemTiming {
  int macros = 0;
  Schedule schedule = Schedule::kParallelPorts;
  WeightRegime regime = WeightRegime::kStreamed;
  int64_t total_tiles = 0;
  int64_t initial_load_cycles = 0;  // resident: before the first pass (0 when streamed)
  int64_t initial_row_writes = 0;
  PassTiming decode;   // one token (KV cache: only the new token's vector)
  PassTiming prefill;  // T tokens at once
};

// Cycles of one tile on one macro: load + Lw-1 + (tokens-1)*II + 1 + L; for
// bit-parallel cells this is LayerCycles(config, 1, tokens).
int64_t TileCycles(const MacroTiming& timing, int64_t tokens);

// Throws UsageError "--macros 0: must be >= 1" / "--tokens 0: must be >= 1".
WeightRegime ChooseRegime(const std::vector<SystemLayer>& layers, int macros);
PassTiming ModelPass(const MacroTiming& timing, const std::vector<SystemLayer>& layers, int macros,
                     int64_t tokens, WeightRegime regime, Schedule schedule = Schedule::kParallelPorts);
SystemTiming ModelSystem(const MacroTiming& timing, const std::vector<SystemLayer>& layers, int macros,
                         int64_t prefill_tokens, Schedule schedule = Schedule::kParallelPorts);

// The same pass by brute force: every macro stepped cycle by cycle with its
// queue of tiles, each tile's vectors tracked in flight until their output
// cycle, layers separated by a barrier; every macro-cycle classified. Used
// by the tests to check ModelPass.
// With a shared-port schedule the port serves the tiles in order, one row
// per cycle, under that schedule's rule.
PassTiming SimulatePass(const MacroTiming& timing, const std::vector<SystemLayer>& layers, int macros,
                        int64_t tokens, WeightRegime regime, Schedule schedule = Schedule::kParallelPorts);

}  // namespace flexcim::golden
