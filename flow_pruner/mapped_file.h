// MappedFile: a whole file mapped read-only (mmap), so a checkpoint larger
// than the RAM can be read tensor by tensor; Release() drops pages already
// consumed from this process's resident set (the page cache keeps them).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace flexcim::pruner {

class MappedFile {
 public:
  // Throws Error "PATH: cannot open: <reason>" / "PATH: cannot map: <reason>".
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;

  const std::string& path() const { return path_; }
  std::string_view bytes() const { return {data_, size_}; }
  size_t size() const { return size_; }

  // Advises the kernel that bytes [begin, end) are no longer needed
  // (MADV_DONTNEED from the page holding `begin` to the last whole page before
  // `end`); reading them again
  // faults them back in from the file.
  void Release(size_t begin, size_t end) const;

 private:
  std::string path_;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace flexcim::pruner
