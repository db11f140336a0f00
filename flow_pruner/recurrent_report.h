// The recurrent section of `flexcim report` (issue 20 item 5), rendered from
// the machine-readable files of `<run>/recurrent/` (nothing is recomputed):
//   rwkv/{flow,uniform}-{none,obs}/prune.json  `flexcim prune` of rwkv.cpp's
//       tiny RWKV v5.2 at target 0.5 with legal masks, without and with OBS
//       reconstruction, evaluated on held-out byte blocks (the calibration
//       blocks are distinct);
//   perf-mamba-2.8b.json  `flexcim perf --shape mamba-2.8b --json` on the
//       three architectures (decode and prefill; the non-linear work
//       outside the comparison, as perf states it).
// `make recurrent-report RUN=<run>` writes them (scripts/recurrent_report.sh).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace flexcim::pruner {

struct RecurrentReport {
  std::string markdown;  // "## Recurrent models ...", "Missing" notes naming what to run; empty without <run>/recurrent
  nlohmann::json json;   // the files read, by name
};

// Throws Error naming the file for content of the wrong shape.
RecurrentReport BuildRecurrentReport(const std::filesystem::path& run);

}  // namespace flexcim::pruner
