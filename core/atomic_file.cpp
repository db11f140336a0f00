#include "core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "core/errors.h"

namespace flexcim {

namespace fs = std::filesystem;

namespace {

// Writes all of `bytes` to `fd` and closes it; false with errno set on failure.
bool WriteAllAndClose(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      errno = saved;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return ::close(fd) == 0;
}

void WriteToOpenedFile(int fd, const fs::path& path, std::string_view bytes) {
  if (fd < 0) throw Error(fmt::format("{}: cannot write: {}", path.string(), std::strerror(errno)));
  if (!WriteAllAndClose(fd, bytes)) {
    throw Error(fmt::format("{}: write failed: {}", path.string(), std::strerror(errno)));
  }
}

void RemoveLeftoverTemporaries(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const std::string stem = path.filename().string() + ".tmp.";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (IsLeftoverOfDeadProcess(it->path().filename().string(), stem)) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

}  // namespace

bool IsLeftoverOfDeadProcess(std::string_view name, std::string_view stem) {
  if (name.size() <= stem.size() || name.substr(0, stem.size()) != stem) return false;
  const std::string_view rest = name.substr(stem.size());
  long pid = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || pid <= 0 || end == rest.data()) return false;
  if (end != rest.data() + rest.size() && *end != '-') return false;
  if (pid == static_cast<long>(::getpid())) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

void RequireWritableTarget(std::string_view flag, const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw UsageError(fmt::format("{} {}: is a directory", flag, path.string()));
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)) {
      throw UsageError(fmt::format("{} {}: exists and is not a regular file", flag, path.string()));
    }
    if (!S_ISREG(st.st_mode)) return;  // a device or FIFO is written in place
  }
  fs::path dir = fs::absolute(path).parent_path();
  std::error_code ec;
  while (!dir.empty() && !fs::exists(fs::symlink_status(dir, ec)) && dir != dir.parent_path()) dir = dir.parent_path();
  if (!fs::is_directory(dir, ec)) {
    throw UsageError(fmt::format("{} {}: {} is not a directory", flag, path.string(), dir.string()));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw UsageError(fmt::format("{} {}: cannot write in {}: {}", flag, path.string(), dir.string(),
                                 std::strerror(errno)));
  }
}

void WriteFileChecked(const fs::path& path, std::string_view bytes) {
  WriteToOpenedFile(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), path, bytes);
}

void WriteFileAtomically(const fs::path& path, std::string_view bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      // Written in place like a shell redirection; O_NONBLOCK: a FIFO without
      // a reader is an error (ENXIO), not a hang.
      const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      WriteToOpenedFile(fd, path, bytes);
      return;
    }
    throw Error(fmt::format("{}: exists and is not a regular file{}", path.string(),
                            S_ISDIR(st.st_mode) ? " (a directory)" : ""));
  }
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Error(fmt::format("{}: cannot create its directory: {}", path.string(), ec.message()));
  }
  RemoveLeftoverTemporaries(path);
  const fs::path tmp = fmt::format("{}.tmp.{}", path.string(), static_cast<long>(::getpid()));
  try {
    WriteToOpenedFile(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), path, bytes);
  } catch (const Error&) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw Error(fmt::format("{}: cannot rename {} over it: {}", path.string(), tmp.string(), ec.message()));
  }
}

}  // namespace flexcim
