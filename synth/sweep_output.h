// The sweep's outputs: sweep.csv (one row per point), sweep.json (every
// point's full result, the overheads against baselines, the notes) and
// sweep.svg (area overhead vs G per P; fmax vs G per configuration).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synth/sweep.h"

namespace flexcim::synth {

std::string SweepCsv(const std::vector<SweepRow>& rows);
nlohmann::json SweepJson(const std::vector<SweepRow>& rows, const std::vector<std::string>& notes);
std::string SweepSvg(const std::vector<SweepRow>& rows);

// Writes the three files into `out_dir` atomically.
void WriteSweepOutputs(const std::vector<SweepRow>& rows, const std::vector<std::string>& notes,
                       const std::filesystem::path& out_dir);

}  // namespace flexcim::synth
