#include "synth/activity_file.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "core/errors.h"
#include "core/input_file.h"
#include "core/json_input.h"

namespace flexcim::synth {

std::map<std::string, double> ParseActivityJson(std::string_view text, std::string_view source) {
  const nlohmann::json j = ParseJsonText(text, source);
  if (!j.is_object() || !j.contains("input_toggle_rates") || !j["input_toggle_rates"].is_object()) {
    throw Error(fmt::format("{}: no input_toggle_rates object (write it with `flexcim verify --json`)", source));
  }
  std::map<std::string, double> rates;
  for (const auto& [port, rate] : j["input_toggle_rates"].items()) {
    if (port.empty()) throw Error(fmt::format("{}: input_toggle_rates has an empty port name", source));
    rates[port] =
        JsonNumberValue(rate, 0.0, kMaxToggleRate, fmt::format("{}: toggle rate of port '{}'", source, port));
  }
  return rates;
}

std::map<std::string, double> ReadActivityFile(const std::filesystem::path& path) {
  return ParseActivityJson(ReadRegularFile(path), path.string());
}

void RequireToggleRate(std::string_view flag, double rate) {
  if (!std::isfinite(rate) || rate < 0 || rate > kMaxToggleRate) {
    throw UsageError(fmt::format("{} {}: must be a toggle rate in [0, {}]", flag, rate, kMaxToggleRate));
  }
}

std::pair<std::string, double> ParsePortActivity(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError(fmt::format("--activity {}: expected PORT=RATE", text));
  }
  const std::string_view value = text.substr(eq + 1);
  double rate = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), rate);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    throw UsageError(fmt::format("--activity {}: RATE must be a number", text));
  }
  if (!std::isfinite(rate) || rate < 0 || rate > kMaxToggleRate) {
    throw UsageError(fmt::format("--activity {}: RATE must be a toggle rate in [0, {}]", text, kMaxToggleRate));
  }
  return {std::string(text.substr(0, eq)), rate};
}

}  // namespace flexcim::synth
