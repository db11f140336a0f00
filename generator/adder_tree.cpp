#include "generator/adder_tree.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "core/macro_config.h"
#include "generator/emit_util.h"

namespace flexcim::gen {

vast::Module* EmitAdderTree(vast::VerilogFile& file, const std::string& name, int rows,
                            int in_width) {
  if (rows < 2) throw Error(fmt::format("EmitAdderTree: rows {} < 2", rows));
  const int levels = Log2Exact(rows);
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "products", rows * in_width);
  m->AddPort(vast::Direction::kOutput, "sum", in_width + levels);
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("i"));
  for (int level = 1; level <= levels; ++level) {
    const int lanes = rows >> level;
    const int width = in_width + level;
    const int source_width = width - 1;
    const std::string source = level == 1 ? "products" : fmt::format("level{}_q", level - 1);
    const std::string target = fmt::format("level{}_q", level);
    DeclareReg(file, m, target, lanes * width);
    // target lane i = source lane 2i + source lane 2i+1, each sign-extended.
    auto* loop = file.Make<vast::GenerateFor>("i", file.Int(static_cast<uint64_t>(lanes)),
                                              fmt::format("g_level{}", level));
    vast::Expression* lhs = Lane(file, target, {{"i", width}}, 0, width);
    vast::Expression* rhs = file.Op(
        vast::BinaryOp::kAdd,
        SignExtendedLaneByOne(file, source, {{"i", 2 * source_width}}, 0, source_width),
        SignExtendedLaneByOne(file, source, {{"i", 2 * source_width}}, source_width,
                              source_width));
    loop->Add(ClockedAssign(file, lhs, rhs));
    m->AddGenerate(loop);
  }
  m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("sum"),
                                                 file.Id(fmt::format("level{}_q", levels))));
  return m;
}

}  // namespace flexcim::gen
