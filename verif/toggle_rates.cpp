#include "verif/toggle_rates.h"

#include <bit>

#include "verif/input_pins.h"

namespace flexcim::verif {

std::map<std::string, double> InputToggleRates(const ArchConfig& design,
                                               const std::vector<golden::CycleInput>& cycles) {
  std::map<std::string, double> rates;
  for (const InputPin& p : InputPins(design)) {
    int64_t toggles = 0;
    for (size_t t = 1; t < cycles.size(); ++t) {
      const Words a = p.Bits(cycles[t - 1]), b = p.Bits(cycles[t]);
      for (size_t w = 0; w < a.size(); ++w) toggles += std::popcount(a[w] ^ b[w]);
    }
    const double transitions = cycles.size() > 1 ? static_cast<double>(cycles.size() - 1) : 0.0;
    const int width = p.lanes * p.lane_width;
    rates[p.name] = transitions > 0 ? static_cast<double>(toggles) / (transitions * width) : 0.0;
  }
  return rates;
}

}  // namespace flexcim::verif
