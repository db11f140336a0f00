#include "generator/adder_tree.h"

#include <fmt/format.h>

#include <optional>

#include "core/errors.h"
#include "core/macro_config.h"
#include "generator/emit_util.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

vast::Module* EmitAdderTree(vast::VerilogFile& file, const std::string& name, int rows,
                            int in_width) {
  if (rows < 2) throw Error(fmt::format("EmitAdderTree: rows {} < 2", rows));
  const int levels = Log2Exact(rows);
  vast::ModuleBuilder m(file, name);
  auto clk = m.AddInput("clk", 1);
  vast::Net source = m.AddInput("products", rows * in_width);
  auto sum = m.AddOutput("sum", in_width + levels);
  auto i = m.AddGenvar("i");
  for (int level = 1; level <= levels; ++level) {
    const int lanes = rows >> level;
    const int width = in_width + level;
    const int source_width = width - 1;
    auto target = m.AddReg(fmt::format("level{}_q", level), lanes * width);
    // target lane i = source lane 2i + source lane 2i+1, each sign-extended.
    auto& loop = m.For(i, lanes, fmt::format("g_level{}", level));
    vast::Expression* rhs = file.Op(
        vast::BinaryOp::kAdd,
        SignExtendedLaneByOne(file, source, {{i, 2 * source_width}}, 0, source_width),
        SignExtendedLaneByOne(file, source, {{i, 2 * source_width}}, source_width,
                              source_width));
    loop.ClockedAssign(clk, Lane(file, target, {{i, width}}, 0, width), rhs);
    source = target;
  }
  m.Assign(sum, source);
  return m.result();
}

}  // namespace flexcim::gen
