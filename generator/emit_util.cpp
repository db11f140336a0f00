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
    add(t.coefficient == 1 ? static_cast<vast::Expression*>(t.genvar)
                           : file.Op(BinaryOp::kMul, t.genvar,
                                     file.Int(static_cast<uint64_t>(t.coefficient))));
  }
  if (constant != 0 || sum == nullptr) add(file.Int(static_cast<uint64_t>(constant)));
  return sum;
}

vast::NetSelect Lane(vast::VerilogFile& file, const vast::Net& base,
                     std::initializer_list<IndexTerm> terms, long long constant, int width) {
  return base.Part(Linear(file, terms, constant), width);
}

vast::Expression* SignExtendedLaneByOne(vast::VerilogFile& file, const vast::Net& base,
                                        std::initializer_list<IndexTerm> terms,
                                        long long constant, int width) {
  vast::Expression* sign = base.Bit(Linear(file, terms, constant + width - 1));
  return file.Make<vast::Concat>(
      std::vector<vast::Expression*>{sign, Lane(file, base, terms, constant, width)});
}

vast::Expression* ZeroExtended(vast::VerilogFile& file, vast::Expression* value, int bits,
                               int width) {
  if (width == bits) return value;
  return file.Make<vast::Concat>(
      std::vector<vast::Expression*>{file.Sized(width - bits, 0), value});
}

vast::NetSelect BitOf(const vast::Net& bus, vast::Expression* index) {
  if (bus.width() == 1) return vast::NetSelect(bus, bus.id());
  return bus.Bit(index);
}

}  // namespace flexcim::gen
