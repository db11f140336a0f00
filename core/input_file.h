// Reading user-supplied input files. Only regular files are read: a FIFO,
// a device or a directory is refused with one line naming the path (a FIFO
// would otherwise block forever waiting for end of file).
#pragma once

#include <filesystem>
#include <string>

namespace flexcim {

// The whole content of `path`. Throws Error "PATH: cannot open: <reason>",
// "PATH: not a regular file (<kind>)" or "PATH: read failed: <reason>".
std::string ReadRegularFile(const std::filesystem::path& path);
// The same, refusing a file larger than `max_bytes` before reading it:
// "PATH: N bytes, more than the M this file can be".
std::string ReadRegularFile(const std::filesystem::path& path, size_t max_bytes);

// Throws Error "PATH: not a regular file (<kind>)" unless `path` is missing
// or a regular file (symbolic links are followed).
void RequireRegularFileOrMissing(const std::filesystem::path& path);

}  // namespace flexcim
