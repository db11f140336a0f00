#include "generator/adder_tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/errors.h"
#include "core/macro_config.h"
#include "generator/emit_util.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

vast::Module* EmitAdderTree(vast::VerilogFile& file, const std::string& name, int rows,
                            int in_width, int split_bit) {
  if (rows < 2) throw Error(fmt::format("EmitAdderTree: rows {} < 2", rows));
  const int levels = Log2Exact(rows);
  const int k = split_bit;
  if (k < 0 || (k > 0 && (k < 2 || k >= in_width + levels))) {
    throw Error(fmt::format("EmitAdderTree: split bit {} outside 2..{}", k, in_width + levels - 1));
  }
  vast::ModuleBuilder m(file, name);
  auto clk = m.AddInput("clk", 1);
  vast::Net source = m.AddInput("products", rows * in_width);
  auto sum = m.AddOutput("sum", in_width + levels);
  auto i = m.AddGenvar("i");
  bool source_split = false;  // the source's bits from k up lag by one cycle
  for (int level = 1; level <= levels; ++level) {
    const int lanes = rows >> level;
    const int width = in_width + level;
    const int source_width = width - 1;
    auto target = m.AddReg(fmt::format("level{}_q", level), lanes * width);
    auto& loop = m.For(i, lanes, fmt::format("g_level{}", level));
    if (k == 0 || width <= k) {
      // target lane i = source lane 2i + source lane 2i+1, each sign-extended.
      vast::Expression* rhs = file.Op(
          vast::BinaryOp::kAdd,
          SignExtendedLaneByOne(file, source, {{i, 2 * source_width}}, 0, source_width),
          SignExtendedLaneByOne(file, source, {{i, 2 * source_width}}, source_width,
                                source_width));
      loop.ClockedAssign(clk, Lane(file, target, {{i, width}}, 0, width), rhs);
      source = target;
      continue;
    }
    // Split level: bits [0, k) now, bits [k, width) one cycle later.
    const int high = width - k;
    // The operands' high parts: the source's bits from k up, sign-extended
    // by one bit, at the source's lag; a source that does not lag is read
    // through one register (its bits from min(k, source_width - 1) up).
    std::optional<vast::RegNet> delayed;
    const int delay_from = std::min(k, source_width - 1);
    const int delay_width = source_width - delay_from;
    if (!source_split) {
      delayed = m.AddReg(fmt::format("level{}_d", level), 2 * lanes * delay_width);
    }
    auto carry = m.AddReg(fmt::format("level{}_c", level), lanes);
    auto low = loop.AddWire("low", k + 1);
    std::vector<vast::Expression*> high_operands;
    std::vector<vast::Expression*> low_operands;
    for (int half = 0; half < 2; ++half) {
      const long long offset = static_cast<long long>(half) * source_width;
      low_operands.push_back(
          ZeroExtended(file, Lane(file, source, {{i, 2 * source_width}}, offset, k), k, k + 1));
      if (source_split) {
        high_operands.push_back(
            SignExtendedLaneByOne(file, source, {{i, 2 * source_width}}, offset + k, high - 1));
        continue;
      }
      const long long delayed_offset = static_cast<long long>(half) * delay_width;
      loop.ClockedAssign(clk, Lane(file, *delayed, {{i, 2 * delay_width}}, delayed_offset, delay_width),
                         Lane(file, source, {{i, 2 * source_width}}, offset + delay_from, delay_width));
      // source_width > k: bits k.. of the source and the sign extension;
      // source_width == k: the sign bit alone, as the extension bit k.
      high_operands.push_back(
          delay_width == high
              ? static_cast<vast::Expression*>(
                    Lane(file, *delayed, {{i, 2 * delay_width}}, delayed_offset, delay_width))
              : SignExtendedLaneByOne(file, *delayed, {{i, 2 * delay_width}}, delayed_offset,
                                      delay_width));
    }
    loop.Assign(low, file.Op(vast::BinaryOp::kAdd, low_operands[0], low_operands[1]));
    loop.ClockedAssign(clk, Lane(file, target, {{i, width}}, 0, k), low.Slice(k - 1, 0));
    loop.ClockedAssign(clk, BitOf(carry, i), low.Bit(k));
    loop.ClockedAssign(
        clk, Lane(file, target, {{i, width}}, k, high),
        file.Op(vast::BinaryOp::kAdd,
                file.Op(vast::BinaryOp::kAdd, high_operands[0], high_operands[1]),
                ZeroExtended(file, BitOf(carry, i), 1, high)));
    source = target;
    source_split = true;
  }
  m.Assign(sum, source);
  return m.result();
}

}  // namespace flexcim::gen
