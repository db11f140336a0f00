// VerilatedDut<VTop>: a CosimDut around any Verilated flexcim_top, whatever
// its prefix and port widths.
#pragma once

#include <verilated.h>

#include <memory>
#include <utility>

#include "verif/cosim_dut.h"
#include "verif/verilated_clock.h"
#include "verif/verilated_port.h"

namespace flexcim::verif {

template <typename VTop>
class VerilatedDut final : public CosimDut {
 public:
  explicit VerilatedDut(const MacroConfig& config)
      : config_(config), context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(2);  // storage and pipeline start random, as silicon does
    top_ = std::make_unique<VTop>(context_.get(), "flexcim_top");
    top_->clk = 0;
    top_->rst_n = 1;
    top_->eval();
  }
  ~VerilatedDut() override { top_->final(); }

  const MacroConfig& config() const override { return config_; }

  // For a waveform writer: the model, its context, and a hook called after
  // every evaluation (ClockCycle).
  VTop& top() { return *top_; }
  VerilatedContext& context() { return *context_; }
  void set_after_eval(AfterEval after_eval) { after_eval_ = std::move(after_eval); }

  golden::CycleOutput Cycle(const golden::CycleInput& in) override {
    const MacroConfig& c = config_;
    top_->rst_n = in.rst_n;
    top_->wr_en = in.wr_en;
    WritePort(top_->wr_sub, Words{static_cast<uint32_t>(in.wr_sub)});
    WritePort(top_->wr_row, Words{static_cast<uint32_t>(in.wr_row)});
    WritePort(top_->wr_w, PackLaneVector(in.wr_w, c.cols(), c.w_bits()));
    WritePort(top_->wr_e, PackLaneVector(in.wr_e, c.cols(), 1));
    WritePort(top_->wr_sel, PackLaneVector(in.wr_sel, c.select_groups(), c.sel_bits()));
    top_->in_valid = in.in_valid;
    WritePort(top_->in_nlog2, Words{static_cast<uint32_t>(in.in_nlog2) & 0xFu});
    WritePort(top_->in_act, PackLaneVector(in.in_act, c.act_lanes(), c.a_bits()));
    ClockCycle(*context_, *top_, after_eval_);
    golden::CycleOutput out;
    out.valid = top_->out_valid;
    if (out.valid) {
      const Words words = ReadPort(top_->out_data);
      out.data = UnpackSignedLanes(words.data(), c.output_lanes(), c.output_width());
    }
    return out;
  }

 private:
  MacroConfig config_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VTop> top_;
  AfterEval after_eval_;
};

}  // namespace flexcim::verif
