// VerilatedBaselineDut<VTop>: a BaselineDut around any Verilated dense_top
// or sparse12_top, whatever its prefix and port widths (the wr_e pin is
// driven only when the model has one).
#pragma once

#include <verilated.h>

#include <memory>
#include <string>
#include <vector>

#include "verif/baseline_dut.h"
#include "verif/verilated_clock.h"
#include "verif/verilated_port.h"

namespace flexcim::verif {

template <typename VTop>
class VerilatedBaselineDut final : public BaselineDut {
 public:
  explicit VerilatedBaselineDut(const BaselineConfig& config)
      : config_(config), context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(2);  // storage and pipeline start random, as silicon does
    top_ = std::make_unique<VTop>(context_.get(), (config.arch_name() + "_top").c_str());
    top_->clk = 0;
    top_->rst_n = 1;
    top_->eval();
  }
  ~VerilatedBaselineDut() override { top_->final(); }

  const BaselineConfig& config() const override { return config_; }

  golden::CycleOutput Cycle(const golden::BaselineCycleInput& in) override {
    const BaselineConfig& c = config_;
    top_->rst_n = in.rst_n;
    top_->wr_en = in.wr_en;
    WritePort(top_->wr_row, Words{static_cast<uint32_t>(in.wr_row)});
    WritePort(top_->wr_w, PackLaneVector(in.wr_w, c.cols(), c.w_bits()));
    if constexpr (requires(VTop& t) { t.wr_e; }) {
      WritePort(top_->wr_e, PackLaneVector(in.wr_e, c.cols(), 1));
    }
    top_->in_valid = in.in_valid;
    WritePort(top_->in_act, PackLaneVector(in.in_act, c.act_lanes(), c.a_bits()));
    ClockCycle(*context_, *top_, nullptr);
    golden::CycleOutput out;
    out.valid = top_->out_valid;
    if (out.valid) {
      const Words words = ReadPort(top_->out_data);
      out.data = UnpackSignedLanes(words.data(), c.output_lanes(), c.output_width());
    }
    return out;
  }

 private:
  BaselineConfig config_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<VTop> top_;
};

}  // namespace flexcim::verif
