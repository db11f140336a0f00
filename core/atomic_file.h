// WriteFileAtomically: a file appears complete or not at all. The bytes go
// to "<path>.tmp.<pid>" and are renamed over `path` (same directory, so the
// rename is atomic on POSIX). Missing parent directories are created.
#pragma once

#include <filesystem>
#include <string_view>

namespace flexcim {

// Throws flexcim::Error naming the path on failure (the temporary is removed).
void WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace flexcim
