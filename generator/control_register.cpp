#include "generator/control_register.h"

#include "generator/emit_util.h"

namespace flexcim::gen {

vast::Module* EmitControlRegister(vast::VerilogFile& file, const std::string& name) {
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "d", 1);
  m->AddPort(vast::Direction::kOutput, "q", 1);
  DeclareReg(file, m, "q_q", 1);
  m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("q"), file.Id("q_q")));
  m->AddAlways(ClockedAssign(file, file.Id("q_q"), file.Id("d")));
  return m;
}

}  // namespace flexcim::gen
