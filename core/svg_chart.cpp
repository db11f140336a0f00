#include "core/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"

namespace flexcim {

namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

// Plot-area margins inside a chart's rectangle.
constexpr double kLeft = 64, kRight = 150, kTop = 34, kBottom = 48;

std::string Num(double v) {
  std::string s = fmt::format("{:.2f}", v);
  if (s == "-0.00") s = "0.00";
  return s;
}

int TickDecimals(double step) {
  const int d = static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return std::clamp(d, 0, 6);
}

std::string Text(double x, double y, std::string_view anchor, int size, std::string_view text,
                 std::string_view extra = "") {
  return fmt::format(R"(<text x="{}" y="{}" text-anchor="{}" font-size="{}"{}>{}</text>)", Num(x),
                     Num(y), anchor, size, extra, EscapeXml(text)) +
         "\n";
}

}  // namespace

double NiceTickStep(double span, int ticks) {
  if (!(span > 0) || !std::isfinite(span) || ticks < 1) {
    throw Error(fmt::format("svg chart: bad tick span {} / {}", span, ticks));
  }
  const double raw = span / ticks;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double f : {1.0, 2.0, 5.0, 10.0}) {
    if (f * p >= raw * (1 - 1e-12)) return f * p;
  }
  return 10 * p;
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

SvgCanvas::SvgCanvas(int width, int height) : width_(width), height_(height) {
  if (width <= 0 || height <= 0) {
    throw Error(fmt::format("svg chart: bad canvas size {}x{}", width, height));
  }
}

