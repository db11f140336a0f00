#include "generator/multiplier.h"

#include "generator/vast/module_builder.h"

namespace flexcim::gen {

vast::Module* EmitMultiplier(vast::VerilogFile& file, const std::string& name, int a_bits,
                             int w_bits) {
  vast::ModuleBuilder m(file, name);
  auto act = m.AddInput("act", a_bits, /*is_signed=*/true);
  auto weight = m.AddInput("weight", w_bits, /*is_signed=*/true);
  auto product = m.AddOutput("product", a_bits + w_bits, /*is_signed=*/true);
  m.Assign(product, file.Op(vast::BinaryOp::kMul, act, weight));
  return m.result();
}

}  // namespace flexcim::gen
