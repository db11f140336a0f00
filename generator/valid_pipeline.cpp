#include "generator/valid_pipeline.h"

#include <vector>

#include "generator/emit_util.h"

namespace flexcim::gen {


namespace {
constexpr int kNlog2Bits = 4;  // in_nlog2 width (FLEXCIM.md 5b)
}  // namespace

vast::Module* EmitValidPipeline(vast::VerilogFile& file, const std::string& name,
                                const MacroConfig& config) {
  const int latency = config.pipeline_register_stages();  // >= 3
  const bool carries_nlog2 = config.subs() > 1;

  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "rst_n", 1);
  m->AddPort(vast::Direction::kInput, "in_valid", 1);
  if (carries_nlog2) m->AddPort(vast::Direction::kInput, "in_nlog2", kNlog2Bits);
  m->AddPort(vast::Direction::kOutput, "out_valid", 1);
  if (carries_nlog2) {
    m->AddPort(vast::Direction::kOutput, "level_nlog2", config.log2_subs() * kNlog2Bits);
  }

  // valid_q[s-1] is the valid bit of stage s (1..L).
  DeclareReg(file, m, "valid_q", latency);
  vast::StatementBlock* on_reset = file.Block();
  on_reset->Add<vast::NonblockingAssign>(file, file.Id("valid_q"),
                                         file.Sized(latency, 0));
  vast::StatementBlock* on_run = file.Block();
  on_run->Add<vast::NonblockingAssign>(
      file, file.Id("valid_q"),
      file.Make<vast::Concat>(std::vector<vast::Expression*>{
          file.Range(file.Id("valid_q"), latency - 2, 0), file.Id("in_valid")}));
  vast::StatementBlock* body = file.Block();
  body->Add<vast::If>(file, file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, file.Id("rst_n")),
                      on_reset, on_run);
  m->AddAlways(file.Make<vast::AlwaysFf>(file.Id("clk"), body));
  m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("out_valid"),
                                                 file.Bit(file.Id("valid_q"), file.Int(latency - 1))));

  if (carries_nlog2) {
    // nlog2_q lane s-1 is the log2 N of stage s, for stages 1..L-1 (the last
    // stage feeds no merge level).
    const int stages = latency - 1;
    DeclareReg(file, m, "nlog2_q", stages * kNlog2Bits);
    m->AddAlways(ClockedAssign(
        file, file.Id("nlog2_q"),
        file.Make<vast::Concat>(std::vector<vast::Expression*>{
            file.Range(file.Id("nlog2_q"), (stages - 1) * kNlog2Bits - 1, 0),
            file.Id("in_nlog2")})));
    m->AddAssign(file.Make<vast::ContinuousAssign>(
        file.Id("level_nlog2"), file.Range(file.Id("nlog2_q"), stages * kNlog2Bits - 1,
                                           config.adder_stages() * kNlog2Bits)));
  }
  return m;
}

}  // namespace flexcim::gen
