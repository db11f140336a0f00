// What the overlapped schedule buys over the serial one (docs/ACCEL.md
// "Schedules"): decode and prefill cycles of model shapes on Q macros of
// each architecture under both shared-port schedules, from the system model
// (golden/system_model.h). A separate section of `flexcim report`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/arch_traits.h"
#include "core/macro_config.h"
#include "core/nm_pattern.h"
#include "golden/model_layers.h"

namespace flexcim::golden {

struct ScheduleGainRow {
  std::string shape;
  Arch arch = Arch::kFlexcim;
  int64_t decode_serial = 0, decode_overlapped = 0;
  int64_t prefill_serial = 0, prefill_overlapped = 0;
  double DecodeGain() const { return static_cast<double>(decode_serial) / decode_overlapped; }
  double PrefillGain() const { return static_cast<double>(prefill_serial) / prefill_overlapped; }
};

struct ScheduleGainReport {
  std::vector<ScheduleGainRow> rows;
  std::string markdown;  // "## What the overlapped schedule buys" with one table
  nlohmann::json json;   // {"macros", "tokens", "pattern", "config", "rows": [...]}
};

// Every shape x {flexcim, dense, sparse12} at `pattern` in every block, Q =
// `macros`, prefill `tokens`, streamed or resident as the system model
// chooses. Throws what EvaluateArch throws.
ScheduleGainReport BuildScheduleGainReport(const MacroConfig& config, const std::vector<ModelShape>& shapes,
                                           const NmPattern& pattern, int macros, int64_t tokens);

}  // namespace flexcim::golden
