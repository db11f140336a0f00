#include "synth/operation_energy.h"

#include <fmt/format.h>

#include <iterator>
#include <mutex>

#include "core/parallel_for.h"

namespace flexcim::synth {

namespace {

bool HasInput(const std::vector<PortSpec>& ports, const std::string& name) {
  for (const PortSpec& p : ports)
    if (p.is_input && p.name == name) return true;
  return false;
}

nlohmann::json PowerJson(const PowerMw& p) {
  return {{"internal", p.internal}, {"switching", p.switching}, {"leakage", p.leakage}, {"total", p.total}};
}

}  // namespace

ActivitySet OperationActivity(Operation op, const std::vector<PortSpec>& ports, double act_activity,
                              double write_activity) {
  ActivitySet a;
  a.default_input_activity = 0;
  auto constant = [&](const char* port, int value) {
    if (HasInput(ports, port)) a.constant_ports[port] = value;
  };
  auto toggle = [&](const char* port, double rate) {
    if (HasInput(ports, port)) a.port_activity[port] = rate;
  };
  constant("rst_n", 1);
  constant("in_valid", op == Operation::kCompute ? 1 : 0);
  // wr_en low is a static input (activity 0), not set_case_analysis 0:
  // that makes Debian's OpenSTA 2.0.17 crash (segfault) on the dense and
  // fixed 1:2 netlists. High is a constant.
  if (op == Operation::kRowWrite) {
    constant("wr_en", 1);
  } else {
    toggle("wr_en", 0);
  }
  if (op == Operation::kCompute) toggle("in_act", act_activity);
  if (op == Operation::kRowWrite) {
    for (const char* p : {"wr_sub", "wr_row", "wr_w", "wr_e", "wr_sel"}) toggle(p, write_activity);
  }
  return a;
}

OperationEnergy DecomposeOperationEnergy(double period_ns, int initiation_interval, const PowerReport& compute,
                                         const PowerReport& write, const PowerReport& idle) {
  OperationEnergy e;
  e.period_ns = period_ns;
  e.initiation_interval = initiation_interval;
  e.compute = compute;
  e.write = write;
  e.idle = idle;
  const double T = period_ns;  // mW x ns = pJ
  e.idle_cycle_pj = (idle.sequential.internal + idle.total.leakage) * T;
  e.vector_pj = ((compute.total.total - idle.total.total) * T + e.idle_cycle_pj) * initiation_interval;
  e.row_write_pj = (write.total.total - idle.total.total) * T + e.idle_cycle_pj;
  return e;
}

std::vector<OperationEnergy> MeasureOperationEnergies(const std::vector<OperationEnergyOptions>& designs, int jobs,
                                                      const std::function<void(std::size_t, const OperationEnergy&)>& design_done) {
  constexpr Operation kOps[] = {Operation::kCompute, Operation::kRowWrite, Operation::kIdle};
  constexpr const char* kTags[] = {"compute", "row_write", "idle"};
  constexpr std::size_t kRuns = std::size(kOps);
  std::vector<PowerReport> power(designs.size() * kRuns);
  std::vector<int> runs_left(designs.size(), static_cast<int>(kRuns));
  std::vector<OperationEnergy> out(designs.size());
  std::mutex mu;
  ParallelFor(static_cast<int>(power.size()), jobs, [&](int run) {
    const std::size_t i = static_cast<std::size_t>(run);
    const OperationEnergyOptions& o = designs[i / kRuns];
    StaPowerRequest r;
    r.liberty = o.liberty;
    r.netlist = o.netlist;
    r.top = o.top;
    r.ports = o.ports;
    r.period_ns = o.period_ns;
    r.activity = OperationActivity(kOps[i % kRuns], o.ports, o.act_activity, o.write_activity);
    r.work_dir = o.work_dir;
    r.tag = kTags[i % kRuns];
    power[i] = RunStaPower(r).power;
    std::lock_guard lock(mu);
    const std::size_t d = i / kRuns;
    if (--runs_left[d] > 0) return;
    out[d] = DecomposeOperationEnergy(o.period_ns, o.initiation_interval, power[d * kRuns], power[d * kRuns + 1],
                                      power[d * kRuns + 2]);
    if (design_done) design_done(d, out[d]);
  });
  return out;
}

nlohmann::json ToJson(const OperationEnergy& e) {
  auto power = [](const PowerReport& p) {
    return nlohmann::json{{"total", PowerJson(p.total)}, {"sequential", PowerJson(p.sequential)},
                          {"combinational", PowerJson(p.combinational)}};
  };
  return {{"period_ns", e.period_ns},
          {"fmax_mhz", e.fmax_mhz()},
          {"initiation_interval", e.initiation_interval},
          {"power_mw", {{"compute", power(e.compute)}, {"row_write", power(e.write)}, {"idle", power(e.idle)}}},
          {"energy_pj", {{"vector", e.vector_pj}, {"row_write", e.row_write_pj}, {"idle_cycle", e.idle_cycle_pj}}}};
}

}  // namespace flexcim::synth
