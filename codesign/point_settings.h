// The chosen points of `flexcim codesign` reported at every setting: each
// cell style at equal cells (Q macros of every architecture) and at equal
// area against FlexCiM at each G (baselines get the macros whose area
// matches), with the system model's figures from `flexcim energy` files.
// The choice of a point (codesign_run.h) does not depend on the areas or
// energies, so a finished run can be re-reported with other energy files
// (RescoreCodesign, `flexcim codesign --rescore`) without pruning again.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/arch_traits.h"
#include "core/macro_config.h"
#include "golden/model_layers.h"
#include "golden/perf_model.h"

namespace flexcim::codesign {

// Operation energies (area, fmax) of one architecture and configuration,
// from the first of `files` that has it (cached per configuration).
class EnergyLookup {
 public:
  explicit EnergyLookup(std::vector<std::filesystem::path> files) : files_(std::move(files)) {}
  std::optional<std::pair<golden::OperationEnergies, std::filesystem::path>> Find(Arch arch, const MacroConfig& config);

 private:
  std::vector<std::filesystem::path> files_;
  std::map<std::string, std::optional<std::pair<golden::OperationEnergies, std::filesystem::path>>> cache_;
};

// One architecture / G / cell style / budget's choice before any setting:
// `facts` holds budget, arch, G, label, style, tries, reachable (and note),
// and for a reachable point patterns, sparsified, block_sparsity,
// prune_dir, validation_ppl_estimate, validation_ppl, validation_ratio,
// heldout_ppl, heldout_ratio; `layers` are its pruned layers (real masks).
struct ChosenPoint {
  nlohmann::json facts;
  std::vector<golden::ModelLayer> layers;
};

struct SettingsInputs {
  MacroConfig base = MacroConfig::Default();  // P, R, C, A, W
  std::vector<Arch> archs;
  std::vector<int> groups;
  std::vector<std::string> styles;  // CellStyle names, in order
  int macros = 16;
  int64_t tokens = 128;
  double buffer_pj_per_bit = 0;
  std::vector<std::filesystem::path> energy_files;
  std::string tokenizer_path, heldout_slice;  // for the commands beside each point
};

// The configuration an architecture runs at G (FlexCiM) in a cell style
// ("bit-parallel/ff"); baselines ignore G (G = C).
MacroConfig CurveConfig(const MacroConfig& base, Arch arch, int G, const std::string& style);

// Every setting's choices (codesign.json "choices"), in the order: style,
// equal cells then equal area against each G with energies; architecture /
// G; budget. `points` has one entry per architecture / G / style / budget.
// `notes` gets one line per FlexCiM configuration without energies.
nlohmann::json ChoicesAtSettings(const std::vector<ChosenPoint>& points, const SettingsInputs& in,
                                 std::vector<std::string>* notes);

// A finished codesign.json reported again with `energy_files` (the chosen
// points and their prune outputs unchanged; their pruned layers read from
// prune_dir/pruned.flexcim): the same keys, with "choices", "notes" and
// "energy_files" replaced and "rescored_from" added. Throws Error naming a
// missing or unreadable prune output.
nlohmann::json RescoreCodesign(const nlohmann::json& codesign, const std::vector<std::filesystem::path>& energy_files,
                               const std::string& source);

}  // namespace flexcim::codesign
