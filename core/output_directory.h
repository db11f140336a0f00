// OutputDirectory: every command that writes a directory of results fills a
// fresh sibling staging directory and swaps it into place, so a failure or an
// interrupt never leaves half an output behind, and never deletes anything
// this tool did not write. Policy in docs/ROBUSTNESS.md.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace flexcim {

// Written into every output directory: {"format": "flexcim-output",
// "kind": "<kind>"}. Its content, not its name, is what makes a directory
// replaceable.
inline constexpr char kOutputMarkerFileName[] = ".flexcim-output";

// Writes `out_dir` atomically: `fill` writes files into a staging directory,
// which then replaces `out_dir` (one renameat2 RENAME_EXCHANGE where the file
// system supports it). An existing `out_dir` is replaced only when it is
// empty or its marker file says it was written for `kind` (e.g. "gen",
// "map"); otherwise Error naming the path and what it holds. On any failure
// the staging directory is removed and the old `out_dir` is untouched.
// Staging directories of earlier runs that were killed are removed first,
// and an output whose swap was interrupted is restored.
void WriteOutputDirectory(const std::filesystem::path& out_dir, std::string_view kind,
                          const std::function<void(const std::filesystem::path& staging)>& fill);

// Writes `text` to `path` (binary), every write and the close checked; Error
// naming the path on failure.
void WriteTextFile(const std::filesystem::path& path, const std::string& text);

// A path the user named with a flag.
struct FlagPath {
  std::string flag;  // "--out"
  std::filesystem::path path;
};

// Throws UsageError when `output` is the same path as an input or contains
// one ("--out DIR: contains the input --pruned FILE; choose another output"),
// so writing the output can never delete or overwrite an input. Inputs
// with an empty path are skipped.
void RefuseOutputOverInputs(const FlagPath& output, const std::vector<FlagPath>& inputs);

// Every file (not subdirectory) of an input directory, e.g. a Hugging Face
// model directory, as inputs of `flag` for RefuseOutputOverInputs. Empty
// when `dir` is not a directory.
std::vector<FlagPath> FilesOfInputDirectory(const std::string& flag, const std::filesystem::path& dir);

// The checks WriteOutputDirectory makes, without writing: call it before
// minutes of work so a refused output is reported at once. Error as there.
void CheckOutputDirectory(const std::filesystem::path& out_dir, std::string_view kind);

// For commands that fill their output directory file by file (each through
// WriteFileAtomically) and keep work files inside it (synth, sweep, bench):
// before any work starts, refuses (UsageError naming the flag) a path that
// is not a directory, a non-empty directory without this command's marker
// (a user's directory, another command's output), then creates it and
// writes the marker. Re-running the same command into it is allowed.
void ClaimOutputDirectory(const FlagPath& out_dir, std::string_view kind);

}  // namespace flexcim
