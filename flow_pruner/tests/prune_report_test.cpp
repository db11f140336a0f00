// `flexcim prune --report` through the library, CI-sized (one target,
// G = 1 and 16, 50 evaluation blocks, 64 calibration blocks): the table's
// rows and columns, every number finite, the dense perplexity equal to
// `flexcim eval` on the same slice, skipped unreachable targets, and the
// three output files.
#include "flow_pruner/prune_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/model_inputs.h"
#include "flow_pruner/tests/test_data.h"

#ifndef FLEXCIM_CLI
#error "FLEXCIM_CLI (path of the flexcim binary) must be defined by the build"
#endif

namespace flexcim::pruner {
namespace {

namespace fs = std::filesystem;

constexpr const char* kEvalBlocks = "3300:3349";
constexpr const char* kCalibBlocks = "0:63";

struct Fixture {
  ModelInputs inputs;
  std::vector<std::vector<int>> calibration;
  std::vector<std::vector<int>> evaluation;
  CalibrationStats stats;
};

const Fixture& Data() {
  static const Fixture f = [] {
    Fixture d{ModelInputs::Load({testdata::CheckedDataFile("stories260K.bin"),
                                 testdata::CheckedDataFile("tok512.bin"),
                                 testdata::CheckedDataFile("tinystories-valid-head.txt"), ""}),
              {}, {}, {}};
    d.calibration = d.inputs.EncodeSlice(kCalibBlocks, "--calib-blocks");
    d.evaluation = d.inputs.EncodeSlice(kEvalBlocks, "--eval-blocks");
    CalibrationOptions o;
    o.progress = false;
    d.stats = Calibrate(d.inputs.model, d.calibration, o);
    return d;
  }();
  return f;
}

ReportSettings Reduced() {
  ReportSettings s;
  s.base.progress = false;
  s.targets = {0.5};
  s.groups = {1, 16};
  s.calib_blocks = kCalibBlocks;
  s.eval_blocks = kEvalBlocks;
  s.progress = false;
  return s;
}

const PruneReport& ReducedReport() {
  static const PruneReport r = BuildPruneReport(Data().inputs.model, Data().stats,
                                                Data().calibration, Data().evaluation, Reduced(),
                                                "test");
  return r;
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The first Markdown table: its rows split into trimmed cells.
std::vector<std::vector<std::string>> FirstTable(const std::string& md) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream ss(md);
  std::string line;
  bool in_table = false;
  while (std::getline(ss, line)) {
    if (line.rfind("|", 0) == 0) {
      in_table = true;
      auto cells = Split(line.substr(1, line.size() - 2), '|');
      for (auto& c : cells) c = Trim(c);
      rows.push_back(cells);
    } else if (in_table) {
      break;
    }
  }
  return rows;
}

void CheckReducedTableHasTheExpectedRowsAndColumns() {
  const PruneReport& r = ReducedReport();
  EXPECT_EQ(r.mask_columns, (std::vector<std::string>{"free", "G=1", "G=16"}));
  const std::vector<std::string> names = {
      "dense",         "uniform 1:2",  "uniform 2:4",   "uniform 4:8",
      "uniform 1:4",   "uniform 2:8",  "OWL-style M=8", "FLOW",
      "FLOW figure",   "FLOW latency", "FLOW balanced", "FLOW-measured",
      "FLOW-measured latency", "FLOW-measured balanced"};
  ASSERT_EQ(r.rows.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const ReportRow& row = r.rows[i];
    EXPECT_EQ(row.name, names[i]);
    EXPECT_FALSE(row.skipped) << row.name;
    ASSERT_EQ(row.cells.size(), 3u) << row.name;
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_EQ(row.cells[c].masks, r.mask_columns[c]);
      EXPECT_TRUE(std::isfinite(row.cells[c].fp32.perplexity()));
      EXPECT_TRUE(std::isfinite(row.cells[c].quantized.perplexity()));
      EXPECT_GT(row.cells[c].fp32.perplexity(), 1.0);
      if (c > 0) {
        EXPECT_TRUE(row.cells[c].legal) << row.name << " " << r.mask_columns[c];
      }
    }
    if (i >= 6) {
      EXPECT_EQ(row.block_sparsity, 0.5) << row.name;
      EXPECT_TRUE(row.exact);
    }
  }
  EXPECT_EQ(r.rows[4].block_sparsity, 0.75);
  EXPECT_EQ(r.rows[5].block_sparsity, 0.75);
  EXPECT_EQ(r.eval_sequences, 50);
  ASSERT_EQ(r.blocks.size(), 5u);
  // Pruning hurts: every pruned cell is worse than dense.
  for (size_t i = 1; i < r.rows.size(); ++i) {
    for (const ReportCell& c : r.rows[i].cells) {
      EXPECT_GT(c.fp32.perplexity(), r.rows[0].cells[0].fp32.perplexity()) << r.rows[i].name;
    }
  }
}

void CheckMarkdownTableIsCompleteAndEveryNumberIsFinite() {
  const std::string md = PruneReportMarkdown(ReducedReport());
  const auto table = FirstTable(md);
  ASSERT_EQ(table.size(), 2u + 14u);  // header, rule, 14 rows
  EXPECT_EQ(table[0], (std::vector<std::string>{"model", "target", "sparsity", "tile passes",
                                                "N:M per block", "free", "free W8A8", "G=1",
                                                "G=1 W8A8", "G=16", "G=16 W8A8"}));
  for (size_t i = 2; i < table.size(); ++i) {
    ASSERT_EQ(table[i].size(), 11u) << i;
    for (size_t c = 5; c < 11; ++c) {
      size_t used = 0;
      const double v = std::stod(table[i][c], &used);
      EXPECT_EQ(used, table[i][c].size()) << table[i][c];
      EXPECT_TRUE(std::isfinite(v));
    }
  }
  EXPECT_EQ(table[2][0], "dense");
  EXPECT_EQ(table[9][0], "FLOW");
  EXPECT_EQ(table[9][1], "0.5");
  EXPECT_EQ(table[9][2], "0.5000");
  EXPECT_EQ(table[9][3], fmt::format("{}", ReducedReport().rows[7].tile_passes));
  EXPECT_EQ(table[3][4], "1:2 (all)");
}

void CheckDensePerplexityEqualsFlexcimEval() {
  const std::string dir = testdata::MakeTempDir();
  const std::string json = dir + "/eval.json";
  const std::string cmd = fmt::format(
      "'{}' eval --model '{}' --tokenizer '{}' --text '{}' --blocks {} --quiet --json '{}' > /dev/null",
      FLEXCIM_CLI, Data().inputs.paths.model, Data().inputs.paths.tokenizer, Data().inputs.paths.text,
      kEvalBlocks, json);
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto j = nlohmann::json::parse(ReadFileBytes(json));
  const ReportRow& dense = ReducedReport().rows[0];
  for (const ReportCell& c : dense.cells) {
    EXPECT_EQ(c.fp32.perplexity(), j.at("perplexity").get<double>());
    EXPECT_EQ(c.fp32.predictions, j.at("predictions").get<int64_t>());
  }
  EXPECT_EQ(ReducedReport().eval_predictions, j.at("predictions").get<int64_t>());
}

void CheckJsonCarriesTheSameNumbers() {
  const PruneReport& r = ReducedReport();
  const nlohmann::json j = nlohmann::json::parse(PruneReportJson(r).dump());
  EXPECT_EQ(j.at("eval_blocks"), kEvalBlocks);
  EXPECT_EQ(j.at("mask_columns").size(), 3u);
  ASSERT_EQ(j.at("rows").size(), r.rows.size());
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const auto& row = j.at("rows")[i];
    EXPECT_EQ(row.at("name"), r.rows[i].name);
    EXPECT_TRUE(row.at("skipped").is_null());
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_EQ(row.at("cells")[c].at("perplexity").get<double>(), r.rows[i].cells[c].fp32.perplexity());
      EXPECT_EQ(row.at("cells")[c].at("quantized_perplexity").get<double>(),
                r.rows[i].cells[c].quantized.perplexity());
    }
  }
  EXPECT_EQ(j.at("rows")[6].at("patterns").size(), 5u);
}

