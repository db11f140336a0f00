// flexcim codesign-sweep: over the codesign runs of a P x G x cell-style
// sweep, the FlexCiM configuration with the lowest decode latency and the
// lowest energy per token at one perplexity budget and equal area
// (codesign/design_sweep.h, docs/CODESIGN.md "The design sweep"). Only
// flags and dispatch here; `make codesign-sweep` runs the whole sweep.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "codesign/codesign_run.h"
#include "codesign/design_sweep.h"
#include "core/errors.h"
#include "core/json_input.h"
#include "core/output_directory.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

struct SweepFlags {
  std::string runs;
  std::string budget = "1.25";
  std::string out;
};

int RunCodesignSweep(const std::vector<std::string>& args) {
  SweepFlags f;
  po::options_description d("Design sweep (docs/CODESIGN.md)");
  d.add_options()
      ("runs", po::value(&f.runs)->required(),
       "codesign.json files, comma list: one `flexcim codesign` run (or --rescore) per P, each with the sweep's G "
       "values, cell styles and the energy files of every design")
      ("budget", po::value(&f.budget)->default_value(f.budget),
       "the perplexity budget (relative to the dense W8A8 model) the configurations are compared at")
      ("out", po::value(&f.out)->required(), "output directory: design_sweep.json, design_sweep.md");
  if (!ParseFlags(args, d, "codesign-sweep", "--runs A/codesign.json,B/codesign.json [--budget 1.25] --out DIR")) {
    return 0;
  }
  const std::vector<double> budgets = codesign::ParseBudgets(f.budget, "--budget");
  if (budgets.size() != 1) throw UsageError(fmt::format("--budget {}: give one budget", f.budget));
  std::vector<FlagPath> inputs;
  std::vector<codesign::DesignSweepRun> runs;
  for (const std::string& file : codesign::SplitCommaList(f.runs)) inputs.push_back({"--runs", file});
  RefuseOutputOverInputs({"--out", f.out}, inputs);
  CheckOutputDirectory(f.out, "codesign-sweep");
  for (const FlagPath& in : inputs) runs.push_back({in.path.string(), ReadJsonFile(in.path)});
  nlohmann::json sweep;
  std::string markdown;
  try {
    sweep = codesign::DesignSweep(runs, budgets.front());
    markdown = codesign::DesignSweepMarkdown(sweep);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("--runs {}: not a codesign.json ({})", f.runs, e.what()));
  }
  WriteOutputDirectory(f.out, "codesign-sweep", [&](const fs::path& staging) {
    WriteTextFile(staging / "design_sweep.json", sweep.dump(2) + "\n");
    WriteTextFile(staging / "design_sweep.md", markdown);
  });
  std::cout << markdown << fmt::format("wrote {}/{{design_sweep.json, design_sweep.md}}\n", f.out);
  return 0;
}

const CommandRegistrar kCodesignSweep({"codesign-sweep",
                                       "over codesign runs of a P x G x cell-style sweep: the FlexCiM configuration "
                                       "with the lowest decode latency and energy per token at a budget, equal area",
                                       RunCodesignSweep});

}  // namespace
}  // namespace flexcim::cli
