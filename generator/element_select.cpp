#include "generator/element_select.h"

#include "generator/emit_util.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

vast::Module* EmitElementSelect(vast::VerilogFile& file, const std::string& name, int rows,
                                int cols, int a_bits) {
  const int a = a_bits;
  vast::ModuleBuilder m(file, name);
  auto act = m.AddInput("act", rows * 2 * a);
  auto elems = m.AddInput("elems", rows * cols);
  auto cell_act = m.AddOutput("cell_act", rows * cols * a);
  auto r = m.AddGenvar("r");
  auto c = m.AddGenvar("c");
  auto& col_loop = m.For(r, rows, "g_row").For(c, cols, "g_col");
  vast::Expression* element = elems.Bit(Linear(file, {{r, cols}, {c, 1}}));
  col_loop.Assign(Lane(file, cell_act, {{r, cols * a}, {c, a}}, 0, a),
                  file.Mux(element, Lane(file, act, {{r, 2 * a}}, a, a),
                           Lane(file, act, {{r, 2 * a}}, 0, a)));
  return m.result();
}

}  // namespace flexcim::gen
