#include "flow_pruner/recurrent_report.h"

#include <fmt/format.h>

#include <optional>

#include "core/errors.h"
#include "core/json_input.h"

namespace flexcim::pruner {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<json> ReadIfPresent(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::nullopt;
  return ReadJsonFile(p);
}

// `section` on `j`; a key missing or of the wrong type names the file.
template <typename Section>
std::string Render(const fs::path& file, const json& j, Section section) {
  try {
    return section(j);
  } catch (const json::exception& e) {
    throw Error(fmt::format("{}: unexpected content: {}", file.string(), JsonErrorText(e)));
  }
}

constexpr const char* kRwkvRuns[][3] = {{"uniform-none", "uniform 2:4", "none"},
                                        {"uniform-obs", "uniform 2:4", "OBS"},
                                        {"flow-none", "FLOW", "none"},
                                        {"flow-obs", "FLOW", "OBS"}};

}  // namespace

RecurrentReport BuildRecurrentReport(const fs::path& run) {
  RecurrentReport r;
  const fs::path dir = run / "recurrent";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return r;
  std::string& md = r.markdown;
  md = "## Recurrent models (issue 20)\n\n";
  md += "### RWKV v5.2 (rwkv.cpp's tiny trained model): FLOW vs uniform at 0.5, legal masks\n\n";
  bool header = false;
  std::string missing;
  for (const auto& run_info : kRwkvRuns) {
    const fs::path file = dir / "rwkv" / run_info[0] / "prune.json";
    const std::optional<json> j = ReadIfPresent(file);
    if (!j) {
      missing += fmt::format("Missing: {} (run `make recurrent-report RUN={}`).\n", file.string(), run.string());
      continue;
    }
    r.json["rwkv"][run_info[0]] = *j;
    md += Render(file, *j, [&](const json& p) {
      std::string s;
      const json& e = p.at("evaluation");
      if (!header) {
        header = true;
        s += fmt::format(
            "{} ({}), macro {}, {}; perplexity per byte on held-out byte blocks {} ({} predictions, "
            "each block from an empty state).\n\n"
            "| method | reconstruction | patterns | weight sparsity | dense | pruned fp32 | pruned W{}A{} |\n"
            "|---|---|---|---:|---:|---:|---:|\n",
            p.at("source_model").get<std::string>(), p.at("model_format").get<std::string>(),
            p.at("macro").get<std::string>(), p.at("masks").get<std::string>(),
            e.at("blocks").get<std::string>(), e.at("dense").at("predictions").get<int64_t>(),
            e.at("quantized_bits").at("w").get<int>(), e.at("quantized_bits").at("a").get<int>());
      }
      std::string patterns;
      for (const json& b : p.at("blocks")) {
        patterns += (patterns.empty() ? "" : " ") + b.at("pattern").get<std::string>();
      }
      s += fmt::format("| {} | {} | {} | {:.4f} | {:.4f} | {:.4f} | {:.4f} |\n", run_info[1], run_info[2],
                       patterns, p.at("achieved_weight_sparsity").get<double>(),
                       e.at("dense").at("perplexity").get<double>(), e.at("pruned").at("perplexity").get<double>(),
                       e.at("pruned_quantized").at("perplexity").get<double>());
      return s;
    });
  }
  md += missing;
  md += "\n### Mamba-2.8b shapes on the three architectures\n\n";
  const fs::path perf_file = dir / "perf-mamba-2.8b.json";
  const std::optional<json> perf = ReadIfPresent(perf_file);
  if (!perf) {
    md += fmt::format("Missing: {} (run `make recurrent-report RUN={}`).\n\n", perf_file.string(), run.string());
    return r;
  }
  r.json["perf_mamba_2_8b"] = *perf;
  md += Render(perf_file, *perf, [](const json& p) {
    std::string s;
    bool first = true;
    for (const char* arch : {"flexcim", "dense", "sparse12"}) {
      if (!p.contains(arch)) continue;
      const json& a = p.at(arch);
      if (first) {
        first = false;
        s += fmt::format("{}, {} macros per architecture.\n\n"
                         "| arch | regime | tiles | decode cycles/token | prefill cycles | decode util. |\n"
                         "|---|---|---:|---:|---:|---:|\n",
                         a.at("source").get<std::string>(), a.at("macros").get<int>());
      }
      s += fmt::format("| {} | {} | {} | {} | {} | {:.1f}% |\n", arch, a.at("regime").get<std::string>(),
                       a.at("tiles").get<int64_t>(), a.at("decode_cycles").get<int64_t>(),
                       a.at("prefill_cycles").get<int64_t>(), 100 * a.at("decode_utilisation").get<double>());
    }
    if (p.contains("outside_the_comparison")) s += "\n" + p.at("outside_the_comparison").get<std::string>() + "\n";
    return s + "\n";
  });
  return r;
}

}  // namespace flexcim::pruner