// --prioritize latency: no assignment at the target needs fewer tile passes
// (uniform rows at the same sparsity included), and the two latency rows
// agree on the minimum; the tile passes of a row are the golden mapper's.
void CheckLatencyPriorityNeedsTheFewestTilePasses() {
  const PruneReport& r = ReducedReport();
  const ReportRow& flow_latency = r.rows[9];
  const ReportRow& measured_latency = r.rows[12];
  ASSERT_EQ(flow_latency.name, "FLOW latency");
  ASSERT_EQ(measured_latency.name, "FLOW-measured latency");
  EXPECT_EQ(flow_latency.tile_passes, measured_latency.tile_passes);
  for (const ReportRow& row : r.rows) {
    if (row.method == "dense" || row.block_sparsity != 0.5) continue;
    EXPECT_LE(flow_latency.tile_passes, row.tile_passes) << row.name;
  }
  // Uniform 4:8 on the default macro (a tile: 128 inputs x 16 outputs):
  // per block q, o (64x64) 1 x 4 tiles each, k, v (32x64) 1 x 2, w1, w3
  // (172x64) 1 x 11, w2 (64x172) 2 x 4: 42 tiles.
  EXPECT_EQ(r.rows[3].tile_passes, 5 * 42);
  EXPECT_LT(flow_latency.tile_passes, r.rows[3].tile_passes);
}

