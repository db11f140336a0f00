#include "synth/sta_report.h"

#include <fmt/format.h>

#include <regex>
#include <sstream>

#include "core/errors.h"

namespace flexcim::synth {

namespace {

constexpr char kNum[] = R"(([-+0-9.eE]+))";

bool ParsePowerLine(const std::string& line, const std::string& group, PowerMw& out) {
  static const std::string pattern = fmt::format(R"(^\s*{{}}\s+{0}\s+{0}\s+{0}\s+{0}.*$)", kNum);
  const std::regex re(fmt::format(fmt::runtime(pattern), group));
  std::smatch m;
  if (!std::regex_match(line, m, re)) return false;
  out = PowerMw{std::stod(m[1]) * 1e3, std::stod(m[2]) * 1e3, std::stod(m[3]) * 1e3,
                std::stod(m[4]) * 1e3};
  return true;
}

}  // namespace

TimingPower ParseStaOutput(const std::string& text) {
  static const std::regex kStart(R"(^Startpoint:\s+(.*?)\s*$)");
  static const std::regex kEnd(R"(^Endpoint:\s+(.*?)\s*$)");
  static const std::regex kArrival(fmt::format(R"(^\s*{}\s+data arrival time\s*$)", kNum));
  static const std::regex kPeriod(fmt::format(R"(^FLEXCIM_PERIOD\s+{}\s*$)", kNum));

  TimingPower t;
  std::string errors;
  bool have_path = false, have_arrival = false, have_period = false, have_power = false, done = false;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("Error", 0) == 0) {
      errors += "\n  " + line;
    } else if (!have_path && std::regex_match(line, m, kStart)) {
      t.startpoint = m[1];
    } else if (!have_path && std::regex_match(line, m, kEnd)) {
      t.endpoint = m[1];
      have_path = true;
    } else if (!have_arrival && std::regex_match(line, m, kArrival)) {
      t.arrival_ns = std::stod(m[1]);
      have_arrival = true;
    } else if (std::regex_match(line, m, kPeriod)) {
      t.min_period_ns = std::stod(m[1]);
      have_period = true;
    } else if (ParsePowerLine(line, "Total", t.power)) {
      have_power = true;
    } else if (ParsePowerLine(line, "Sequential", t.sequential_power) ||
               ParsePowerLine(line, "Combinational", t.combinational_power)) {
    } else if (line.rfind("FLEXCIM_DONE", 0) == 0) {
      done = true;
    }
  }
  if (!errors.empty()) throw Error("OpenSTA reported errors:" + errors);
  if (!have_path || !have_arrival) throw Error("OpenSTA output has no critical path (report_checks)");
  if (!have_period || t.min_period_ns <= 0) throw Error("OpenSTA output has no valid FLEXCIM_PERIOD");
  if (!have_power || !done) throw Error("OpenSTA output has no report_power total");
  t.fmax_mhz = 1000.0 / t.min_period_ns;
  return t;
}

}  // namespace flexcim::synth
