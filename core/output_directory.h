// OutputDirectory: every command that writes a directory of results fills a
// fresh sibling staging directory and renames it into place, so a failure
// never leaves half an output behind.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace flexcim {

// Writes `out_dir` atomically: `fill` writes files into a staging directory,
// which then replaces `out_dir`. An existing `out_dir` is replaced only when
// it is empty or holds `marker` (a file that a previous run of the same
// command wrote); otherwise Error naming the path. On any failure the
// staging directory is removed and the old `out_dir` is untouched.
void WriteOutputDirectory(const std::filesystem::path& out_dir, const std::string& marker,
                          const std::function<void(const std::filesystem::path& staging)>& fill);

// Writes `text` to `path` (binary); Error naming the path on failure.
void WriteTextFile(const std::filesystem::path& path, const std::string& text);

}  // namespace flexcim