// The target line compares the best choice with the best uniform pattern of
// the same sparsity in the G = C column.
void CheckTargetVerdictComparesTheBestRows() {
  const PruneReport& r = ReducedReport();
  ASSERT_EQ(r.verdicts.size(), 1u);
  const ReportTarget& v = r.verdicts[0];
  EXPECT_EQ(v.column, "G=16");
  double best_uniform = 1e300, best_choice = 1e300;
  for (const ReportRow& row : r.rows) {
    const double ppl = row.cells[2].fp32.perplexity();
    if (row.method == "uniform" && row.block_sparsity == 0.5) best_uniform = std::min(best_uniform, ppl);
    if (row.target && row.method != "uniform") best_choice = std::min(best_choice, ppl);
  }
  EXPECT_EQ(v.best_uniform_perplexity, best_uniform);
  EXPECT_EQ(v.best_choice_perplexity, best_choice);
  EXPECT_EQ(v.improvement, 1.0 - best_choice / best_uniform);
  EXPECT_EQ(v.met, v.improvement >= 0.2);
  EXPECT_EQ(v.verdict.rfind(v.met ? "met: " : "not met: ", 0), 0u) << v.verdict;
  const std::string md = PruneReportMarkdown(r);
  EXPECT_NE(md.find("- sparsity 0.5: " + v.verdict + "\n"), std::string::npos);
  ASSERT_TRUE(r.measured_costs);
  EXPECT_EQ(r.measured_costs->loss_delta.size(), 5u);
}

void CheckWritesThreeFilesAndTheSvgHasThreePanels() {
  const std::string dir = testdata::MakeTempDir() + "/report";
  WritePruneReport(ReducedReport(), dir);
  EXPECT_EQ(ReadFileBytes(dir + "/report.md"), PruneReportMarkdown(ReducedReport()));
  EXPECT_EQ(nlohmann::json::parse(ReadFileBytes(dir + "/report.json")),
            PruneReportJson(ReducedReport()));
  const std::string svg = ReadFileBytes(dir + "/flow_blocks.svg");
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  size_t panels = 0;
  for (size_t at = svg.find("<g class=\"chart\">"); at != std::string::npos;
       at = svg.find("<g class=\"chart\">", at + 1)) {
    ++panels;
  }
  EXPECT_EQ(panels, 3u);
  EXPECT_NE(svg.find(">target 0.5<"), std::string::npos);
  for (const NmPattern& p : ReducedReport().rows[7].patterns) {
    const std::string label = fmt::format(">{}<", p.ToString());
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  }
  // The select-group axis: one panel per sparsity (0.5: uniform 2:4 and 4:8,
  // OWL-style, the FLOW rows; 0.25, 0.75, 0.875 ...), a line per row over
  // the columns free, G=1, G=16, with the table's numbers.
  const nlohmann::json groups = nlohmann::json::parse(ReadFileBytes(dir + "/select_group.json"));
  EXPECT_EQ(groups, SelectGroupJson(ReducedReport()));
  EXPECT_EQ(groups.at("columns"), nlohmann::json({"free", "G=1", "G=16"}));
  bool found = false;
  for (const auto& panel : groups.at("panels")) {
    if (panel.at("sparsity").get<double>() != 0.5) continue;
    for (const auto& series : panel.at("series")) {
      if (series.at("name") != "uniform 4:8") continue;
      found = true;
      const ReportRow& row = ReducedReport().rows[3];
      ASSERT_EQ(row.name, "uniform 4:8");
      for (size_t c = 0; c < 3; ++c) {
        EXPECT_EQ(series.at("perplexity")[c].get<double>(), row.cells[c].fp32.perplexity());
      }
    }
  }
  EXPECT_TRUE(found);
  const std::string group_svg = ReadFileBytes(dir + "/select_group.svg");
  EXPECT_EQ(group_svg, SelectGroupSvg(ReducedReport()));
  EXPECT_NE(group_svg.find("Perplexity against the select group G, mean sparsity 0.5 "), std::string::npos);
  EXPECT_NE(group_svg.find(">uniform 4:8<"), std::string::npos);
  EXPECT_NE(group_svg.find(">G=16<"), std::string::npos);
  // Writing again into the report's own directory replaces it.
  EXPECT_NO_THROW(WritePruneReport(ReducedReport(), dir));
}

