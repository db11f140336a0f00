// WriteFileIfChanged: leaves a file that already holds exactly `bytes`
// untouched (its timestamp too, so build tools that compare timestamps do
// not redo work for regenerated but identical sources); otherwise writes it
// atomically (WriteFileAtomically).
#pragma once

#include <filesystem>
#include <string_view>

namespace flexcim {

// True when `path` is a regular file whose content is exactly `bytes`.
bool FileHolds(const std::filesystem::path& path, std::string_view bytes);

// Returns true when the file was (re)written.
bool WriteFileIfChanged(const std::filesystem::path& path, std::string_view bytes);

}  // namespace flexcim
