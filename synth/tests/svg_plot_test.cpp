#include "synth/svg_plot.h"

#include <gtest/gtest.h>

namespace flexcim::synth {
namespace {

TEST(SvgPlot, RendersPanelsSeriesAndEscapes) {
  PlotPanel p{"area <vs> G", "G", "%", true, {{"P=4 & more", {{1, 10}, {16, 2}, {4, 5}}}}};
  const std::string svg = RenderSvg({p, p}, 400, 300);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("width=\"800\" height=\"300\""), std::string::npos);
  EXPECT_NE(svg.find("area &lt;vs&gt; G"), std::string::npos);
  EXPECT_NE(svg.find("P=4 &amp; more"), std::string::npos);
  size_t polylines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++polylines;
  EXPECT_EQ(polylines, 2u);
  EXPECT_NE(svg.find(">16</text>"), std::string::npos);  // a power-of-two tick
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(SvgPlot, EmptyPanelSaysNoData) {
  EXPECT_NE(RenderSvg({PlotPanel{"t", "x", "y", false, {}}}).find("no data"), std::string::npos);
}

}  // namespace
}  // namespace flexcim::synth
