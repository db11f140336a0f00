// Small helpers shared by the block emitters: constant-folded index
// arithmetic over genvars and common select shapes.
#pragma once

#include <initializer_list>

#include "generator/vast/net.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// One term of an index expression: genvar * coefficient.
struct IndexTerm {
  vast::Genvar genvar;
  long long coefficient;
};

// "r * 128 + q * 16 + 8": zero terms dropped, coefficient 1 printed as the
// bare genvar, a zero constant omitted, "0" when nothing remains.
vast::Expression* Linear(vast::VerilogFile& file, std::initializer_list<IndexTerm> terms,
                         long long constant = 0);

// base[Linear(terms, constant) +: width]
vast::NetSelect Lane(vast::VerilogFile& file, const vast::Net& base,
                     std::initializer_list<IndexTerm> terms, long long constant, int width);

// {base[start + width - 1], base[start +: width]}: the lane sign-extended by
// one bit, so an add of two such operands has exactly width + 1 bits.
vast::Expression* SignExtendedLaneByOne(vast::VerilogFile& file, const vast::Net& base,
                                        std::initializer_list<IndexTerm> terms,
                                        long long constant, int width);

// {(width - bits)'b0, value}: an unsigned value of `bits` bits zero-extended
// to `width` (the value itself when width == bits), so that an add's
// operands have its result's width.
vast::Expression* ZeroExtended(vast::VerilogFile& file, vast::Expression* value, int bits,
                               int width);

// Bit `index` of a bus, or the bus itself when it is one bit (a one-bit
// net cannot be bit-selected in every tool).
vast::NetSelect BitOf(const vast::Net& bus, vast::Expression* index);

}  // namespace flexcim::gen
