#include "synth/sweep.h"

#include <fmt/format.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <mutex>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "core/json_input.h"
#include "core/parallel_for.h"
#include "synth/design_source.h"
#include "synth/liberty_setup.h"

namespace flexcim::synth {

namespace fs = std::filesystem;

std::string SweepPoint::Id() const { return arch + "_" + config.Name(); }

std::vector<SweepPoint> ExpandGrid(const SweepGrid& g, std::vector<std::string>* notes) {
  std::vector<SweepPoint> points;
  auto config = [&](int p, int r, int c, int sg, MacStyle mac, StorageKind storage) {
    return MacroConfig::Create(MacroParams{.subs = p, .rows = r, .cols = c, .sel_group = sg, .a_bits = g.a_bits,
                                           .w_bits = g.w_bits, .mac = mac, .storage = storage});
  };
  for (const auto& arch : g.archs)
    for (const MacStyle mac : g.macs)
      for (const StorageKind storage : g.storages)
        for (int p : g.subs)
          for (int r : g.rows)
            for (int c : g.cols) {
              if (arch != "flexcim") {
                points.push_back({arch, config(p, r, c, c, mac, storage)});
                continue;
              }
              for (int sg : g.sel_groups) {
                if (sg > c) {
                  if (notes && p == g.subs.front() && r == g.rows.front() && mac == g.macs.front() &&
                      storage == g.storages.front())
                    notes->push_back(fmt::format("skipped G={} for C={} (G must be <= C)", sg, c));
                  continue;
                }
                points.push_back({arch, config(p, r, c, sg, mac, storage)});
              }
            }
  return points;
}

fs::path SweepPointDir(const fs::path& work_dir, const SweepPoint& point) { return work_dir / point.Id(); }

namespace {
constexpr const char* kResultFile = "result.json";
constexpr const char* kErrorFile = "error.txt";
}  // namespace

PointOutcome PointOutcomeIn(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / kResultFile, ec)) return PointOutcome::kResult;
  if (fs::exists(dir / kErrorFile, ec)) return PointOutcome::kError;
  return PointOutcome::kNone;
}

void ClearPointOutcome(const fs::path& dir) {
  std::error_code ec;
  fs::remove(dir / kResultFile, ec);
  fs::remove(dir / kErrorFile, ec);
}

SweepRow RunSweepPoint(const SweepPoint& point, const SynthFlowOptions& flow, const fs::path& dir) {
  SweepRow row{point, std::nullopt, ""};
  try {
    fs::create_directories(dir);
    ClearPointOutcome(dir);
    WriteArchDesign(point.arch, point.config, dir / "rtl");
    SynthFlowOptions f = flow;
    f.rtl_dir = dir / "rtl";
    f.work_dir = dir / "synth";
    f.arch = point.arch;
    f.progress = nullptr;
    row.result = RunSynthFlow(f);
    WriteFileAtomically(dir / kResultFile, ToJson(*row.result).dump(2) + "\n");
  } catch (const std::exception& e) {
    row.result.reset();
    row.error = e.what();
    try {
      WriteFileAtomically(dir / kErrorFile, row.error + "\n");
    } catch (const std::exception&) {
      // The row still carries the error; a missing outcome reads as "not run".
    }
  }
  return row;
}

std::optional<SweepRow> ReadPointOutcome(const SweepPoint& point, const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / kResultFile, ec)) {
    SweepRow row{point, std::nullopt, ""};
    try {
      row.result = PpaResultFromJson(ReadJsonFile(dir / kResultFile));
    } catch (const std::exception& e) {
      std::string what = e.what();
      if (const size_t close = what.find("] "); what.rfind("[json.", 0) == 0 && close != std::string::npos) {
        what = what.substr(close + 2);
      }
      row.error = fmt::format("{}: unreadable result: {}", (dir / kResultFile).string(), what);
    }
    return row;
  }
  if (fs::exists(dir / kErrorFile, ec)) {
    std::string error;
    try {
      error = ReadRegularFile(dir / kErrorFile);
    } catch (const Error& e) {
      error = e.what();
    }
    if (error.size() > 4096) error = error.substr(0, 4096) + "...";
    while (!error.empty() && error.back() == '\n') error.pop_back();
    return SweepRow{point, std::nullopt, error.empty() ? "failed (empty error.txt)" : error};
  }
  return std::nullopt;
}

std::vector<SweepRow> RunSweep(const std::vector<SweepPoint>& points, const SweepOptions& o) {
  std::vector<SweepRow> rows;
  for (const auto& p : points) rows.push_back({p, std::nullopt, ""});
  if (points.empty()) return rows;
  fs::create_directories(o.work_dir);
  // Shared, prepared once: the dont_use liberty and its cell areas.
  SynthFlowOptions base = o.flow;
  if (base.liberty.empty()) base.liberty = PrepareLiberty(base.data_dir, o.work_dir);
  const LibertyCells cells = ReadLibertyCells(base.liberty);
  base.liberty_cells = &cells;

  std::mutex mu;
  std::atomic<size_t> done{0};
  auto say = [&](const std::string& s) {
    if (!o.progress) return;
    std::lock_guard lock(mu);
    o.progress(s);
  };
  ParallelFor(static_cast<int>(rows.size()), std::max(1, o.jobs), [&](int i) {
    SweepRow& row = rows[i];
    const fs::path dir = SweepPointDir(o.work_dir, row.point);
    std::optional<SweepRow> kept;
    if (o.resume) kept = ReadPointOutcome(row.point, dir);
    const bool reused = kept && kept->result;
    row = reused ? *kept : RunSweepPoint(row.point, base, dir);
    const size_t n = ++done;
    say(fmt::format("sweep: [{}/{}] {} {}{}", n, rows.size(), row.point.Id(),
                    row.error.empty() ? fmt::format("{:.0f} µm²{}", row.result->area.total_area,
                                                    row.result->timing ? fmt::format(", {:.1f} MHz", row.result->timing->fmax_mhz) : "")
                                      : "FAILED: " + row.error,
                    reused ? " (kept from the earlier run)" : ""));
  });
  return rows;
}

}  // namespace flexcim::synth
