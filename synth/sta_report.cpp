#include "synth/sta_report.h"

#include <fmt/format.h>

#include <regex>
#include <sstream>

#include "core/errors.h"

namespace flexcim::synth {

namespace {

constexpr char kNum[] = R"(([-+0-9.eE]+))";

// "<group> internal switching leakage total percent" (W).
bool ParsePowerLine(const std::string& line, const std::string& group, PowerMw& out) {
  if (line.rfind(group, 0) != 0) return false;
  std::istringstream in(line.substr(group.size()));
  double v[4];
  if (!(in >> v[0] >> v[1] >> v[2] >> v[3])) return false;
  out = PowerMw{v[0] * 1e3, v[1] * 1e3, v[2] * 1e3, v[3] * 1e3};
  return true;
}

// The report up to the per-instance lines (FLEXCIM_INSTANCES), which can be
// hundreds of thousands of lines.
std::string Summary(const std::string& text) { return text.substr(0, text.find("FLEXCIM_INSTANCES")); }

std::string OpenStaErrors(const std::string& text) {
  std::istringstream in(text);
  std::string line, errors;
  while (std::getline(in, line)) {
    if (line.rfind("Error", 0) == 0) errors += "\n  " + line;
  }
  return errors;
}

}  // namespace

PowerReport ParseStaPower(const std::string& full_text) {
  const std::string text = Summary(full_text);
  const std::string errors = OpenStaErrors(text);
  if (!errors.empty()) throw Error("OpenSTA reported errors:" + errors);
  PowerReport r;
  bool have_power = false;
  const bool done = full_text.find("FLEXCIM_DONE") != std::string::npos;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (ParsePowerLine(line, "Total", r.total)) {
      have_power = true;
    } else {
      ParsePowerLine(line, "Sequential", r.sequential) || ParsePowerLine(line, "Combinational", r.combinational);
    }
  }
  if (!have_power || !done) throw Error("OpenSTA output has no report_power total");
  return r;
}

TimingPower ParseStaOutput(const std::string& full_text) {
  const std::string text = Summary(full_text);
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
  const PowerReport power = ParseStaPower(full_text);
  t.power = power.total;
  t.sequential_power = power.sequential;
  t.combinational_power = power.combinational;
  t.fmax_mhz = 1000.0 / t.min_period_ns;
  if (t.compute_min_period_ns > 0) t.compute_fmax_mhz = 1000.0 / t.compute_min_period_ns;
  return t;
}

}  // namespace flexcim::synth
