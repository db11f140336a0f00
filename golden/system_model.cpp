#include "golden/system_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <string_view>

#include "core/checked_int.h"
#include "core/errors.h"
#include "core/parse_named.h"

namespace flexcim::golden {

namespace {

void RequireArguments(int macros, int64_t tokens) {
  if (macros < 1) throw UsageError(fmt::format("--macros {}: must be >= 1", macros));
  if (tokens < 1) throw UsageError(fmt::format("--tokens {}: must be >= 1", tokens));
}

int64_t TotalTiles(const std::vector<SystemLayer>& layers) {
  int64_t n = 0;
  for (const SystemLayer& l : layers) n = CheckedAdd(n, l.tiles, "the tile count");
  return n;
}

// Cycles from a tile's first row write to its first vector: P*R writes and
// Lw - 1 cycles while the last is in flight.
int64_t TileLoadSpan(const MacroTiming& t) {
  return CheckedAdd(t.tile_load_cycles, t.write_settle_cycles(), "a tile's load cycles");
}

// Compute cycles of one tile: first to last vector presentation.
int64_t TileComputeCycles(const MacroTiming& t, int64_t tokens) {
  return CheckedAdd(CheckedMul(tokens - 1, t.initiation_interval, "the cycle count of a tile (--tokens)"), 1,
                    "the cycle count of a tile (--tokens)");
}

void AddLayer(PassTiming& pass, LayerTiming layer) {
  constexpr std::string_view kWhat = "the cycle count of the pass (--tokens)";
  pass.cycles = CheckedAdd(pass.cycles, layer.cycles, kWhat);
  pass.split.weight_load = CheckedAdd(pass.split.weight_load, layer.split.weight_load, kWhat);
  pass.split.compute = CheckedAdd(pass.split.compute, layer.split.compute, kWhat);
  pass.split.pipeline_fill = CheckedAdd(pass.split.pipeline_fill, layer.split.pipeline_fill, kWhat);
  pass.split.idle = CheckedAdd(pass.split.idle, layer.split.idle, kWhat);
  pass.vectors = CheckedAdd(pass.vectors, layer.vectors, "the vector count of the pass (--tokens)");
  pass.row_writes = CheckedAdd(pass.row_writes, layer.row_writes, kWhat);
  pass.layers.push_back(std::move(layer));
}

bool SharedPort(Schedule schedule) { return schedule != Schedule::kParallelPorts; }

// One streamed layer on the shared weight port, stepped cycle by cycle.
LayerTiming SimulateSharedPortLayer(const MacroTiming& t, const SystemLayer& l, int macros, int64_t tokens,
                                    Schedule schedule) {
  enum class Phase { kFree, kLoading, kWaiting, kComputing, kDraining };
  struct MacroState {
    Phase phase = Phase::kFree;
    int64_t rows_left = 0, settle_left = 0, vectors_left = 0, next_vector_cycle = 0;
    std::deque<int64_t> in_flight;
  };
  std::vector<MacroState> state(static_cast<size_t>(macros));
  LayerTiming lt;
  lt.name = l.name;
  lt.tiles = l.tiles;
  // A macro's Lw - 1 cycles after its last row (no vector yet) count as
  // weight load, whether it waits for its round meanwhile or not.
  auto settling = [&lt](MacroState& m) {
    if (m.settle_left == 0) return false;
    --m.settle_left;
    ++lt.split.weight_load;
    return true;
  };
  int64_t next_tile = 0;    // the next tile the port serves
  int port_macro = -1;      // the macro being loaded, -1 when the port is idle
  int64_t round_last = -1;  // serial: last tile of the current round
  bool round_loaded = false;
  auto all_free = [&] {
    for (const MacroState& m : state)
      if (m.phase != Phase::kFree) return false;
    return true;
  };
  int64_t cycle = 0;
  while (next_tile < l.tiles || !all_free()) {
    // The port takes the next tile when its macro is free (serial: a round
    // starts only when every macro is free).
    if (port_macro < 0 && next_tile < l.tiles) {
      const int q = static_cast<int>(next_tile % macros);
      const bool round_start = next_tile % macros == 0;
      const bool may_start = schedule == Schedule::kSerial
                                 ? (round_start ? all_free() : true)
                                 : state[static_cast<size_t>(q)].phase == Phase::kFree;
      if (may_start) {
        if (schedule == Schedule::kSerial && round_start) {
          round_last = std::min<int64_t>(next_tile + macros, l.tiles) - 1;
          round_loaded = false;
        }
        MacroState& m = state[static_cast<size_t>(q)];
        m.phase = Phase::kLoading;
        m.rows_left = t.tile_load_cycles;
        m.vectors_left = tokens;
        m.next_vector_cycle = -1;
        port_macro = q;
        ++next_tile;
      }
    }
    bool port_done = false;
    for (size_t q = 0; q < state.size(); ++q) {
      MacroState& m = state[q];
      switch (m.phase) {
        case Phase::kFree:
          ++lt.split.idle;
          break;
        case Phase::kLoading:
          --m.rows_left;
          ++lt.row_writes;
          ++lt.split.weight_load;
          if (m.rows_left == 0) {
            port_done = true;
            m.settle_left = t.write_settle_cycles();
            m.phase = schedule == Schedule::kSerial ? Phase::kWaiting : Phase::kComputing;
          }
          break;
        case Phase::kWaiting:
          if (settling(m)) break;
          if (!round_loaded) {
            ++lt.split.idle;
            break;
          }
          m.phase = Phase::kComputing;
          [[fallthrough]];
        case Phase::kComputing:
          if (settling(m)) break;
          if (m.next_vector_cycle < 0) m.next_vector_cycle = cycle;
          if (cycle == m.next_vector_cycle) {
            m.in_flight.push_back(cycle + t.pipeline_latency);
            ++lt.vectors;
            --m.vectors_left;
            m.next_vector_cycle = cycle + t.initiation_interval;
          }
          ++lt.split.compute;
          if (m.vectors_left == 0) m.phase = Phase::kDraining;
          break;
        case Phase::kDraining:
          ++lt.split.pipeline_fill;
          while (!m.in_flight.empty() && m.in_flight.front() <= cycle) m.in_flight.pop_front();
          if (m.in_flight.empty()) m.phase = Phase::kFree;
          break;
      }
    }
    if (port_done) {
      if (schedule == Schedule::kSerial && next_tile - 1 == round_last) round_loaded = true;
      port_macro = -1;
    }
    ++cycle;
  }
  lt.cycles = cycle;
  return lt;
}

constexpr std::array<std::string_view, 3> kScheduleNames = {"serial", "overlapped", "parallel-ports"};

}  // namespace

std::string ScheduleName(Schedule schedule) {
  return std::string(kScheduleNames.at(static_cast<std::size_t>(schedule)));
}

Schedule ParseSchedule(const std::string& text) { return ParseNamed<Schedule>("--schedule", text, kScheduleNames); }

int64_t StreamedLayerCycles(const MacroTiming& t, int64_t tiles, int macros, int64_t tokens, Schedule schedule) {
  RequireArguments(macros, tokens);
  const int64_t load = t.tile_load_cycles;
  // From the last row write to the last output: Lw - 1 cycles without a
  // vector, then the tokens' vectors and the pipeline.
  const int64_t run = t.write_settle_cycles() + TileComputeCycles(t, tokens) + t.pipeline_latency;
  switch (schedule) {
    case Schedule::kParallelPorts:
      return CheckedMul((tiles + macros - 1) / macros, load + run, "a layer's cycle count (--tokens)");
    case Schedule::kSerial: {
      // The round's last macro is loaded last and settles last.
      int64_t cycles = 0;
      for (int64_t first = 0; first < tiles; first += macros) {
        cycles += std::min<int64_t>(macros, tiles - first) * load + run;
      }
      return cycles;
    }
    case Schedule::kOverlapped: {
      // load_start[j] = max(load_end[j-1], finish[j-Q]); finish = start + load + run.
      std::vector<int64_t> finish(static_cast<size_t>(macros), 0);
      int64_t port_free = 0, cycles = 0;
      for (int64_t j = 0; j < tiles; ++j) {
        int64_t& macro_free = finish[static_cast<size_t>(j % macros)];
        const int64_t start = std::max(port_free, macro_free);
        port_free = start + load;
        macro_free = start + load + run;
        cycles = std::max(cycles, macro_free);
      }
      return cycles;
    }
  }
  return 0;
}

CycleSplit& CycleSplit::operator+=(const CycleSplit& o) {
  weight_load += o.weight_load;
  compute += o.compute;
  pipeline_fill += o.pipeline_fill;
  idle += o.idle;
  return *this;
}

double PassTiming::Utilisation(int macros) const {
  return cycles == 0 ? 0.0 : static_cast<double>(split.compute) / (static_cast<double>(macros) * cycles);
}

std::string RegimeName(WeightRegime regime) {
  return regime == WeightRegime::kResident ? "resident" : "streamed";
}

int64_t TileCycles(const MacroTiming& t, int64_t tokens) {
  constexpr std::string_view kWhat = "the cycle count of a tile (--tokens)";
  return CheckedAdd(CheckedAdd(TileLoadSpan(t), TileComputeCycles(t, tokens), kWhat), t.pipeline_latency, kWhat);
}

WeightRegime ChooseRegime(const std::vector<SystemLayer>& layers, int macros) {
  if (macros < 1) throw UsageError(fmt::format("--macros {}: must be >= 1", macros));
  return TotalTiles(layers) <= macros ? WeightRegime::kResident : WeightRegime::kStreamed;
}

PassTiming ModelPass(const MacroTiming& t, const std::vector<SystemLayer>& layers, int macros, int64_t tokens,
                     WeightRegime regime, Schedule schedule) {
  RequireArguments(macros, tokens);
  const bool resident = regime == WeightRegime::kResident;
  if (resident && TotalTiles(layers) > macros) {
    throw Error(fmt::format("resident weights need {} macros, have {}", TotalTiles(layers), macros));
  }
  PassTiming pass;
  pass.tokens = tokens;
  for (const SystemLayer& l : layers) {
    LayerTiming lt;
    lt.name = l.name;
    lt.tiles = l.tiles;
    const int64_t load = resident ? 0 : TileLoadSpan(t);  // row writes, then Lw - 1 cycles
    const std::string what = fmt::format("the cycle count of layer {} (--tokens)", l.name);
    lt.cycles = resident ? (l.tiles > 0 ? TileCycles(t, tokens) - TileLoadSpan(t) : 0)
                         : StreamedLayerCycles(t, l.tiles, macros, tokens, schedule);
    lt.split.weight_load = CheckedMul(l.tiles, load, what);
    lt.split.compute = CheckedMul(l.tiles, TileComputeCycles(t, tokens), what);
    lt.split.pipeline_fill = CheckedMul(l.tiles, t.pipeline_latency, what);
    lt.split.idle = CheckedSub(
        CheckedSub(CheckedSub(CheckedMul(macros, lt.cycles, what), lt.split.weight_load, what), lt.split.compute,
                   what),
        lt.split.pipeline_fill, what);
    lt.vectors = CheckedMul(l.tiles, tokens, what);
    lt.row_writes = resident ? 0 : CheckedMul(l.tiles, t.tile_load_cycles, what);
    AddLayer(pass, std::move(lt));
  }
  return pass;
}

SystemTiming ModelSystem(const MacroTiming& t, const std::vector<SystemLayer>& layers, int macros,
                         int64_t prefill_tokens, Schedule schedule) {
  RequireArguments(macros, prefill_tokens);
  SystemTiming s;
  s.macros = macros;
  s.schedule = schedule;
  s.regime = ChooseRegime(layers, macros);
  s.total_tiles = TotalTiles(layers);
  if (s.regime == WeightRegime::kResident && s.total_tiles > 0) {
    s.initial_row_writes = CheckedMul(s.total_tiles, t.tile_load_cycles, "the initial weight load");
    // The last row written, then Lw - 1 cycles before the first vector.
    s.initial_load_cycles =
        (SharedPort(schedule) ? s.initial_row_writes : t.tile_load_cycles) + t.write_settle_cycles();
  }
  s.decode = ModelPass(t, layers, macros, 1, s.regime, schedule);
  s.prefill = ModelPass(t, layers, macros, prefill_tokens, s.regime, schedule);
  return s;
}

PassTiming SimulatePass(const MacroTiming& t, const std::vector<SystemLayer>& layers, int macros, int64_t tokens,
                        WeightRegime regime, Schedule schedule) {
  RequireArguments(macros, tokens);
  const bool resident = regime == WeightRegime::kResident;
  PassTiming pass;
  pass.tokens = tokens;
  int64_t model_tile = 0;  // resident placement: model tile j on macro j
  for (const SystemLayer& l : layers) {
    if (!resident && SharedPort(schedule)) {
      AddLayer(pass, SimulateSharedPortLayer(t, l, macros, tokens, schedule));
      continue;
    }
    // Each macro's queue of tiles for this layer.
    std::vector<int64_t> queued(static_cast<size_t>(macros), 0);
    for (int64_t j = 0; j < l.tiles; ++j) {
      const int64_t macro = resident ? model_tile + j : j % macros;
      if (macro >= macros) throw Error("SimulatePass: resident placement needs more macros");
      ++queued[static_cast<size_t>(macro)];
    }
    model_tile += l.tiles;
    struct MacroState {
      int64_t tiles_left = 0;
      bool in_tile = false;
      int64_t rows_left = 0, settle_left = 0, vectors_left = 0, next_vector_cycle = 0;
      std::deque<int64_t> in_flight;  // output cycles
    };
    std::vector<MacroState> state(static_cast<size_t>(macros));
    for (int q = 0; q < macros; ++q) state[q].tiles_left = queued[q];
    LayerTiming lt;
    lt.name = l.name;
    lt.tiles = l.tiles;
    int64_t cycle = 0;
    auto busy = [&] {
      for (const MacroState& m : state)
        if (m.tiles_left > 0 || m.in_tile) return true;
      return false;
    };
    while (busy()) {
      for (MacroState& m : state) {
        if (!m.in_tile && m.tiles_left > 0) {
          m.in_tile = true;
          --m.tiles_left;
          m.rows_left = resident ? 0 : t.tile_load_cycles;
          m.settle_left = resident ? 0 : t.write_settle_cycles();
          m.vectors_left = tokens;
          m.next_vector_cycle = -1;
        }
        if (!m.in_tile) {
          ++lt.split.idle;
          continue;
        }
        if (m.rows_left > 0) {  // one row written this cycle
          --m.rows_left;
          ++lt.row_writes;
          ++lt.split.weight_load;
          continue;
        }
        if (m.settle_left > 0) {  // the last row's write in flight (Lw - 1 cycles)
          --m.settle_left;
          ++lt.split.weight_load;
          continue;
        }
        if (m.vectors_left > 0) {
          if (m.next_vector_cycle < 0) m.next_vector_cycle = cycle;
          if (cycle == m.next_vector_cycle) {  // a vector presented this cycle
            m.in_flight.push_back(cycle + t.pipeline_latency);
            ++lt.vectors;
            --m.vectors_left;
            m.next_vector_cycle = cycle + t.initiation_interval;
          }
          ++lt.split.compute;  // between the first and the last presentation
          continue;
        }
        // Waiting for outputs: the tile ends in the cycle its last output is valid.
        ++lt.split.pipeline_fill;
        while (!m.in_flight.empty() && m.in_flight.front() <= cycle) m.in_flight.pop_front();
        if (m.in_flight.empty()) m.in_tile = false;
      }
      ++cycle;
    }
    lt.cycles = cycle;
    AddLayer(pass, std::move(lt));
  }
  return pass;
}

}  // namespace flexcim::golden
