// FstFileProblem: whether an FST waveform that Verilator's writer (GTKWave's
// fstapi) has closed is complete. That writer ignores failed writes: on a
// full disk it closes a truncated file and reports nothing, so the
// testbench checks the file it wrote before renaming it into place.
//
// The check walks the file's block chain (a 1-byte tag, then a big-endian
// 64-bit section length that counts itself): every block must be one the
// writer finishes (no FST_BL_SKIP, the tag of a block still being written)
// and lie inside the file, the chain must end exactly at the end of the
// file and hold the geometry and hierarchy blocks written at close, and the
// header must agree (its value-change section count equals the blocks
// found, its end time equals the last dumped time). Bounded: it reads 9
// bytes per block and never decompresses anything, so it cannot hang on
// a damaged file (GTKWave's reader can).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace flexcim::verif {

// "" when `file` is a complete FST file whose last time step is
// `last_time`; otherwise what is wrong, e.g. "block 3 at byte 16384 runs
// past the end of the file (16384 bytes)".
std::string FstFileProblem(const std::filesystem::path& file, uint64_t last_time);

}  // namespace flexcim::verif
