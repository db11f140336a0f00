// VerilatedDut<VTop>: a CosimDut around any Verilated top level of any
// architecture (flexcim_top, dense_top, sparse12_top), whatever its prefix
// and port widths. The pins it drives are the design's port signature
// (verif/input_pins.h, from ArchTraits' TopPorts); construction fails when
// the Verilated model's ports and the signature disagree (a pin the model
// lacks, or one the signature does not name).
#pragma once

#include <verilated.h>

#include <fmt/format.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "verif/cosim_dut.h"
#include "verif/input_pins.h"
#include "verif/verilated_clock.h"
#include "verif/verilated_port.h"

namespace flexcim::verif {

template <typename VTop>
class VerilatedDut final : public CosimDut {
 public:
  explicit VerilatedDut(const ArchConfig& design)
      : design_(design), pins_(InputPins(design)), context_(std::make_unique<VerilatedContext>()) {
    CheckModelPorts();
    context_->randReset(2);  // storage and pipeline start random, as silicon does
    top_ = std::make_unique<VTop>(context_.get(), std::string(design.traits().top).c_str());
    top_->clk = 0;
    top_->rst_n = 1;
    top_->eval();
  }
  ~VerilatedDut() override { top_->final(); }

  const ArchConfig& design() const override { return design_; }

  // For a waveform writer: the model, its context, and a hook called after
  // every evaluation (ClockCycle).
  VTop& top() { return *top_; }
  VerilatedContext& context() { return *context_; }
  void set_after_eval(AfterEval after_eval) { after_eval_ = std::move(after_eval); }

  golden::CycleOutput Cycle(const golden::CycleInput& in) override {
    for (const InputPin& pin : pins_) Drive(pin, in);
    ClockCycle(*context_, *top_, after_eval_);
    golden::CycleOutput out;
    out.valid = top_->out_valid;
    if (out.valid) {
      const Words words = ReadPort(top_->out_data);
      out.data = UnpackSignedLanes(words.data(), design_.output_lanes(), design_.output_width());
    }
    return out;
  }

 private:
  // The model's optional pins, by field; the ones every top has are plain.
#define FLEXCIM_OPTIONAL_PIN(FIELD, MEMBER)                                        \
  case PinField::FIELD:                                                            \
    if constexpr (requires(VTop& t) { t.MEMBER; }) WritePort(top_->MEMBER, pin.Bits(in)); \
    return;
  void Drive(const InputPin& pin, const golden::CycleInput& in) {
    switch (pin.field) {
      case PinField::kRstN: top_->rst_n = in.rst_n; return;
      case PinField::kWrEn: top_->wr_en = in.wr_en; return;
      case PinField::kInValid: top_->in_valid = in.in_valid; return;
      case PinField::kWrRow: WritePort(top_->wr_row, pin.Bits(in)); return;
      case PinField::kWrW: WritePort(top_->wr_w, pin.Bits(in)); return;
      case PinField::kInAct: WritePort(top_->in_act, pin.Bits(in)); return;
      FLEXCIM_OPTIONAL_PIN(kWrSub, wr_sub)
      FLEXCIM_OPTIONAL_PIN(kWrE, wr_e)
      FLEXCIM_OPTIONAL_PIN(kWrSel, wr_sel)
      FLEXCIM_OPTIONAL_PIN(kInNlog2, in_nlog2)
    }
  }
#undef FLEXCIM_OPTIONAL_PIN

  // Every optional pin the model has is in the signature, and the reverse.
  void CheckModelPorts() const {
    auto in_signature = [&](PinField f) {
      for (const InputPin& p : pins_) {
        if (p.field == f) return true;
      }
      return false;
    };
    std::vector<std::string> problems;
    auto check = [&](PinField f, const char* name, bool model_has) {
      if (model_has && !in_signature(f)) problems.push_back(fmt::format("has {}, which {} has not", name, design_.traits().top));
      if (!model_has && in_signature(f)) problems.push_back(fmt::format("lacks {}, which {} has", name, design_.traits().top));
    };
    check(PinField::kWrSub, "wr_sub", requires(VTop& t) { t.wr_sub; });
    check(PinField::kWrE, "wr_e", requires(VTop& t) { t.wr_e; });
    check(PinField::kWrSel, "wr_sel", requires(VTop& t) { t.wr_sel; });
    check(PinField::kInNlog2, "in_nlog2", requires(VTop& t) { t.in_nlog2; });
    if (!problems.empty()) {
      throw Error(fmt::format("{} ({}): the Verilated model {}", design_.Name(), ArchName(design_.arch()),
                              fmt::join(problems, "; ")));
    }
  }

  ArchConfig design_;
  std::vector<InputPin> pins_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VTop> top_;
  AfterEval after_eval_;
};

}  // namespace flexcim::verif
