#include "generator/element_select.h"

#include "generator/emit_util.h"

namespace flexcim::gen {

vast::Module* EmitElementSelect(vast::VerilogFile& file, const std::string& name, int rows,
                                int cols, int a_bits) {
  const int a = a_bits;
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "act", rows * 2 * a);
  m->AddPort(vast::Direction::kInput, "elems", rows * cols);
  m->AddPort(vast::Direction::kOutput, "cell_act", rows * cols * a);
  for (const char* g : {"r", "c"}) m->AddDeclaration(file.Make<vast::GenvarDeclaration>(g));
  auto* row_loop = file.Make<vast::GenerateFor>("r", file.Int(rows), "g_row");
  auto* col_loop = file.Make<vast::GenerateFor>("c", file.Int(cols), "g_col");
  row_loop->Add(col_loop);
  vast::Expression* element = file.Bit(file.Id("elems"), Linear(file, {{"r", cols}, {"c", 1}}));
  col_loop->Add(file.Make<vast::ContinuousAssign>(
      Lane(file, "cell_act", {{"r", cols * a}, {"c", a}}, 0, a),
      file.Mux(element, Lane(file, "act", {{"r", 2 * a}}, a, a),
               Lane(file, "act", {{"r", 2 * a}}, 0, a))));
  m->AddGenerate(row_loop);
  return m;
}

}  // namespace flexcim::gen
