// A tiny SVG line-plot writer (plain text, no dependencies) for the sweep:
// panels of x/y series with axes, ticks, a legend, optional log2 x axis.
#pragma once

#include <string>
#include <vector>

namespace flexcim::synth {

struct PlotSeries {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in x order
};

struct PlotPanel {
  std::string title, x_label, y_label;
  bool log2_x = false;  // x values > 0, ticks at powers of two
  std::vector<PlotSeries> series;
};

// Panels side by side, each `panel_width` x `panel_height` pixels.
std::string RenderSvg(const std::vector<PlotPanel>& panels, int panel_width = 520, int panel_height = 380);

// Escapes &, <, >, " for SVG text.
std::string SvgEscape(const std::string& text);

}  // namespace flexcim::synth
