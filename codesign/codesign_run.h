// `flexcim codesign` (docs/CODESIGN.md): at a perplexity budget, which
// architecture, select group G and cell style gives the lowest decode
// latency (or energy) per token, at equal cells and at equal area.
//
// 1. BlockVariants: every block pruned (OBS) with every pattern and mask
//    kind an architecture runs, from the dense inputs of the calibration
//    text, scored alone on the validation text.
// 2. One greedy path per architecture / G / cell style (greedy_path.h),
//    cost = decode cycles (or decode energy) of the system model on the
//    model's shapes at Q macros: FlexCiM at G runs its supported N:M set
//    with masks legal at G (dense as 2:2), fixed 1:2 runs dense or 1:2 with
//    free masks, dense DCiM the dense model.
// 3. Per budget and setting (style; equal cells, or equal area against
//    FlexCiM at each G), the cheapest path point whose estimated validation
//    perplexity meets budget x dense is pruned sequentially (prune pipeline,
//    method "assigned", OBS) and kept when its W8A8 validation perplexity
//    meets budget x the dense W8A8 one; otherwise the next cheapest is
//    tried. The chosen prune output is written (prunes/<name>) and its
//    W8A8 perplexity on the held-out blocks and its system-model figures
//    (real masks, `perf --pruned`) are reported.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/arch_traits.h"
#include "core/cell_style.h"
#include "core/macro_config.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/obs_reconstruction.h"

namespace flexcim::codesign {

struct CellStyle {
  MacStyle mac = MacStyle::kBitParallel;
  StorageKind storage = StorageKind::kFlipFlop;
  std::string Name() const;  // "bit-parallel/ff"
  auto operator<=>(const CellStyle&) const = default;
};

// "bit-parallel/ff,bit-serial/latch". UsageError naming --styles.
std::vector<CellStyle> ParseCellStyles(const std::string& text);
// "a,b,,c" -> {"a", "b", "", "c"} (every item, empty ones included).
std::vector<std::string> SplitCommaList(const std::string& text);
// "1.05,1.1,2": each a number >= 1.0 (relative to the dense W8A8
// perplexity). UsageError "<flag> X: ..." naming the bad item.
std::vector<double> ParseBudgets(const std::string& text, const std::string& flag = "--budgets");
// Comma list of positive powers of two (FlexCiM's select groups).
std::vector<int> ParseGroups(const std::string& text);

enum class Objective { kLatency, kEnergy };
Objective ParseObjective(const std::string& text);  // latency | energy; UsageError naming --minimise

struct CodesignSlices {
  std::string calibration = "0:255", validation = "3000:3063", heldout = "3300:4299";
};
// UsageError when two of the slices overlap, naming both flags and slices.
void RefuseOverlappingSlices(const CodesignSlices& slices, int num_blocks);

struct CodesignOptions {
  MacroConfig base = MacroConfig::Default();  // P, R, C, A, W (G and style per point)
  std::vector<double> budgets = {1.05, 1.1, 1.25, 1.5, 2.0};
  std::vector<Arch> archs = {Arch::kFlexcim, Arch::kSparse12, Arch::kDense};
  std::vector<int> groups = {1, 4, 16};
  std::vector<CellStyle> styles = {CellStyle{}};
  Objective objective = Objective::kLatency;
  int macros = 16;
  int64_t tokens = 128;
  double buffer_pj_per_bit = 0;
  std::vector<std::filesystem::path> energy_files;  // `flexcim energy` outputs, searched in order
  pruner::ObsOptions obs;                            // of the chosen assignments' pruning
  CodesignSlices slices;
  std::string model_name;     // "stories15M"
  std::string model_path;     // for the commands written beside each point
  std::string tokenizer_path;
  std::string source_sha256;
  int threads = 0;
  bool progress = true;
};

struct CodesignResult {
  nlohmann::json json;                       // codesign.json
  std::string markdown;                      // codesign.md (the iso-perplexity table first)
  std::map<std::string, std::string> svgs;   // file name -> SVG
};

// Writes every chosen point's prune output under `staging`/prunes/<name>;
// codesign.json names it as `out_dir`/prunes/<name> (where the staging
// directory ends up). Throws Error / UsageError.
CodesignResult RunCodesign(const pruner::LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                           const std::vector<std::vector<int>>& validation,
                           const std::vector<std::vector<int>>& heldout, const CodesignOptions& options,
                           const std::filesystem::path& staging, const std::filesystem::path& out_dir);

}  // namespace flexcim::codesign
