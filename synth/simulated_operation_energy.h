// Energy per macro operation from simulated activity (docs/PPA.md "Energy
// from simulated activity"): the activity of a Verilator run of real
// traffic (verif/operation_activity_vcd.h), split by cycle class, applied to
// every input port and to every register and latch of the hierarchical
// netlist (synth/register_activity_ports.h), three OpenSTA power runs at the
// compute-path period T:
// - compute: ports and registers at their rates and duty in compute cycles;
// - row write: the same in write cycles;
// - idle: every rate 0 (duty of the compute cycles): what remains is the
//   registers' clock pins and leakage.
// Energies (E_x = run x's total power x T):
// - idle cycle = E_idle;
// - one vector = (E_compute - E_idle) x compute cycles / vectors + II x E_idle;
// - one row write = (E_write - E_idle) x write cycles / writes + E_idle.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "synth/area_breakdown.h"
#include "synth/liberty_cells.h"
#include "synth/operation_energy.h"
#include "verif/operation_activity_vcd.h"

namespace flexcim::synth {

struct SimulatedEnergyOptions {
  std::filesystem::path liberty;
  std::filesystem::path netlist;  // sta_netlist.v of a `flexcim synth` design
  std::string top;
  std::vector<PortSpec> ports;    // the manifest's ports
  double period_ns = 0;           // the compute-path minimum period
  int initiation_interval = 1;
  std::set<std::string> sequential_cells;  // LibertyCells::sequential
  std::filesystem::path work_dir;          // activity_netlist.v, power_sim_{compute,row_write,idle}.{tcl,log}
  int jobs = 1;                            // OpenSTA runs at once
  bool per_instance = false;               // also every leaf cell's power per run
  // With per_instance and cells: the energies split by component
  // (synth/component_map.h, as the synth report's power breakdown).
  const LibertyCells* cells = nullptr;
  AreaBreakdownOptions breakdown;
};

// Registers whose measured rate in a cycle class is nonzero but below
// kMinAnnotatedRate (annotated still), the toggles per cycle they lose and
// the measured toggles per cycle of all registers in that class.
struct RareToggles {
  int registers = 0;
  double dropped_per_cycle = 0, measured_per_cycle = 0;
};

RareToggles RareRegisterToggles(const verif::OperationActivity& activity, verif::CycleClass cycle_class,
                                const std::vector<std::string>& register_nets);

struct SimulatedEnergy {
  OperationEnergy energy;   // the three energies and runs' power
  int registers = 0;        // sequential cells given a simulated rate (all of them)
  int64_t compute_cycles = 0, write_cycles = 0, idle_cycles = 0, vectors = 0, writes = 0;
  // With per_instance: mW per leaf cell ("u_storage/w0_reg") of the compute,
  // row-write and idle runs.
  std::array<std::map<std::string, double>, 3> instance_power_mw;
  // With per_instance and cells: pJ per component of one vector, one row
  // write and one idle cycle (the decomposition above per component; they
  // add up to the totals).
  std::map<std::string, double> vector_pj_by_component, row_write_pj_by_component, idle_pj_by_component;
  // Per cycle class (compute, write): what AnnotatedActivity left out.
  std::array<RareToggles, 2> rare_toggles;
};

// A duty consistent with `rate` toggles per cycle: `duty` clamped into
// [min(rate/2, 1/2), max(1 - rate/2, 1/2)].
double FeasibleDuty(double rate, double duty);

// The smallest nonzero toggle rate (per cycle) given to OpenSTA.
inline constexpr double kMinAnnotatedRate = 1e-3;

struct BitAnnotation {
  double rate = 0, duty = 0;
  bool operator==(const BitAnnotation&) const = default;
};

// What a signal of `rate` toggles per cycle at `duty` is annotated with:
// never a tiny nonzero value, which OpenSTA 2.0.17's float propagation
// turns into a NaN power (simulated_operation_energy.cpp says how): a rate
// below kMinAnnotatedRate becomes 0, a still signal's duty within
// kMinAnnotatedRate / 2 of 0 or 1 that level, then FeasibleDuty. Throws
// flexcim::Error naming `signal` for a non-finite or out-of-range input.
BitAnnotation AnnotatedActivity(const std::string& signal, double rate, double duty);

// The registers' activity (rate, duty) of one cycle class by bit of the
// activity bus, and the ports' mean rate and duty. Throws flexcim::Error
// naming the first register whose output net the trace lacks ("the trace
// has no signal u_sub0.u_storage.w_q[5] (output of register ...)").
ActivitySet SimulatedActivity(const verif::OperationActivity& activity, verif::CycleClass cycle_class,
                              const std::vector<PortSpec>& ports, const std::vector<std::string>& register_nets,
                              const std::vector<std::string>& register_cells);

// Throws flexcim::Error: a register without a trace (as above), a trace
// without a vector or a write, an OpenSTA failure.
SimulatedEnergy MeasureSimulatedEnergy(const SimulatedEnergyOptions& options,
                                       const verif::OperationActivity& activity);

nlohmann::json ToJson(const SimulatedEnergy& e);

}  // namespace flexcim::synth
