// Toggle rates for power: the JSON `flexcim verify --json` writes
// ("input_toggle_rates": {port: rate}) and `--activity PORT=RATE` values.
// A toggle rate is toggles per bit per clock, so it lies in [0, 1]; anything
// else (NaN, negative, > 1, not a number, an empty port name) is refused.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace flexcim::synth {

inline constexpr double kMaxToggleRate = 1.0;

// The input_toggle_rates of a verify JSON. Error naming `source` and the port.
std::map<std::string, double> ParseActivityJson(std::string_view text, std::string_view source);
// Reads a regular file and parses it.
std::map<std::string, double> ReadActivityFile(const std::filesystem::path& path);

// "PORT=RATE" from --activity; UsageError naming the flag and the value.
std::pair<std::string, double> ParsePortActivity(std::string_view text);
// Checks a rate given by `flag`; UsageError "FLAG RATE: must be a toggle rate in [0, 1]".
void RequireToggleRate(std::string_view flag, double rate);

}  // namespace flexcim::synth
