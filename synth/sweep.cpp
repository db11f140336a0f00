#include "synth/sweep.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "synth/liberty_setup.h"

namespace flexcim::synth {

namespace fs = std::filesystem;

std::string SweepPoint::Id() const { return arch + "_" + config.Name(); }

std::vector<SweepPoint> ExpandGrid(const SweepGrid& g, std::vector<std::string>* notes) {
  std::vector<SweepPoint> points;
  for (const auto& arch : g.archs) {
    for (int p : g.subs)
      for (int r : g.rows)
        for (int c : g.cols) {
          if (arch != "flexcim") {
            points.push_back({arch, MacroConfig::Create(p, r, c, c, g.a_bits, g.w_bits)});
            continue;
          }
          for (int sg : g.sel_groups) {
            if (sg > c) {
              if (notes && p == g.subs.front() && r == g.rows.front())
                notes->push_back(fmt::format("skipped G={} for C={} (G must be <= C)", sg, c));
              continue;
            }
            points.push_back({arch, MacroConfig::Create(p, r, c, sg, g.a_bits, g.w_bits)});
          }
        }
  }
  return points;
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
  std::atomic<size_t> next{0}, done{0};
  auto say = [&](const std::string& s) {
    if (!o.progress) return;
    std::lock_guard lock(mu);
    o.progress(s);
  };
  auto worker = [&] {
    for (size_t i = next++; i < rows.size(); i = next++) {
      SweepRow& row = rows[i];
      const fs::path dir = o.work_dir / row.point.Id();
      try {
        o.generate(row.point, dir / "rtl");
        SynthFlowOptions f = base;
        f.rtl_dir = dir / "rtl";
        f.work_dir = dir / "synth";
        f.arch = row.point.arch;
        f.progress = nullptr;
        row.result = RunSynthFlow(f);
      } catch (const std::exception& e) {
        row.error = e.what();
      }
      const size_t n = ++done;
      say(fmt::format("sweep: [{}/{}] {} {}", n, rows.size(), row.point.Id(),
                      row.error.empty() ? fmt::format("{:.0f} µm²{}", row.result->area.total_area,
                                                      row.result->timing ? fmt::format(", {:.1f} MHz", row.result->timing->fmax_mhz) : "")
                                        : "FAILED: " + row.error));
    }
  };
  const int jobs = std::max(1, std::min<int>(o.jobs, static_cast<int>(rows.size())));
  std::vector<std::thread> threads;
  for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return rows;
}

}  // namespace flexcim::synth
