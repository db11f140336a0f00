#include "generator/emit_util.h"

#include <vector>

namespace flexcim::gen {

using vast::BinaryOp;

vast::Expression* Linear(vast::VerilogFile& file, std::initializer_list<IndexTerm> terms,
                         long long constant) {
  vast::Expression* sum = nullptr;
  auto add = [&](vast::Expression* e) {
    sum = sum == nullptr ? e : file.Op(BinaryOp::kAdd, sum, e);
  };
  for (const IndexTerm& t : terms) {
    if (t.coefficient == 0) continue;
    vast::Expression* g = file.Id(t.genvar);
    add(t.coefficient == 1
            ? g
            : file.Op(BinaryOp::kMul, g, file.Int(static_cast<uint64_t>(t.coefficient))));
  }
  if (constant != 0 || sum == nullptr) add(file.Int(static_cast<uint64_t>(constant)));
  return sum;
}

vast::Expression* Lane(vast::VerilogFile& file, const std::string& base,
                       std::initializer_list<IndexTerm> terms, long long constant, int width) {
  return file.Part(file.Id(base), Linear(file, terms, constant), width);
}

vast::Expression* SignExtendedLaneByOne(vast::VerilogFile& file, const std::string& base,
                                        std::initializer_list<IndexTerm> terms,
                                        long long constant, int width) {
  vast::Expression* sign = file.Bit(file.Id(base), Linear(file, terms, constant + width - 1));
  return file.Make<vast::Concat>(
      std::vector<vast::Expression*>{sign, Lane(file, base, terms, constant, width)});
}

void DeclareWire(vast::VerilogFile& file, vast::Module* m, const std::string& name, int width) {
  m->AddDeclaration(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, name, width, false));
}

void DeclareReg(vast::VerilogFile& file, vast::Module* m, const std::string& name, int width) {
  m->AddDeclaration(file.Make<vast::NetDeclaration>(vast::NetKind::kReg, name, width, false));
}

vast::AlwaysFf* ClockedAssign(vast::VerilogFile& file, vast::Expression* lhs,
                              vast::Expression* rhs) {
  vast::StatementBlock* body = file.Block();
  body->Add<vast::NonblockingAssign>(file, lhs, rhs);
  return file.Make<vast::AlwaysFf>(file.Id("clk"), body);
}

}  // namespace flexcim::gen