void SvgCanvas::Draw(const Chart& c, double x0, double y0, double w, double h) {
  if (c.kind == ChartKind::kScatter) {
    DrawScatter(c, x0, y0, w, h);
    return;
  }
  const size_t n = c.categories.size();
  if (n == 0 || c.series.empty()) throw Error(fmt::format("svg chart '{}': no data", c.title));
  double lo = 0, hi = 0;
  bool first = true;
  for (const ChartSeries& s : c.series) {
    if (s.values.size() != n) {
      throw Error(fmt::format("svg chart '{}': series '{}' has {} values for {} categories",
                              c.title, s.name, s.values.size(), n));
    }
    if (!s.point_labels.empty() && s.point_labels.size() != n) {
      throw Error(fmt::format("svg chart '{}': series '{}' has {} point labels for {} categories",
                              c.title, s.name, s.point_labels.size(), n));
    }
    for (const double v : s.values) {
      if (!std::isfinite(v)) {
        throw Error(fmt::format("svg chart '{}': series '{}' has a non-finite value", c.title,
                                s.name));
      }
      lo = first ? v : std::min(lo, v);
      hi = first ? v : std::max(hi, v);
      first = false;
    }
  }
  const double y_lo = c.y_min.value_or(std::min(0.0, lo));
  double y_hi;
  if (c.y_max) {
    y_hi = *c.y_max;
  } else {
    const double span = hi > y_lo ? hi - y_lo : 1.0;
    const double step = NiceTickStep(span, 5);
    y_hi = y_lo + std::ceil((hi - y_lo) / step - 1e-9) * step;
    if (y_hi <= y_lo) y_hi = y_lo + step;
  }
  if (!(y_hi > y_lo) || !std::isfinite(y_lo) || !std::isfinite(y_hi)) {
    throw Error(fmt::format("svg chart '{}': empty y range [{}, {}]", c.title, y_lo, y_hi));
  }

  const double px = x0 + kLeft, py = y0 + kTop;
  const double pw = w - kLeft - kRight, ph = h - kTop - kBottom;
  if (pw <= 0 || ph <= 0) throw Error(fmt::format("svg chart '{}': rectangle too small", c.title));
  const auto Y = [&](double v) { return py + ph - (std::clamp(v, y_lo, y_hi) - y_lo) / (y_hi - y_lo) * ph; };
  const double band = pw / static_cast<double>(n);

  std::string& b = body_;
  b += fmt::format("<g class=\"chart\">\n");
  b += Text(x0 + w / 2, y0 + 20, "middle", 15, c.title, " font-weight=\"bold\"");
  // Grid and y ticks.
  const double step = NiceTickStep(y_hi - y_lo, 5);
  const int decimals = TickDecimals(step);
  for (int k = 0;; ++k) {
    const double v = y_lo + k * step;
    if (v > y_hi + step * 1e-9) break;
    const double y = Y(v);
    b += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dddddd"/>)", Num(px), Num(y),
                     Num(px + pw), Num(y)) + "\n";
    b += Text(px - 6, y + 4, "end", 11, fmt::format("{:.{}f}", v, decimals));
  }
  // Axes.
  b += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="black"/>)", Num(px), Num(py),
                   Num(py + ph)) + "\n";
  b += fmt::format(R"(<line x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="black"/>)", Num(px),
                   Num(px + pw), Num(py + ph)) + "\n";
  for (size_t i = 0; i < n; ++i) {
    b += Text(px + band * (i + 0.5), py + ph + 16, "middle", 11, c.categories[i]);
  }
  b += Text(px + pw / 2, y0 + h - 10, "middle", 12, c.x_label);
  b += Text(x0 + 16, py + ph / 2, "middle", 12, c.y_label,
            fmt::format(" transform=\"rotate(-90 {} {})\"", Num(x0 + 16), Num(py + ph / 2)));

  // Data.
  const size_t ns = c.series.size();
  for (size_t s = 0; s < ns; ++s) {
    const ChartSeries& series = c.series[s];
    const char* color = kPalette[s % kPaletteSize];
    if (c.kind == ChartKind::kBar) {
      const double inner = band * 0.8, bw = inner / static_cast<double>(ns);
      for (size_t i = 0; i < n; ++i) {
        const double x = px + band * i + band * 0.1 + bw * s;
        const double base = Y(std::max(y_lo, 0.0)), top = Y(series.values[i]);
        b += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>)", Num(x),
                         Num(std::min(base, top)), Num(bw), Num(std::abs(base - top)), color) + "\n";
        if (!series.point_labels.empty()) {
          b += Text(x + bw / 2, std::min(base, top) - 3, "middle", 9, series.point_labels[i]);
        }
      }
    } else {
      std::string points;
      for (size_t i = 0; i < n; ++i) {
        points += fmt::format("{}{},{}", i ? " " : "", Num(px + band * (i + 0.5)), Num(Y(series.values[i])));
      }
      b += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)", points,
                       color) + "\n";
      for (size_t i = 0; i < n; ++i) {
        const double x = px + band * (i + 0.5), y = Y(series.values[i]);
        b += fmt::format(R"(<circle cx="{}" cy="{}" r="3" fill="{}"/>)", Num(x), Num(y), color) + "\n";
        if (!series.point_labels.empty()) b += Text(x, y - 6, "middle", 9, series.point_labels[i]);
      }
    }
    // Legend entry.
    const double lx = px + pw + 12, ly = py + 4 + 18 * static_cast<double>(s);
    b += fmt::format(R"(<rect x="{}" y="{}" width="12" height="12" fill="{}"/>)", Num(lx), Num(ly),
                     color) + "\n";
    b += Text(lx + 18, ly + 10, "start", 11, series.name);
  }
  b += "</g>\n";
}

