// WriteDesign: puts a GeneratedDesign on disk all-or-nothing.
#pragma once

#include <filesystem>

#include "generator/generated_design.h"

namespace flexcim::gen {

// Writes every file of `design` and manifest.json into a fresh temporary
// sibling of `out_dir`, then renames it onto `out_dir`, so a failure never
// leaves half a design. An existing `out_dir` is replaced only when it is a
// previously generated design (holds manifest.json) or an empty directory;
// anything else is refused. Missing parent directories are created.
// Throws flexcim::Error naming the path; nothing is left behind on failure.
void WriteDesign(const GeneratedDesign& design, const std::filesystem::path& out_dir);

// Leaves `out_dir` untouched (timestamps too) when it already holds every
// file of `design` and its manifest byte for byte, so a build that depends
// on the files (flexcim verify's Verilator build) has nothing to redo;
// otherwise WriteDesign. Returns true when the design was written.
bool WriteDesignIfChanged(const GeneratedDesign& design, const std::filesystem::path& out_dir);

}  // namespace flexcim::gen
