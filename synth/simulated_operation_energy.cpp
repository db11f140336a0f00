#include "synth/simulated_operation_energy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/parallel_for.h"
#include "synth/power_breakdown.h"
#include "synth/register_activity_ports.h"

#include <set>

namespace flexcim::synth {

namespace fs = std::filesystem;

namespace {

constexpr const char* kBus = "flexcim_act";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

// A duty the simulated rate allows: a signal toggling r times per cycle
// spends at least r/2 of its cycles at each value (as the trace measures
// them, a toggle near a class boundary can leave a toggling signal at duty 0
// or 1 within the class); the duty is moved into [r/2, 1 - r/2] and the
// rate, which sets the switching power, is kept.
double FeasibleDuty(double rate, double duty) {
  const double margin = std::min(rate / 2, 0.5);
  return std::clamp(duty, margin, 1 - margin);
}

// OpenSTA 2.0.17 propagates activity in single-precision float, and an
// and2's internal power weighs its A -> X arc by density(A) / density(X) x
// duty(B). With annotated rates of one toggle in thousands of cycles and
// duties of r/2 (FeasibleDuty), products of such duties down a carry chain
// underflow: in the default dense macro's row-write run the adder tree cell
// g_col[11].u_adder_tree/_7367_ (and2_0) had density(A) 7.4e4/s,
// density(B) 1.1e-32/s at duty 0 and density(X) 1.8e-36/s, the ratio
// overflowed to inf, inf x 0 = NaN, and the design total became NaN. So no
// annotated value is tiny but nonzero: a rate below kMinAnnotatedRate
// (fewer than one toggle in 1,000 cycles of the class: a level change, not
// an activity of the operation) is annotated as a still signal, and a still
// signal's duty within kMinAnnotatedRate / 2 of 0 or 1 as that level.
BitAnnotation AnnotatedActivity(const std::string& signal, double rate, double duty) {
  constexpr double kRounding = 1e-9;  // a duty summed over a port's bits may pass 1 by an ulp
  if (!std::isfinite(rate) || !std::isfinite(duty) || rate < 0 || duty < -kRounding || duty > 1 + kRounding) {
    throw Error(fmt::format("{}: activity rate {} duty {} is not a toggle rate >= 0 with a duty in [0, 1]", signal,
                            rate, duty));
  }
  duty = std::clamp(duty, 0.0, 1.0);
  if (rate < kMinAnnotatedRate) {
    rate = 0;
    if (duty < kMinAnnotatedRate / 2) duty = 0;
    if (duty > 1 - kMinAnnotatedRate / 2) duty = 1;
  }
  return {rate, FeasibleDuty(rate, duty)};
}

ActivitySet SimulatedActivity(const verif::OperationActivity& activity, verif::CycleClass cycle_class,
                              const std::vector<PortSpec>& ports, const std::vector<std::string>& register_nets,
                              const std::vector<std::string>& register_cells) {
  const int k = static_cast<int>(cycle_class);
  const bool idle = cycle_class == verif::CycleClass::kIdle;
  // Idle: every rate 0; the duty (which decides leakage states) of compute cycles.
  const int duty_k = idle ? static_cast<int>(verif::CycleClass::kCompute) : k;
  ActivitySet a;
  a.default_input_activity = 0;
  for (const PortSpec& p : ports) {
    if (!p.is_input || p.name == "clk") continue;
    double rate = 0, duty = 0;
    for (int b = 0; b < p.width; ++b) {
      const std::string bit = p.width == 1 ? p.name : fmt::format("{}[{}]", p.name, b);
      const verif::BitActivity* ba = activity.Find(bit);
      if (ba == nullptr) throw Error(fmt::format("the trace has no input port bit {}", bit));
      rate += ba->rate[k];
      duty += ba->duty[duty_k];
    }
    const BitAnnotation port = AnnotatedActivity(p.name, idle ? 0.0 : rate / p.width, duty / p.width);
    a.port_activity[p.name] = port.rate;
    a.port_duty[p.name] = port.duty;
    if (p.name == "rst_n") {
      // Out of reset in every operation: the release edge belongs to no
      // operation (reset cycles are in no class), though the trace counts it
      // in the cycle after the reset.
      a.port_activity[p.name] = 0;
      a.port_duty[p.name] = 1;
    }
  }
  for (size_t i = 0; i < register_nets.size(); ++i) {
    const verif::BitActivity* ba = activity.Find(register_nets[i]);
    if (ba == nullptr) {
      throw Error(fmt::format("the trace has no signal {} (output of register {}): is it a trace of this design?",
                              register_nets[i], register_cells[i]));
    }
    const BitAnnotation bit = AnnotatedActivity(register_nets[i], idle ? 0.0 : ba->rate[k], ba->duty[duty_k]);
    a.bit_activity[fmt::format("{}[{}]", kBus, i)] = {bit.rate, bit.duty};
  }
  return a;
}

RareToggles RareRegisterToggles(const verif::OperationActivity& activity, verif::CycleClass cycle_class,
                                const std::vector<std::string>& register_nets) {
  RareToggles r;
  for (const std::string& net : register_nets) {
    const verif::BitActivity* ba = activity.Find(net);
    if (ba == nullptr) continue;  // SimulatedActivity names it
    const double rate = ba->rate[static_cast<int>(cycle_class)];
    r.measured_per_cycle += rate;
    if (rate > 0 && rate < kMinAnnotatedRate) {
      ++r.registers;
      r.dropped_per_cycle += rate;
    }
  }
  return r;
}

SimulatedEnergy MeasureSimulatedEnergy(const SimulatedEnergyOptions& o, const verif::OperationActivity& activity) {
  using verif::CycleClass;
  const RegisterPorts cut = CutRegistersToPorts(ReadText(o.netlist), o.top, o.sequential_cells);
  constexpr CycleClass kClasses[] = {CycleClass::kCompute, CycleClass::kWrite, CycleClass::kIdle};
  constexpr const char* kTags[] = {"sim_compute", "sim_row_write", "sim_idle"};
  std::vector<ActivitySet> sets;
  for (CycleClass c : kClasses) sets.push_back(SimulatedActivity(activity, c, o.ports, cut.output_nets, cut.cells));
  if (activity.vectors == 0) throw Error("the trace has no input vector (in_valid never high out of reset)");
  if (activity.writes == 0) throw Error("the trace has no row write (wr_en never high out of reset)");
  fs::create_directories(o.work_dir);
  const fs::path netlist = o.work_dir / "activity_netlist.v";
  WriteFileAtomically(netlist, cut.netlist);
  std::vector<PortSpec> ports = o.ports;
  if (!cut.output_nets.empty()) ports.push_back({kBus, static_cast<int>(cut.output_nets.size()), true});
  std::vector<PowerReport> power(3);
  std::array<std::map<std::string, double>, 3> instances;
  ParallelFor(3, std::max(1, o.jobs), [&](int i) {
    StaPowerRequest r;
    r.liberty = o.liberty;
    r.netlist = netlist;
    r.top = o.top;
    r.ports = ports;
    r.period_ns = o.period_ns;
    r.activity = sets[i];
    r.work_dir = o.work_dir;
    r.tag = kTags[i];
    r.per_instance = o.per_instance;
    StaPowerResult p = RunStaPower(r);
    power[i] = p.power;
    instances[i] = std::move(p.instance_power_mw);
  });
  SimulatedEnergy out;
  out.registers = static_cast<int>(cut.output_nets.size());
  out.rare_toggles = {RareRegisterToggles(activity, CycleClass::kCompute, cut.output_nets),
                      RareRegisterToggles(activity, CycleClass::kWrite, cut.output_nets)};
  out.instance_power_mw = std::move(instances);
  out.compute_cycles = activity.cycles[static_cast<int>(CycleClass::kCompute)];
  out.write_cycles = activity.cycles[static_cast<int>(CycleClass::kWrite)];
  out.idle_cycles = activity.cycles[static_cast<int>(CycleClass::kIdle)];
  out.vectors = activity.vectors;
  out.writes = activity.writes;
  OperationEnergy& e = out.energy;
  e.period_ns = o.period_ns;
  e.initiation_interval = o.initiation_interval;
  e.compute = power[0];
  e.write = power[1];
  e.idle = power[2];
  const double T = o.period_ns;  // mW x ns = pJ
  e.idle_cycle_pj = e.idle.total.total * T;
  e.vector_pj = (e.compute.total.total - e.idle.total.total) * T * static_cast<double>(out.compute_cycles) /
                    static_cast<double>(out.vectors) +
                e.idle_cycle_pj * o.initiation_interval;
  e.row_write_pj = (e.write.total.total - e.idle.total.total) * T * static_cast<double>(out.write_cycles) /
                       static_cast<double>(out.writes) +
                   e.idle_cycle_pj;
  if (o.per_instance && o.cells != nullptr) {
    const NetlistHierarchy hierarchy = ParseNetlistHierarchy(cut.netlist);
    std::array<std::map<std::string, double>, 3> by_component;
    for (int i = 0; i < 3; ++i) {
      by_component[i] = PowerByComponent(hierarchy, o.top, {}, out.instance_power_mw[i], *o.cells, o.breakdown);
    }
    std::set<std::string> names;
    for (const auto& m : by_component)
      for (const auto& [c, mw] : m) names.insert(c);
    auto at = [](const std::map<std::string, double>& m, const std::string& c) {
      const auto it = m.find(c);
      return it == m.end() ? 0.0 : it->second;
    };
    for (const std::string& c : names) {
      const double idle = at(by_component[2], c) * T;
      out.idle_pj_by_component[c] = idle;
      out.vector_pj_by_component[c] = (at(by_component[0], c) * T - idle) * static_cast<double>(out.compute_cycles) /
                                          static_cast<double>(out.vectors) +
                                      idle * o.initiation_interval;
      out.row_write_pj_by_component[c] = (at(by_component[1], c) * T - idle) *
                                             static_cast<double>(out.write_cycles) / static_cast<double>(out.writes) +
                                         idle;
    }
  }
  return out;
}

nlohmann::json ToJson(const SimulatedEnergy& e) {
  nlohmann::json j = ToJson(e.energy);
  j["activity"] = "simulated";
  j["registers_annotated"] = e.registers;
  if (!e.vector_pj_by_component.empty()) {
    j["energy_pj_by_component"] = {{"vector", e.vector_pj_by_component},
                                   {"row_write", e.row_write_pj_by_component},
                                   {"idle_cycle", e.idle_pj_by_component}};
  }
  nlohmann::json rare;
  for (int k = 0; k < 2; ++k) {
    const RareToggles& r = e.rare_toggles[k];
    rare[k == 0 ? "compute" : "row_write"] = {{"registers", r.registers},
                                              {"dropped_toggles_per_cycle", r.dropped_per_cycle},
                                              {"measured_toggles_per_cycle", r.measured_per_cycle}};
  }
  rare["min_rate"] = kMinAnnotatedRate;
  j["annotated_still_below_min_rate"] = rare;
  j["cycles"] = {{"compute", e.compute_cycles}, {"write", e.write_cycles}, {"idle", e.idle_cycles},
                 {"vectors", e.vectors}, {"writes", e.writes}};
  return j;
}

}  // namespace flexcim::synth
