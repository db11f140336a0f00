// WriteFileAtomic: a report file appears complete or not at all. The text is
// written to "<path>.tmp.<pid>" and renamed over `path` (same directory, so
// the rename is atomic on POSIX).
#pragma once

#include <filesystem>
#include <string_view>

namespace flexcim::synth {

// Throws flexcim::Error naming the path when writing or renaming fails.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view text);

}  // namespace flexcim::synth
