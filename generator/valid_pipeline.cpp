#include "generator/valid_pipeline.h"

#include <optional>
#include <vector>

#include "core/arch_traits.h"
#include "generator/vast/module_builder.h"
#include "generator/merge_control_plan.h"

namespace flexcim::gen {

namespace {

// valid_q[s-1] is the valid bit of stage s (1..stages); out_valid is the
// last. Synchronous active-low reset of every bit.
void EmitValidShift(vast::ModuleBuilder& m, int stages) {
  vast::VerilogFile& file = m.verilog_file();
  auto valid_q = m.AddReg("valid_q", stages);
  vast::StatementBlock* on_reset = file.Block();
  m.NonblockingAssign(on_reset, valid_q, file.Sized(stages, 0));
  vast::StatementBlock* on_run = file.Block();
  m.NonblockingAssign(on_run, valid_q,
                      file.Make<vast::Concat>(std::vector<vast::Expression*>{
                          valid_q.Slice(stages - 2, 0), m.Get("in_valid")}));
  vast::StatementBlock* body = file.Block();
  body->Add<vast::If>(file, file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, m.Get("rst_n")),
                      on_reset, on_run);
  m.AlwaysFf(m.Get("clk"), body);
  m.Assign(m.Get("out_valid"), valid_q.Bit(stages - 1));
}

}  // namespace

vast::Module* EmitValidOnlyPipeline(vast::VerilogFile& file, const std::string& name,
                                    int register_stages) {
  vast::ModuleBuilder m(file, name);
  m.AddInput("clk", 1);
  m.AddInput("rst_n", 1);
  m.AddInput("in_valid", 1);
  m.AddOutput("out_valid", 1);
  EmitValidShift(m, register_stages);
  return m.result();
}

vast::Module* EmitValidPipeline(vast::VerilogFile& file, const std::string& name,
                                const MacroConfig& config) {
  const bool carries_nlog2 = config.subs() > 1;

  vast::ModuleBuilder m(file, name);
  auto clk = m.AddInput("clk", 1);
  m.AddInput("rst_n", 1);
  m.AddInput("in_valid", 1);
  std::optional<vast::InputNet> in_nlog2;
  if (carries_nlog2) in_nlog2 = m.AddInput("in_nlog2", kNlog2Bits);
  m.AddOutput("out_valid", 1);
  std::optional<vast::OutputNet> merge_nlog2;
  if (carries_nlog2) merge_nlog2 = m.AddOutput("merge_nlog2", kNlog2Bits);
  EmitValidShift(m, config.pipeline_register_stages());

  if (carries_nlog2) {
    // The merge network's control registers take log2 N two cycles before
    // merge level 1 captures the vector (MergeControlPlan::kLeadCycles):
    // stage log2 R - 1, i.e. the in_nlog2 pins themselves when R = 2.
    // nlog2_q lane s-1 is the log2 N of stage s, for stages 1..log2 R - 1.
    //
    // Bit-serial cells merge the A bit planes of a vector on A consecutive
    // edges (plane k of the vector sampled at t reaches merge level 1 at
    // t + 2 + k + log2 R), so merge_nlog2 must show the vector's log2 N
    // from edge t + log2 R (level 1's root for plane 0) through edge
    // t + log2 R + A - 1: nlog2_hold loads in_nlog2 at the vector's edge
    // and holds it until the next vector (at least A edges later), and
    // log2 R - 1 further registers delay it; the window of A edges it shows
    // is exactly the planes'.
    const bool serial = config.bit_serial();
    const int stages = serial ? config.adder_stages() - 1
                              : config.adder_stages() + 1 - MergeControlPlan::kLeadCycles;
    vast::Expression* source = *in_nlog2;
    if (serial) {
      auto hold = m.AddReg("nlog2_hold", kNlog2Bits);
      vast::StatementBlock* load = file.Block();
      m.NonblockingAssign(load, hold, *in_nlog2);
      vast::StatementBlock* body = file.Block();
      body->Add<vast::If>(file, m.Get("in_valid"), load, nullptr);
      m.AlwaysFf(clk, body);
      source = hold;
    }
    if (stages == 0) {
      m.Assign(*merge_nlog2, source);
    } else {
      auto nlog2_q = m.AddReg("nlog2_q", stages * kNlog2Bits);
      vast::Expression* next =
          stages == 1 ? source
                      : file.Make<vast::Concat>(std::vector<vast::Expression*>{
                            nlog2_q.Slice((stages - 1) * kNlog2Bits - 1, 0), source});
      m.ClockedAssign(clk, nlog2_q, next);
      m.Assign(*merge_nlog2,
               nlog2_q.Slice(stages * kNlog2Bits - 1, (stages - 1) * kNlog2Bits));
    }
  }
  return m.result();
}

}  // namespace flexcim::gen
