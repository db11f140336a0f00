#include "flow_pruner/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace flexcim::pruner {

ProgressReporter::ProgressReporter(std::string label, int64_t total, std::string unit,
                                   bool enabled)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(enabled),
      tty_(enabled && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

ProgressReporter::~ProgressReporter() { Finish(); }

void ProgressReporter::Advance(int64_t n) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  done_ += n;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(1000);
  if (now - last_print_ >= interval && done_ < total_) {
    last_print_ = now;
    PrintLocked(false);
  }
}

void ProgressReporter::Finish() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (printed_) PrintLocked(true);
}

void ProgressReporter::PrintLocked(bool final_line) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double percent = total_ > 0 ? 100.0 * static_cast<double>(done_) / total_ : 100.0;
  const std::string text = fmt::format("{}: {}/{} {} ({:.0f}%) {:.1f} s", label_, done_, total_,
                                       unit_, percent, seconds);
  if (tty_) {
    std::fputs(fmt::format("\r\033[K{}{}", text, final_line ? "\n" : "").c_str(), stderr);
  } else {
    std::fputs(fmt::format("{}\n", text).c_str(), stderr);
  }
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace flexcim::pruner
