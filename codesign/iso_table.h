// The iso-perplexity table (docs/CODESIGN.md) and the Pareto plots of a
// codesign.json: at each perplexity budget, each architecture's best point
// at equal area and the ratios baseline / FlexCiM (fixed 1:2, dense) in
// decode latency, prefill latency and energy per token, which blocks drive
// each ratio, and where FlexCiM loses. `flexcim codesign` writes it and
// `flexcim report` puts it first.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace flexcim::codesign {

// The headline: the iso-perplexity tables (one per cell style, equal area;
// equal cells when no areas are known), the drivers, the losses, and the
// design target. Throws nlohmann::json exceptions on a malformed file (the
// caller names the file).
std::string IsoPerplexityMarkdown(const nlohmann::json& codesign);

// The whole codesign.md: the headline, then every chosen point.
std::string CodesignMarkdown(const nlohmann::json& codesign);

// "codesign_<style>.svg": held-out perplexity against decode µs (or
// cycles) and against pJ per token, one curve per architecture / G, at
// equal cells and at equal area.
std::map<std::string, std::string> CodesignCharts(const nlohmann::json& codesign);

}  // namespace flexcim::codesign
