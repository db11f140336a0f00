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

std::string OpenStaErrors(const std::string& text) {
  std::istringstream in(text);
  std::string line, errors;
  while (std::getline(in, line)) {
    if (line.rfind("Error", 0) == 0) errors += "\n  " + line;
  }
  return errors;
}

}  // namespace

PowerReport ParseStaPower(const std::string& text) {
  const std::string errors = OpenStaErrors(text);
  if (!errors.empty()) throw Error("OpenSTA reported errors:" + errors);
  PowerReport r;
  bool have_power = false, done = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (ParsePowerLine(line, "Total", r.total)) {
      have_power = true;
    } else if (ParsePowerLine(line, "Sequential", r.sequential) ||
               ParsePowerLine(line, "Combinational", r.combinational)) {
    } else if (line.rfind("FLEXCIM_DONE", 0) == 0) {
      done = true;
    }
  }
  if (!have_power || !done) throw Error("OpenSTA output has no report_power total");
  return r;
}

TimingPower ParseStaOutput(const std::string& text) {
  static const std::regex kStart(R"(^Startpoint:\s+(.*?)\s*$)");
  static const std::regex kEnd(R"(^Endpoint:\s+(.*?)\s*$)");
  static const std::regex kArrival(fmt::format(R"(^\s*{}\s+data arrival time\s*$)", kNum));
  static const std::regex kPeriod(fmt::format(R"(^FLEXCIM_PERIOD\s+{}\s*$)", kNum));
  static const std::regex kComputePeriod(fmt::format(R"(^FLEXCIM_COMPUTE_PERIOD\s+{}\s*$)", kNum));

  TimingPower t;
  const std::string errors = OpenStaErrors(text);
  bool in_compute = false, have_compute_path = false;
  bool have_path = false, have_arrival = false, have_period = false;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("FLEXCIM_COMPUTE_PATH", 0) == 0) {
      in_compute = true;
    } else if (in_compute && !have_compute_path && std::regex_match(line, m, kStart)) {
      t.compute_startpoint = m[1];
    } else if (in_compute && !have_compute_path && std::regex_match(line, m, kEnd)) {
      t.compute_endpoint = m[1];
      have_compute_path = true;
    } else if (std::regex_match(line, m, kComputePeriod)) {
      t.compute_min_period_ns = std::stod(m[1]);
      in_compute = false;
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
    }
  }
  if (!errors.empty()) throw Error("OpenSTA reported errors:" + errors);
  if (!have_path || !have_arrival) throw Error("OpenSTA output has no critical path (report_checks)");
  if (!have_period || t.min_period_ns <= 0) throw Error("OpenSTA output has no valid FLEXCIM_PERIOD");
  const PowerReport power = ParseStaPower(text);
  t.power = power.total;
  t.sequential_power = power.sequential;
  t.combinational_power = power.combinational;
  t.fmax_mhz = 1000.0 / t.min_period_ns;
  if (t.compute_min_period_ns > 0) t.compute_fmax_mhz = 1000.0 / t.compute_min_period_ns;
  return t;
}

}  // namespace flexcim::synth
