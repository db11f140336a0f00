// Latency and energy of a model on Q macros of one architecture
// (docs/PERF.md): the system model's counts (system_model.h) times the
// per-operation energies measured by the synth flow (`flexcim energy`,
// synth/operation_energy.h), with and without the weight buffer's read
// energy, at equal cells and at equal area.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden/arch_mapping.h"
#include "golden/model_layers.h"
#include "golden/run_as_pattern.h"
#include "golden/system_model.h"

namespace flexcim::golden {

// The default weight-buffer read energy, pJ per bit: 10 pJ for a 64-bit
// read of an 8 KB SRAM at 45 nm (M. Horowitz, "Computing's energy problem
// (and what we can do about it)", ISSCC 2014, Figure 1.1.9): 10/64.
inline constexpr double kDefaultBufferReadPjPerBit = 10.0 / 64.0;

// One architecture and configuration, measured by `flexcim energy`.
struct OperationEnergies {
  double vector_pj = 0;      // one input vector (II cycles of compute)
  double row_write_pj = 0;   // one row write cycle
  double idle_cycle_pj = 0;  // one cycle with no write and no vector (clock + leakage)
  double area_um2 = 0;
  double fmax_mhz = 0;  // the design's one clock (worst path over write, reset and compute)
};

// The configuration name an architecture's energies are stored under:
// MacroConfig::Name() for flexcim, BaselineConfig::Name() (no G) otherwise.
std::string EnergyConfigName(Arch arch, const MacroConfig& config);

// The file `flexcim energy` writes: {"archs": {"flexcim": {"config":
// EnergyConfigName, "area_um2", "fmax_mhz", "energy_pj": {"vector",
// "row_write", "idle_cycle"}, ...}, ...}}. Returns the architectures whose
// configuration is `config`'s (others are skipped: the caller says which
// are missing). Throws Error naming the file when it is unreadable or a
// value of a matching entry is missing or negative.
std::map<Arch, OperationEnergies> ReadOperationEnergies(const std::filesystem::path& file,
                                                        const MacroConfig& config);

// Where the energies of such a file come from, as printed beside the
// figures: "simulated activity (flexcim: S1; dense: S2)" (each entry's
// "activity": "simulated" with its "stimulus" or "trace"), "vectorless
// activity (in_act 0.5, write 0.5 toggles per bit per cycle)" (the file's
// act_activity / write_activity), or "activity not recorded in the file".
// Only the architectures whose configuration is `config`'s are named.
std::string EnergySourceText(const std::filesystem::path& file, const MacroConfig& config);

struct PassEnergy {
  double macro_pj = 0;   // vectors, row writes, idle cycles of the macros
  double buffer_pj = 0;  // weight-buffer reads of the rows written
  double total_pj() const { return macro_pj + buffer_pj; }
};

// vectors x E_vector + row writes x E_write + the other macro-cycles
// (pipeline fill, idle, the II-1 cycles inside a vector) x E_idle; buffer:
// row writes x row bits x pJ/bit.
PassEnergy EnergyOfPass(const PassTiming& pass, int macros, const MacroTiming& timing,
                        const OperationEnergies& e, double buffer_pj_per_bit);

struct ArchPerf {
  Arch arch = Arch::kFlexcim;
  MacroConfig config = MacroConfig::Default();
  MacroTiming timing;
  int macros = 1;
  Schedule schedule = Schedule::kParallelPorts;
  RunAsPolicy run_as = RunAsPolicy::kPruned;  // flexcim: the pattern each layer runs as
  std::vector<std::string> layer_names;
  std::vector<ArchLayerPlan> plans;
  SystemTiming system;
  int64_t kept_weights = 0;  // masks' kept weights (shape only: out*in*N/M)
  std::optional<OperationEnergies> ops;
  std::optional<PassEnergy> decode_energy, prefill_energy, initial_load_energy;

  double CellUtilisation() const;  // kept / (tiles x cells per macro)
};

// Plans every layer (throws what PlanArchLayer throws), runs the system
// model, and, with `ops`, the energies. On FlexCiM each layer runs as
// ChooseRunAsPattern(run_as, ...) (its plan keeps the pruned pattern, so
// ModeText says "1:2 as 4:8"). Throws UsageError
// "--buffer-pj-per-bit -1: must be >= 0".
ArchPerf EvaluateArch(Arch arch, const MacroConfig& config, const std::vector<ModelLayer>& layers, int macros,
                      int64_t prefill_tokens, const std::optional<OperationEnergies>& ops,
                      double buffer_pj_per_bit, Schedule schedule = Schedule::kParallelPorts,
                      RunAsPolicy run_as = RunAsPolicy::kPruned);

// Macros of an architecture whose total area matches `macros` macros of
// area `reference_area` within one macro: round(macros x ref / area), >= 1.
// The most macros of one architecture perf models (--macros, equal area).
inline constexpr int kMaxMacros = 1 << 20;
// The most prefill tokens (--tokens): cycle counts stay far from 2^63.
inline constexpr int64_t kMaxPerfTokens = int64_t{1} << 40;
int EqualAreaMacros(int macros, double reference_area_um2, double area_um2);

// decode_cycles, prefill_cycles, prefill_tokens, energy_per_token_pj (decode,
// macros only; null without energies), energy_per_token_with_buffer_pj,
// tiles, regime, macros, the cycle splits, utilisations, per-layer rows.
nlohmann::json ToJson(const ArchPerf& perf);

}  // namespace flexcim::golden