void SvgCanvas::DrawScatter(const Chart& c, double x0, double y0, double w, double h) {
  double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
  bool first = true;
  for (const ChartSeries& s : c.series) {
    if (s.x_values.size() != s.values.size()) {
      throw Error(fmt::format("svg chart '{}': series '{}' has {} x values for {} values", c.title, s.name,
                              s.x_values.size(), s.values.size()));
    }
    if (!s.point_labels.empty() && s.point_labels.size() != s.values.size()) {
      throw Error(fmt::format("svg chart '{}': series '{}' has {} point labels for {} values", c.title, s.name,
                              s.point_labels.size(), s.values.size()));
    }
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (!std::isfinite(s.values[i]) || !std::isfinite(s.x_values[i])) {
        throw Error(fmt::format("svg chart '{}': series '{}' has a non-finite value", c.title, s.name));
      }
      xlo = first ? s.x_values[i] : std::min(xlo, s.x_values[i]);
      xhi = first ? s.x_values[i] : std::max(xhi, s.x_values[i]);
      ylo = first ? s.values[i] : std::min(ylo, s.values[i]);
      yhi = first ? s.values[i] : std::max(yhi, s.values[i]);
      first = false;
    }
  }
  if (first) throw Error(fmt::format("svg chart '{}': no data", c.title));
  // Nice bounds around the data on both axes (not forced to include 0).
  auto bounds = [](double lo, double hi, std::optional<double> want_lo, std::optional<double> want_hi) {
    const double span = hi > lo ? hi - lo : std::max(std::abs(hi), 1.0);
    const double step = NiceTickStep(span, 5);
    const double a = want_lo.value_or(std::floor(lo / step) * step);
    double b = want_hi.value_or(std::ceil(hi / step) * step);
    if (b <= a) b = a + step;
    return std::pair{a, b};
  };
  const auto [xa, xb] = bounds(xlo, xhi, std::nullopt, std::nullopt);
  const auto [ya, yb] = bounds(ylo, yhi, c.y_min, c.y_max);
  const double px = x0 + kLeft, py = y0 + kTop;
  const double pw = w - kLeft - kRight, ph = h - kTop - kBottom;
  if (pw <= 0 || ph <= 0) throw Error(fmt::format("svg chart '{}': rectangle too small", c.title));
  // Captured by name: clang 14 cannot capture structured bindings.
  const auto X = [&, xa = xa, xb = xb](double v) { return px + (v - xa) / (xb - xa) * pw; };
  const auto Y = [&, ya = ya, yb = yb](double v) { return py + ph - (std::clamp(v, ya, yb) - ya) / (yb - ya) * ph; };
  std::string& b = body_;
  b += "<g class=\"chart\">\n";
  b += Text(x0 + w / 2, y0 + 20, "middle", 15, c.title, " font-weight=\"bold\"");
  const double ystep = NiceTickStep(yb - ya, 5), xstep = NiceTickStep(xb - xa, 5);
  for (int k = 0;; ++k) {
    const double v = ya + k * ystep;
    if (v > yb + ystep * 1e-9) break;
    b += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dddddd"/>)", Num(px), Num(Y(v)),
                     Num(px + pw), Num(Y(v))) + "\n";
    b += Text(px - 6, Y(v) + 4, "end", 11, fmt::format("{:.{}f}", v, TickDecimals(ystep)));
  }
  for (int k = 0;; ++k) {
    const double v = xa + k * xstep;
    if (v > xb + xstep * 1e-9) break;
    b += Text(X(v), py + ph + 16, "middle", 11, fmt::format("{:.{}f}", v, TickDecimals(xstep)));
  }
  b += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="black"/>)", Num(px), Num(py),
                   Num(py + ph)) + "\n";
  b += fmt::format(R"(<line x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="black"/>)", Num(px),
                   Num(px + pw), Num(py + ph)) + "\n";
  b += Text(px + pw / 2, y0 + h - 10, "middle", 12, c.x_label);
  b += Text(x0 + 16, py + ph / 2, "middle", 12, c.y_label,
            fmt::format(" transform=\"rotate(-90 {} {})\"", Num(x0 + 16), Num(py + ph / 2)));
  for (size_t s = 0; s < c.series.size(); ++s) {
    const ChartSeries& series = c.series[s];
    const char* color = kPalette[s % kPaletteSize];
    for (size_t i = 0; i < series.values.size(); ++i) {
      const double x = X(series.x_values[i]), y = Y(series.values[i]);
      b += fmt::format(R"(<circle cx="{}" cy="{}" r="4" fill="{}"/>)", Num(x), Num(y), color) + "\n";
      if (!series.point_labels.empty()) b += Text(x, y - 7, "middle", 9, series.point_labels[i]);
    }
    const double lx = px + pw + 12, ly = py + 4 + 18 * static_cast<double>(s);
    b += fmt::format(R"(<rect x="{}" y="{}" width="12" height="12" fill="{}"/>)", Num(lx), Num(ly), color) + "\n";
    b += Text(lx + 18, ly + 10, "start", 11, series.name);
  }
  b += "</g>\n";
}

std::string SvgCanvas::Render() const {
  return fmt::format(
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
             "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\">\n"
             "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n",
             width_, height_) +
         body_ + "</svg>\n";
}

std::string ChartSvg(const Chart& chart, int width, int height) {
  SvgCanvas canvas(width, height);
  canvas.Draw(chart, 0, 0, width, height);
  return canvas.Render();
}

}  // namespace flexcim
