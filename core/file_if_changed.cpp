#include "core/file_if_changed.h"

#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "core/atomic_file.h"

namespace flexcim {

bool FileHolds(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size != bytes.size()) return false;
  std::ifstream in(path, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return content == bytes;
}

bool WriteFileIfChanged(const std::filesystem::path& path, std::string_view bytes) {
  if (FileHolds(path, bytes)) return false;
  WriteFileAtomically(path, bytes);
  return true;
}

}  // namespace flexcim