// ctest runs every TEST in its own process: one test builds the reduced
// report once and runs every check on it.
TEST(PruneReport, ReducedReport) {
  {
    SCOPED_TRACE("ReducedTableHasTheExpectedRowsAndColumns");
    CheckReducedTableHasTheExpectedRowsAndColumns();
  }
  {
    SCOPED_TRACE("MarkdownTableIsCompleteAndEveryNumberIsFinite");
    CheckMarkdownTableIsCompleteAndEveryNumberIsFinite();
  }
  {
    SCOPED_TRACE("DensePerplexityEqualsFlexcimEval");
    CheckDensePerplexityEqualsFlexcimEval();
  }
  {
    SCOPED_TRACE("JsonCarriesTheSameNumbers");
    CheckJsonCarriesTheSameNumbers();
  }
  {
    SCOPED_TRACE("LatencyPriorityNeedsTheFewestTilePasses");
    CheckLatencyPriorityNeedsTheFewestTilePasses();
  }
  {
    SCOPED_TRACE("TargetVerdictComparesTheBestRows");
    CheckTargetVerdictComparesTheBestRows();
  }
  {
    SCOPED_TRACE("WritesThreeFilesAndTheSvgHasThreePanels");
    CheckWritesThreeFilesAndTheSvgHasThreePanels();
  }
}

// Settings variants are one more axis: every pruned row repeats per
// variant with the variant's settings (here: block 0 kept dense), named
// with it; the dense row is not repeated.
TEST(PruneReport, VariantsRepeatThePrunedRowsWithTheirSettings) {
  ReportSettings s = Reduced();
  s.uniform = {{2, 4}};
  s.selectors = {};
  s.targets = {};
  s.groups = {1};
  s.variants = {ReportVariant{}, ReportVariant{"block 0 dense", [](PruneSettings& ps) { ps.keep_dense = {0}; }}};
  const PruneReport r = BuildPruneReport(Data().inputs.model, Data().stats, Data().calibration,
                                         Data().evaluation, s, "test");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].name, "dense");
  EXPECT_EQ(r.rows[1].name, "uniform 2:4");
  EXPECT_EQ(r.rows[1].variant, "");
  EXPECT_EQ(r.rows[2].name, "uniform 2:4 [block 0 dense]");
  EXPECT_EQ(r.rows[2].variant, "block 0 dense");
  EXPECT_EQ(r.rows[1].patterns[0].ToString(), "2:4");
  EXPECT_TRUE(r.rows[2].patterns[0].dense());
  EXPECT_EQ(r.rows[2].patterns[1].ToString(), "2:4");
  ASSERT_EQ(r.rows[2].cells.size(), 2u);
  EXPECT_LT(r.rows[2].cells[1].fp32.perplexity(), r.rows[1].cells[1].fp32.perplexity());
  EXPECT_EQ(PruneReportJson(r)["rows"][2]["variant"], "block 0 dense");
}

TEST(PruneReport, SelectorsByNameAndEveryGroup) {
  EXPECT_EQ(AllSelectGroups(16), (std::vector<int>{1, 2, 4, 8, 16}));
  EXPECT_EQ(AllSelectGroups(1), (std::vector<int>{1}));
  const std::vector<ReportSelector> two = ReportSelectorsNamed("FLOW-measured,FLOW");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].method, PruneMethod::kFlowMeasured);
  EXPECT_EQ(two[1].name, "FLOW");
  try {
    ReportSelectorsNamed("FLOW,flow");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "--report-selectors FLOW,flow: 'flow' must be one of FLOW, FLOW figure, FLOW latency, "
                 "FLOW balanced, FLOW-measured, FLOW-measured latency, FLOW-measured balanced");
  }
}

TEST(PruneReport, UnreachableTargetsAreSkippedAndSaySo) {
  ReportSettings s = Reduced();
  s.base.candidates = ReferenceCandidates();
  s.uniform = {};
  s.selectors = {DefaultReportSelectors().front()};
  s.groups = {};
  s.targets = {0.625};  // 25 eighths over 5 blocks: every reference pattern removes an even number
  const PruneReport r = BuildPruneReport(Data().inputs.model, Data().stats, Data().calibration,
                                         Data().evaluation, s, "test");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_FALSE(r.rows[0].skipped);
  for (size_t i = 1; i < 3; ++i) {
    ASSERT_TRUE(r.rows[i].skipped) << r.rows[i].name;
    EXPECT_EQ(r.rows[i].skipped->rfind("target not reachable; closest achievable 0.600000 with ", 0), 0u)
        << *r.rows[i].skipped;
    EXPECT_TRUE(r.rows[i].cells.empty());
  }
  const auto table = FirstTable(PruneReportMarkdown(r));
  ASSERT_EQ(table.size(), 5u);
  EXPECT_EQ(table[3][0], "OWL-style M=8");
  EXPECT_EQ(table[3][5], "skipped");
  EXPECT_EQ(table[4][4].rfind("target not reachable", 0), 0u);
  // No FLOW row ran: the SVG has the two statistics panels only.
  const std::string svg = PruneReportSvg(r);
  EXPECT_EQ(svg.find("FLOW: N:M per block"), std::string::npos);
  EXPECT_NE(svg.find("Outlier ratio O_i"), std::string::npos);
}

}  // namespace
}  // namespace flexcim::pruner
