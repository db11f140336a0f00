#include "generator/multiplier.h"

namespace flexcim::gen {

vast::Module* EmitMultiplier(vast::VerilogFile& file, const std::string& name, int a_bits,
                             int w_bits) {
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "act", a_bits, /*is_signed=*/true);
  m->AddPort(vast::Direction::kInput, "weight", w_bits, /*is_signed=*/true);
  m->AddPort(vast::Direction::kOutput, "product", a_bits + w_bits, /*is_signed=*/true);
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("product"), file.Op(vast::BinaryOp::kMul, file.Id("act"), file.Id("weight"))));
  return m;
}

}  // namespace flexcim::gen
