#include "synth/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace flexcim::synth {

namespace {

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string RenderPanel(const PlotPanel& p, int x0, int w, int h) {
  const double left = x0 + 70, right = x0 + w - 20, top = 40, bottom = h - 110;
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
  auto tx = [&](double x) { return p.log2_x ? std::log2(std::max(x, 1e-12)) : x; };
  for (const auto& s : p.series)
    for (const auto& [x, y] : s.points) {
      xmin = std::min(xmin, tx(x));
      xmax = std::max(xmax, tx(x));
      ymin = std::min(ymin, y);
      ymax = std::max(ymax, y);
    }
  std::string out = fmt::format("<g>\n<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
                                (left + right) / 2, SvgEscape(p.title));
  if (!std::isfinite(xmin)) return out + "<text x=\"" + std::to_string(x0 + w / 2) + "\" y=\"200\">no data</text>\n</g>\n";
  ymin = std::min(ymin, 0.0);
  if (ymax <= ymin) ymax = ymin + 1;
  ymax += (ymax - ymin) * 0.05;
  if (xmax <= xmin) { xmin -= 1; xmax += 1; }
  auto px = [&](double x) { return left + (tx(x) - xmin) / (xmax - xmin) * (right - left); };
  auto py = [&](double y) { return bottom - (y - ymin) / (ymax - ymin) * (bottom - top); };
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#000\"/>\n", left,
                     top, right - left, bottom - top);
  // x ticks: powers of two (log2) or 5 even steps.
  std::vector<double> xt;
  if (p.log2_x) {
    for (double e = std::floor(xmin); e <= std::ceil(xmax); e += 1) xt.push_back(std::exp2(e));
  } else {
    for (int i = 0; i <= 4; ++i) xt.push_back(xmin + (xmax - xmin) * i / 4);
  }
  for (double x : xt) {
    if (tx(x) < xmin - 1e-9 || tx(x) > xmax + 1e-9) continue;
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#000\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\" font-size=\"11\">{4:g}</text>\n",
                       px(x), bottom, bottom + 5, bottom + 18, x);
  }
  for (int i = 0; i <= 4; ++i) {
    const double y = ymin + (ymax - ymin) * i / 4;
    out += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ccc\"/>"
                       "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\" font-size=\"11\">{5:.3g}</text>\n",
                       left, py(y), right, left - 5, py(y) + 4, y);
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{}</text>\n", (left + right) / 2,
                     bottom + 36, SvgEscape(p.x_label));
  out += fmt::format("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" font-size=\"12\" "
                     "transform=\"rotate(-90 {0} {1})\">{2}</text>\n",
                     x0 + 18, (top + bottom) / 2, SvgEscape(p.y_label));
  for (size_t i = 0; i < p.series.size(); ++i) {
    auto pts = p.series[i].points;
    std::sort(pts.begin(), pts.end());
    const char* color = kColors[i % std::size(kColors)];
    std::string poly;
    for (const auto& [x, y] : pts) poly += fmt::format("{:.1f},{:.1f} ", px(x), py(y));
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", color, poly);
    for (const auto& [x, y] : pts)
      out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", px(x), py(y), color);
    const double ly = bottom + 52 + 14 * static_cast<double>(i % 4);
    const double lx = left + 150 * static_cast<double>(i / 4);
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"2\"/>"
                       "<text x=\"{4}\" y=\"{5}\" font-size=\"11\">{6}</text>\n",
                       lx, ly, lx + 18, color, lx + 22, ly + 4, SvgEscape(p.series[i].label));
  }
  return out + "</g>\n";
}

}  // namespace

std::string SvgEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderSvg(const std::vector<PlotPanel>& panels, int w, int h) {
  const int total_w = w * std::max<int>(1, static_cast<int>(panels.size()));
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n",
      total_w, h);
  for (size_t i = 0; i < panels.size(); ++i) out += RenderPanel(panels[i], static_cast<int>(i) * w, w, h);
  return out + "</svg>\n";
}

}  // namespace flexcim::synth
