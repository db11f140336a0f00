#include "flow_pruner/file_bytes.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/errors.h"

namespace flexcim::pruner {

std::string ReadFileBytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(fmt::format("{}: cannot open: is a directory", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::string bytes;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(fmt::format("{}: read failed: cannot determine size", path));
  bytes.resize(static_cast<size_t>(size));
  in.seekg(0, std::ios::beg);
  in.read(bytes.data(), size);
  if (in.gcount() != size) {
    throw Error(fmt::format("{}: read failed after {} of {} bytes", path, in.gcount(), size));
  }
  return bytes;
}

void WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(fmt::format("{}: cannot write: {}", tmp, std::strerror(errno)));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw Error(fmt::format("{}: write failed: {}", tmp, std::strerror(errno)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw Error(fmt::format("{}: cannot rename {} over it: {}", path, tmp, ec.message()));
  }
}

}  // namespace flexcim::pruner
