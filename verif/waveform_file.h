// WaveformFile<VTop>: records a Verilated model into a VCD or FST file that
// GTKWave opens, one dump per evaluation (verif/verilated_clock.h: the
// model's time advances by kHalfPeriod per edge, so every clock edge is a
// separate time step). Available only in a testbench verilated with TRACE
// (VCD) or TRACE_FST (FST); Verilator's CMake package then defines
// VM_TRACE_VCD / VM_TRACE_FST. The file is written under a temporary name
// beside the target and renamed into place by Finish(), so an interrupted
// or failed run never leaves half a waveform under the user's name.
#pragma once

#include <fmt/format.h>
#include <unistd.h>
#include <verilated.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "verif/testbench_build.h"  // WaveformFormatOf

#if VM_TRACE_FST
#include <verilated_fst_c.h>

#include "verif/fst_file_check.h"
#elif VM_TRACE_VCD
#include <verilated_vcd_c.h>
#endif

namespace flexcim::verif {

// "vcd", "fst" or "" (this build cannot trace).
inline const char* WaveformFormatBuilt() {
#if VM_TRACE_FST
  return "fst";
#elif VM_TRACE_VCD
  return "vcd";
#else
  return "";
#endif
}

#if VM_TRACE

#if !VM_TRACE_FST
// Verilator's own VCD file reports a failed write (a full disk) through
// vl_fatal, which deadlocks in its flush callbacks: `verify --trace` hung.
// This one keeps the first error, drops the rest of the waveform, and
// WaveformFile reports it.
class CheckedVcdFile final : public VerilatedVcdFile {
 public:
  ssize_t write(const char* bufp, ssize_t len) override {
    for (ssize_t done = 0; error_ == 0 && done < len;) {
      const ssize_t n = VerilatedVcdFile::write(bufp + done, len - done);
      if (n > 0) {
        done += n;
      } else if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        continue;
      } else {
        error_ = n < 0 ? errno : ENOSPC;
      }
    }
    return len;
  }
  int error() const { return error_; }

 private:
  int error_ = 0;
};
#endif

template <typename VTop>
class WaveformFile {
 public:
#if VM_TRACE_FST
  using Trace = VerilatedFstC;
#else
  using Trace = VerilatedVcdC;
#endif

  // Attach before the first clock cycle (the model's time is still 0).
  WaveformFile(VerilatedContext& context, VTop& top, const std::filesystem::path& path)
      : path_(path), tmp_(fmt::format("{}.tmp.{}", path.string(), static_cast<long>(::getpid()))) {
    if (WaveformFormatOf(path) != WaveformFormatBuilt()) {
      throw Error(fmt::format("--trace {}: this testbench writes .{} waveforms", path.string(),
                              WaveformFormatBuilt()));
    }
    RemoveLeftovers();
    context.traceEverOn(true);
#if VM_TRACE_FST
    trace_ = std::make_unique<Trace>();
#else
    trace_ = std::make_unique<Trace>(&file_);
#endif
    top.trace(trace_.get(), 99);  // every level of the hierarchy
    trace_->open(tmp_.c_str());
    if (!trace_->isOpen()) throw Error(fmt::format("--trace {}: cannot write {}", path.string(), tmp_));
  }
  ~WaveformFile() {
    if (trace_ && trace_->isOpen()) {
      trace_->close();
      std::remove(tmp_.c_str());
    }
  }
  WaveformFile(const WaveformFile&) = delete;
  WaveformFile& operator=(const WaveformFile&) = delete;

  void Dump(uint64_t time) {
    trace_->dump(time);
    last_time_ = time;
    ThrowOnWriteError();  // at once: not minutes of simulation into a full disk
  }

  // Flushes, closes and renames the waveform into place.
  void Finish() {
    trace_->close();
    ThrowOnWriteError();
#if VM_TRACE_FST
    // GTKWave's FST writer ignores failed writes (a full disk): it closes a
    // truncated file and says nothing, so the file is checked here.
    if (const std::string problem = FstFileProblem(tmp_, last_time_); !problem.empty()) {
      std::remove(tmp_.c_str());
      throw Error(fmt::format("--trace {}: write failed: the FST file is incomplete ({}); is the disk full?",
                              path_.string(), problem));
    }
#endif
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) {
      std::remove(tmp_.c_str());
      throw Error(fmt::format("--trace {}: cannot rename {} over it: {}", path_.string(), tmp_, ec.message()));
    }
  }

 private:
  void ThrowOnWriteError() {
#if !VM_TRACE_FST
    if (file_.error() != 0) {
      const int e = file_.error();
      std::remove(tmp_.c_str());
      throw Error(fmt::format("--trace {}: write failed: {}", path_.string(), std::strerror(e)));
    }
#endif
  }

  // Temporaries of testbenches that were killed (their pid no longer runs),
  // with the FST writer's "<temporary>.hier" beside them.
  void RemoveLeftovers() const {
    const std::filesystem::path dir = path_.has_parent_path() ? path_.parent_path() : ".";
    const std::string stem = path_.filename().string() + ".tmp.";
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (name.ends_with(".hier")) name.resize(name.size() - 5);
      if (IsLeftoverOfDeadProcess(name, stem)) {
        std::error_code ignored;
        std::filesystem::remove(it->path(), ignored);
      }
    }
  }

  std::filesystem::path path_;
  std::string tmp_;
  uint64_t last_time_ = 0;  // of the last Dump
#if !VM_TRACE_FST
  CheckedVcdFile file_;  // outlives trace_, which writes through it
#endif
  std::unique_ptr<Trace> trace_;
};

#endif  // VM_TRACE

}  // namespace flexcim::verif
