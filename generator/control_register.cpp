#include "generator/control_register.h"

#include "generator/vast/module_builder.h"

namespace flexcim::gen {

vast::Module* EmitControlRegister(vast::VerilogFile& file, const std::string& name) {
  vast::ModuleBuilder m(file, name);
  auto clk = m.AddInput("clk", 1);
  auto d = m.AddInput("d", 1);
  auto q = m.AddOutput("q", 1);
  auto q_q = m.AddReg("q_q", 1);
  m.Assign(q, q_q);
  m.ClockedAssign(clk, q_q, d);
  return m.result();
}

}  // namespace flexcim::gen
