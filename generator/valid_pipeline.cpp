#include "generator/valid_pipeline.h"

#include <vector>

#include "core/arch_traits.h"
#include "generator/emit_util.h"
#include "generator/merge_control_plan.h"

namespace flexcim::gen {

namespace {

// valid_q[s-1] is the valid bit of stage s (1..stages); out_valid is the
// last. Synchronous active-low reset of every bit.
void EmitValidShift(vast::VerilogFile& file, vast::Module* m, int stages) {
  DeclareReg(file, m, "valid_q", stages);
  vast::StatementBlock* on_reset = file.Block();
  on_reset->Add<vast::NonblockingAssign>(file, file.Id("valid_q"), file.Sized(stages, 0));
  vast::StatementBlock* on_run = file.Block();
  on_run->Add<vast::NonblockingAssign>(
      file, file.Id("valid_q"),
      file.Make<vast::Concat>(std::vector<vast::Expression*>{
          file.Range(file.Id("valid_q"), stages - 2, 0), file.Id("in_valid")}));
  vast::StatementBlock* body = file.Block();
  body->Add<vast::If>(file, file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, file.Id("rst_n")),
                      on_reset, on_run);
  m->AddAlways(file.Make<vast::AlwaysFf>(file.Id("clk"), body));
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("out_valid"), file.Bit(file.Id("valid_q"), file.Int(stages - 1))));
}

}  // namespace

vast::Module* EmitValidOnlyPipeline(vast::VerilogFile& file, const std::string& name,
                                    int register_stages) {
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "rst_n", 1);
  m->AddPort(vast::Direction::kInput, "in_valid", 1);
  m->AddPort(vast::Direction::kOutput, "out_valid", 1);
  EmitValidShift(file, m, register_stages);
  return m;
}

vast::Module* EmitValidPipeline(vast::VerilogFile& file, const std::string& name,
                                const MacroConfig& config) {
  const bool carries_nlog2 = config.subs() > 1;

  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "rst_n", 1);
  m->AddPort(vast::Direction::kInput, "in_valid", 1);
  if (carries_nlog2) m->AddPort(vast::Direction::kInput, "in_nlog2", kNlog2Bits);
  m->AddPort(vast::Direction::kOutput, "out_valid", 1);
  if (carries_nlog2) m->AddPort(vast::Direction::kOutput, "merge_nlog2", kNlog2Bits);
  EmitValidShift(file, m, config.pipeline_register_stages());

  if (carries_nlog2) {
    // The merge network's control registers take log2 N two cycles before
    // merge level 1 captures the vector (MergeControlPlan::kLeadCycles):
    // stage log2 R - 1, i.e. the in_nlog2 pins themselves when R = 2.
    // nlog2_q lane s-1 is the log2 N of stage s, for stages 1..log2 R - 1.
    // Bit-serial cells delay the column sums by serial_stages() more.
    const int stages =
        config.adder_stages() + config.serial_stages() + 1 - MergeControlPlan::kLeadCycles;
    if (stages == 0) {
      m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("merge_nlog2"), file.Id("in_nlog2")));
    } else {
      DeclareReg(file, m, "nlog2_q", stages * kNlog2Bits);
      vast::Expression* next =
          stages == 1 ? static_cast<vast::Expression*>(file.Id("in_nlog2"))
                      : file.Make<vast::Concat>(std::vector<vast::Expression*>{
                            file.Range(file.Id("nlog2_q"), (stages - 1) * kNlog2Bits - 1, 0),
                            file.Id("in_nlog2")});
      m->AddAlways(ClockedAssign(file, file.Id("nlog2_q"), next));
      m->AddAssign(file.Make<vast::ContinuousAssign>(
          file.Id("merge_nlog2"), file.Range(file.Id("nlog2_q"), stages * kNlog2Bits - 1,
                                             (stages - 1) * kNlog2Bits)));
    }
  }
  return m;
}

}  // namespace flexcim::gen
