#include "verif/fst_file_check.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace flexcim::verif {

namespace {

// Block tags of fstapi.h (enum fstBlockType).
constexpr int kHeader = 0, kValueChanges = 1, kBlackout = 2, kGeometry = 3, kHierarchy = 4,
              kValueChangesDynAlias = 5, kHierarchyLz4 = 6, kHierarchyLz4Duo = 7, kValueChangesDynAlias2 = 8;
constexpr uint64_t kHeaderLength = 329;                        // the header's section length
constexpr uint64_t kHeaderEndTime = 17, kHeaderSections = 65;  // byte offsets in the file

uint64_t BigEndian64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly n bytes at `offset`; false on a short read or an error.
bool ReadAt(int fd, uint64_t offset, unsigned char* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

std::string FstFileProblem(const std::filesystem::path& file, uint64_t last_time) {
  const Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fmt::format("cannot read it back: {}", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "not a regular file";
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  std::array<unsigned char, 1 + kHeaderLength> header{};
  if (size < header.size() || !ReadAt(fd.get(), 0, header.data(), header.size())) {
    return fmt::format("{} bytes, shorter than the FST header", size);
  }
  if (header[0] != kHeader || BigEndian64(&header[1]) != kHeaderLength) return "no FST header at byte 0";
  uint64_t value_change_blocks = 0;
  bool geometry = false, hierarchy = false;
  uint64_t block = 1;
  for (uint64_t at = header.size(); at != size; ++block) {
    std::array<unsigned char, 9> head{};
    if (size - at < head.size() || !ReadAt(fd.get(), at, head.data(), head.size())) {
      return fmt::format("block {} at byte {} is cut off by the end of the file ({} bytes)", block, at, size);
    }
    const int tag = head[0];
    const uint64_t length = BigEndian64(&head[1]);
    switch (tag) {
      case kValueChanges:
      case kValueChangesDynAlias:
      case kValueChangesDynAlias2: ++value_change_blocks; break;
      case kGeometry: geometry = true; break;
      case kHierarchy:
      case kHierarchyLz4:
      case kHierarchyLz4Duo: hierarchy = true; break;
      case kBlackout: break;
      default: return fmt::format("block {} at byte {} has tag {}, not a finished block", block, at, tag);
    }
    if (length < 8 || length > size - at - 1) {
      return fmt::format("block {} at byte {} runs past the end of the file ({} bytes)", block, at, size);
    }
    at += 1 + length;
  }
  if (!geometry || !hierarchy) {
    return fmt::format("no {} block: the writer did not finish the file", geometry ? "hierarchy" : "geometry");
  }
  if (BigEndian64(&header[kHeaderSections]) != value_change_blocks) {
    return fmt::format("the header counts {} value-change blocks, the file holds {}",
                       BigEndian64(&header[kHeaderSections]), value_change_blocks);
  }
  if (BigEndian64(&header[kHeaderEndTime]) != last_time) {
    return fmt::format("it ends at time {}, the simulation at {}", BigEndian64(&header[kHeaderEndTime]), last_time);
  }
  return "";
}

}  // namespace flexcim::verif
