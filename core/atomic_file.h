// Checked file writes. WriteFileAtomically: a file appears complete or not at
// all. The bytes go to "<path>.tmp.<pid>" and are renamed over `path` (same
// directory, so the rename is atomic on POSIX). Every write and the close are
// checked, so a full disk is an error, never a short or empty file. Missing
// parent directories are created. Temporaries left by an earlier process that
// was killed (its pid no longer runs) are removed on the next write of the
// same path.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace flexcim {

// Throws flexcim::Error naming the path on failure (the temporary is removed).
// An existing `path` must be a regular file, a character device or a FIFO
// (e.g. /dev/stdout, /dev/full): those are written in place, still checked;
// anything else (a directory, ...) is refused.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// Creates or truncates `path` and writes `bytes`, checking every write and
// the close. Throws Error "PATH: write failed: <reason>". For files inside a
// staging directory (see core/output_directory.h).
void WriteFileChecked(const std::filesystem::path& path, std::string_view bytes);

// Checks, before any work starts, what can be known about writing `path`
// with WriteFileAtomically later: an existing `path` must be a regular
// file, a character device or a FIFO, and the nearest existing directory
// above it must be a writable directory. UsageError "FLAG PATH: <why>"
// otherwise, so a bad --json/--out/--trace is reported at once, not after
// minutes of work.
void RequireWritableTarget(std::string_view flag, const std::filesystem::path& path);

// True when `name` is "<stem><pid><rest>" and no process `pid` runs any more:
// a leftover of an interrupted run that is safe to remove.
bool IsLeftoverOfDeadProcess(std::string_view name, std::string_view stem);

}  // namespace flexcim
