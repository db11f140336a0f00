#include "verif/toggle_rates.h"

#include <bit>
#include <functional>

#include "verif/lane_packing.h"

namespace flexcim::verif {

namespace {

struct PortBits {
  std::string name;
  int width;
  std::function<Words(const golden::CycleInput&)> bits;
};

}  // namespace

std::map<std::string, double> InputToggleRates(const MacroConfig& c,
                                               const std::vector<golden::CycleInput>& cycles) {
  auto scalar = [](int64_t v, int width) {
    const int64_t lane[] = {v};
    return PackLanes(lane, 1, width);
  };
  const std::vector<PortBits> ports = {
      {"rst_n", 1, [&](const auto& in) { return scalar(in.rst_n, 1); }},
      {"wr_en", 1, [&](const auto& in) { return scalar(in.wr_en, 1); }},
      {"wr_sub", c.sel_bits(), [&](const auto& in) { return scalar(in.wr_sub, c.sel_bits()); }},
      {"wr_row", c.row_addr_bits(), [&](const auto& in) { return scalar(in.wr_row, c.row_addr_bits()); }},
      {"wr_w", c.cols() * c.w_bits(), [&](const auto& in) { return PackLaneVector(in.wr_w, c.cols(), c.w_bits()); }},
      {"wr_e", c.cols(), [&](const auto& in) { return PackLaneVector(in.wr_e, c.cols(), 1); }},
      {"wr_sel", c.select_groups() * c.sel_bits(),
       [&](const auto& in) { return PackLaneVector(in.wr_sel, c.select_groups(), c.sel_bits()); }},
      {"in_valid", 1, [&](const auto& in) { return scalar(in.in_valid, 1); }},
      {"in_nlog2", 4, [&](const auto& in) { return scalar(in.in_nlog2 & 0xF, 4); }},
      {"in_act", c.act_lanes() * c.a_bits(), [&](const auto& in) { return PackLaneVector(in.in_act, c.act_lanes(), c.a_bits()); }},
  };
  std::map<std::string, double> rates;
  for (const PortBits& p : ports) {
    int64_t toggles = 0;
    for (size_t t = 1; t < cycles.size(); ++t) {
      const Words a = p.bits(cycles[t - 1]), b = p.bits(cycles[t]);
      for (size_t w = 0; w < a.size(); ++w) toggles += std::popcount(a[w] ^ b[w]);
    }
    const double transitions = cycles.size() > 1 ? static_cast<double>(cycles.size() - 1) : 0.0;
    rates[p.name] = transitions > 0 ? static_cast<double>(toggles) / (transitions * p.width) : 0.0;
  }
  return rates;
}

}  // namespace flexcim::verif
