#include "verif/input_pins.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace flexcim::verif {

namespace {

template <typename T>
std::vector<int64_t> LaneValues(const std::vector<T>& v, int lanes) {
  std::vector<int64_t> out(static_cast<size_t>(lanes), 0);
  for (int i = 0; i < lanes && i < static_cast<int>(v.size()); ++i) out[i] = v[i];
  return out;
}

InputPin Bind(const ArchConfig& d, const PortSpec& port) {
  const std::string& n = port.name;
  InputPin p{n, PinField::kRstN, 1, port.width, false};
  if (n == "rst_n") p.field = PinField::kRstN;
  else if (n == "wr_en") p.field = PinField::kWrEn;
  else if (n == "wr_sub") p.field = PinField::kWrSub;
  else if (n == "wr_row") p.field = PinField::kWrRow;
  else if (n == "in_valid") p.field = PinField::kInValid;
  else if (n == "in_nlog2") p.field = PinField::kInNlog2;
  else if (n == "wr_w") p = {n, PinField::kWrW, d.cols(), d.w_bits(), true};
  else if (n == "wr_e") p = {n, PinField::kWrE, d.element_lanes(), 1, false};
  else if (n == "wr_sel") p = {n, PinField::kWrSel, d.select_groups(), d.sel_bits(), false};
  else if (n == "in_act") p = {n, PinField::kInAct, d.act_lanes(), d.a_bits(), true};
  else throw Error(fmt::format("{}: port {} has no pin in the co-simulation's cycle input", d.Name(), n));
  if (p.lanes * p.lane_width != port.width) {
    throw Error(fmt::format("{}: port {} is {} bits, its lanes {} x {} bits", d.Name(), n, port.width, p.lanes,
                            p.lane_width));
  }
  return p;
}

}  // namespace

std::vector<int64_t> InputPin::Values(const golden::CycleInput& in) const {
  switch (field) {
    case PinField::kRstN: return {in.rst_n ? 1 : 0};
    case PinField::kWrEn: return {in.wr_en ? 1 : 0};
    case PinField::kWrSub: return {in.wr_sub};
    case PinField::kWrRow: return {in.wr_row};
    case PinField::kInValid: return {in.in_valid ? 1 : 0};
    case PinField::kInNlog2: return {in.in_nlog2};
    case PinField::kWrW: return LaneValues(in.wr_w, lanes);
    case PinField::kWrE: return LaneValues(in.wr_e, lanes);
    case PinField::kWrSel: return LaneValues(in.wr_sel, lanes);
    case PinField::kInAct: return LaneValues(in.in_act, lanes);
  }
  return {};
}

Words InputPin::Bits(const golden::CycleInput& in) const {
  const std::vector<int64_t> v = Values(in);
  return PackLanes(v.data(), lanes, lane_width);
}

std::vector<InputPin> InputPins(const ArchConfig& design) {
  std::vector<InputPin> pins;
  for (const PortSpec& port : design.Ports()) {
    if (port.is_output || port.name == "clk") continue;
    pins.push_back(Bind(design, port));
  }
  return pins;
}

}  // namespace flexcim::verif
