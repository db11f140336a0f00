// SvgChart: a tiny dependency-free writer of plain-text SVG charts (grouped
// bars or lines over named categories, with axes, ticks, axis labels, a
// title and a legend). Several charts can share one canvas (stacked panels).
// Output is deterministic: numbers are printed with fixed precision.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flexcim {

// kScatter: each series' points at (x_values[i], values[i]); categories
// are not used (x axis numeric, from the data).
enum class ChartKind { kBar, kLine, kScatter };

struct ChartSeries {
  std::string name;            // legend entry
  std::vector<double> values;  // one per category; must be finite
  // Optional text drawn above each bar / point (empty or one per category).
  std::vector<std::string> point_labels;
  std::vector<double> x_values;  // kScatter only: one per value
};

struct Chart {
  ChartKind kind = ChartKind::kBar;
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;  // x axis, left to right
  std::vector<ChartSeries> series;
  // Y range; default 0 (or the data minimum if negative) up to a "nice"
  // bound (1, 2 or 5 times a power of ten) at or above the data maximum.
  std::optional<double> y_min;
  std::optional<double> y_max;
};

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `ticks`
// intervals over `span` (> 0).
double NiceTickStep(double span, int ticks);

// XML text escaping (& < > " ').
std::string EscapeXml(std::string_view text);

class SvgCanvas {
 public:
  SvgCanvas(int width, int height);
  // Draws `chart` into the rectangle (x, y, width, height) of the canvas.
  // Throws flexcim::Error on an empty chart, a series whose size differs from
  // the categories, a non-finite value or an empty/invalid y range.
  void Draw(const Chart& chart, double x, double y, double width, double height);
  // The complete SVG document.
  std::string Render() const;

 private:
  int width_, height_;
  std::string body_;
  void DrawScatter(const Chart& chart, double x, double y, double width, double height);
};

// One chart alone on a canvas of the given size.
std::string ChartSvg(const Chart& chart, int width, int height);

}  // namespace flexcim
