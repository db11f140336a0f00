// ProgressReporter: a quiet-able progress line on stderr for long loops.
// On a terminal it redraws one line in place (at most ~10 times a second);
// otherwise it prints a new line at most once a second, and nothing at all
// for runs shorter than that.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace flexcim::pruner {

class ProgressReporter {
 public:
  // `unit` names what is counted ("blocks"). Disabled reporters print nothing.
  ProgressReporter(std::string label, int64_t total, std::string unit, bool enabled);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // Thread-safe.
  void Advance(int64_t n = 1);
  // Prints the final state (if anything was printed before) and ends the line.
  void Finish();

 private:
  void PrintLocked(bool final_line);

  std::string label_;
  std::string unit_;
  int64_t total_;
  bool enabled_;
  bool tty_;
  bool printed_ = false;
  bool finished_ = false;
  int64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  std::mutex mutex_;
};

}  // namespace flexcim::pruner
