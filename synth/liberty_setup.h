// The SkyWater sky130hd liberty file for synthesis and timing.
//
// ../shared/data/liberty/ ships it gzip-compressed; Yosys 0.23 cannot read
// .gz, so the build unpacks it (synth/CMakeLists.txt) and, when that copy is
// missing (another --data-dir, a bare library build), PrepareLiberty unpacks
// it into a cache directory. The flow then uses a copy in which the cells
// nobody synthesises to (power-gating lpflow_* cells, probes, delay cells)
// carry `dont_use : true`, which ABC honours; OpenSTA reads the same file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace flexcim::synth {

inline constexpr char kLibertyBaseName[] = "sky130_fd_sc_hd__tt_025C_1v80";

// Cell-name prefixes (after "sky130_fd_sc_hd__") marked dont_use.
const std::vector<std::string>& DontUseCellPrefixes();

// Returns the synthesis liberty (dont_use marked) inside `cache_dir`,
// creating it from the build-tree copy or from
// `data_dir`/liberty/<base>.lib.gz when needed. Not thread-safe for one
// cache_dir: call it once before starting parallel runs. Throws
// flexcim::Error with one line naming the missing file otherwise.
std::filesystem::path PrepareLiberty(const std::filesystem::path& data_dir,
                                     const std::filesystem::path& cache_dir);

// Inserts "dont_use : true;" into every `cell ("<lib>__<prefix>...")` group
// whose name starts with one of `prefixes` (text transform, exposed for tests).
std::string MarkDontUse(const std::string& liberty_text, const std::vector<std::string>& prefixes);

}  // namespace flexcim::synth
