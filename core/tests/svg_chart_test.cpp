#include "core/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>


#include "core/errors.h"

namespace flexcim {
namespace {

int Count(const std::string& s, const std::string& needle) {
  int n = 0;
  for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

Chart TwoSeriesBars() {
  Chart c;
  c.title = "Per-block <N:M> & sparsity";
  c.x_label = "block";
  c.y_label = "sparsity";
  c.categories = {"0", "1", "2"};
  c.series = {{"target 0.5", {0.5, 0.75, 0.25}, {"2:4", "1:4", "3:4"}},
              {"target 0.75", {0.75, 0.875, 0.5}, {}}};
  return c;
}

TEST(SvgChart, NiceTickStep) {
  EXPECT_DOUBLE_EQ(NiceTickStep(1.0, 5), 0.2);
  EXPECT_DOUBLE_EQ(NiceTickStep(0.875, 5), 0.2);
  EXPECT_DOUBLE_EQ(NiceTickStep(10.0, 5), 2.0);
  EXPECT_DOUBLE_EQ(NiceTickStep(37.0, 5), 10.0);
  EXPECT_DOUBLE_EQ(NiceTickStep(0.003, 5), 0.001);
  EXPECT_DOUBLE_EQ(NiceTickStep(5.0, 5), 1.0);
  EXPECT_THROW(NiceTickStep(0.0, 5), Error);
}

TEST(SvgChart, EscapesText) {
  EXPECT_EQ(EscapeXml(R"(a<b>&"c'd)"), "a&lt;b&gt;&amp;&quot;c&apos;d");
}

TEST(SvgChart, BarChartHasAxesTicksBarsLabelsAndLegend) {
  const std::string svg = ChartSvg(TwoSeriesBars(), 600, 300);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"300\"", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  // Background + 6 bars + 2 legend swatches.
  EXPECT_EQ(Count(svg, "<rect "), 1 + 6 + 2);
  // Default range 0..1 with step 0.2: six grid lines, two axes.
  EXPECT_EQ(Count(svg, "<line "), 6 + 2);
  for (const char* tick : {">0.0<", ">0.2<", ">0.4<", ">0.6<", ">0.8<", ">1.0<"}) {
    EXPECT_EQ(Count(svg, tick), 1) << tick;
  }
  EXPECT_NE(svg.find(">Per-block &lt;N:M&gt; &amp; sparsity<"), std::string::npos);
  for (const char* text : {">block<", ">sparsity<", ">target 0.5<", ">target 0.75<", ">2:4<",
                           ">1:4<", ">3:4<"}) {
    EXPECT_EQ(Count(svg, text), 1) << text;
  }
  EXPECT_EQ(svg.find("<polyline"), std::string::npos);
  // Plot area: x 64..450, y 34..252 (600x300 minus margins). The bar for
  // value 0.5 of the first series starts at y = 252 - 0.5*218 = 143.
  EXPECT_NE(svg.find(R"(<rect x="76.87" y="143.00" width="51.47" height="109.00" fill="#1f77b4"/>)"),
            std::string::npos)
      << svg;
}

TEST(SvgChart, LineChartDrawsPolylinePerSeries) {
  Chart c = TwoSeriesBars();
  c.kind = ChartKind::kLine;
  c.y_max = 2.0;
  const std::string svg = ChartSvg(c, 600, 300);
  EXPECT_EQ(Count(svg, "<polyline"), 2);
  EXPECT_EQ(Count(svg, "<circle"), 6);
  EXPECT_EQ(Count(svg, "<rect "), 1 + 2);  // background + legend only
  EXPECT_NE(svg.find(">2.0<"), std::string::npos);
}

TEST(SvgChart, ScatterPlacesPointsOnNumericAxes) {
  Chart c;
  c.kind = ChartKind::kScatter;
  c.title = "perplexity vs latency";
  c.series = {{"flexcim", {10, 20}, {"FLOW 0.5", "FLOW 0.75"}, {1, 3}}, {"dense", {15}, {}, {2}}};
  // Plot area of a 600 x 300 chart: x 64..450, y 34..252; axes [1, 3] x [10, 20].
  const std::string svg = ChartSvg(c, 600, 300);
  EXPECT_EQ(Count(svg, "<circle"), 3);
  EXPECT_NE(svg.find(R"(<circle cx="64.00" cy="252.00" r="4")"), std::string::npos) << svg;
  EXPECT_NE(svg.find(R"(<circle cx="450.00" cy="34.00" r="4")"), std::string::npos);
  EXPECT_NE(svg.find(R"(<circle cx="257.00" cy="143.00" r="4")"), std::string::npos);
  EXPECT_NE(svg.find(">FLOW 0.75<"), std::string::npos);
  EXPECT_NE(svg.find(">2.5<"), std::string::npos);  // an x tick
  c.series[1].x_values.clear();
  try {
    ChartSvg(c, 600, 300);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "svg chart 'perplexity vs latency': series 'dense' has 0 x values for 1 values");
  }
}

TEST(SvgChart, CanvasStacksPanels) {
  SvgCanvas canvas(600, 600);
  canvas.Draw(TwoSeriesBars(), 0, 0, 600, 300);
  Chart line = TwoSeriesBars();
  line.kind = ChartKind::kLine;
  canvas.Draw(line, 0, 300, 600, 300);
  const std::string svg = canvas.Render();
  EXPECT_EQ(Count(svg, "<g class=\"chart\">"), 2);
  EXPECT_EQ(Count(svg, "<svg "), 1);
}

TEST(SvgChart, RejectsBadInput) {
  Chart c = TwoSeriesBars();
  c.series[1].values.pop_back();
  try {
    ChartSvg(c, 600, 300);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "svg chart 'Per-block <N:M> & sparsity': series 'target 0.75' has 2 values for 3 "
                 "categories");
  }
  c = TwoSeriesBars();
  c.series[0].values[1] = std::nan("");
  EXPECT_THROW(ChartSvg(c, 600, 300), Error);
  c = TwoSeriesBars();
  c.series.clear();
  EXPECT_THROW(ChartSvg(c, 600, 300), Error);
  c = TwoSeriesBars();
  c.y_min = 1.0;
  c.y_max = 1.0;
  EXPECT_THROW(ChartSvg(c, 600, 300), Error);
  EXPECT_THROW(SvgCanvas(0, 10), Error);
}

}  // namespace
}  // namespace flexcim
