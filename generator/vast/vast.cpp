#include "generator/vast/vast.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace flexcim::gen::vast {
namespace {

std::string Pad(int indent) { return std::string(static_cast<size_t>(2 * indent), ' '); }

// Operand text, parenthesized when its precedence is below `minimum`.
std::string Operand(const Expression* e, Precedence minimum) {
  if (e->precedence() < minimum) return fmt::format("({})", e->Emit());
  return e->Emit();
}

int Rank(Precedence p) { return static_cast<int>(p); }

Precedence Above(Precedence p) { return static_cast<Precedence>(Rank(p) + 1); }

std::string RangeText(int width) { return width > 1 ? fmt::format("[{}:0] ", width - 1) : ""; }

void RequireIndexable(const Expression* base, const char* what) {
  if (!base->IsIndexable()) {
    throw Error(fmt::format("vast: {} of a non-indexable expression '{}'", what, base->Emit()));
  }
}

}  // namespace

// -------------------------------------------------------------- expressions

Literal::Literal(int width, uint64_t value, bool is_signed, Radix radix)
    : width_(width), value_(value), is_signed_(is_signed), radix_(radix) {
  if (width < 0 || width > 64) throw Error(fmt::format("vast: literal width {}", width));
  if (width > 0 && width < 64 && (value >> width) != 0) {
    throw Error(fmt::format("vast: literal {} does not fit in {} bits", value, width));
  }
}

std::string Literal::Emit() const {
  if (width_ == 0) return fmt::format("{}", value_);
  const char* sign = is_signed_ ? "s" : "";
  switch (radix_) {
    case Radix::kBinary:
      return fmt::format("{}'{}b{:0{}b}", width_, sign, value_, width_);
    case Radix::kHex:
      return fmt::format("{}'{}h{:x}", width_, sign, value_);
    case Radix::kDecimal:
      break;
  }
  return fmt::format("{}'{}d{}", width_, sign, value_);
}

Index::Index(Expression* base, Expression* index) : base_(base), index_(index) {
  RequireIndexable(base, "index");
}

std::string Index::Emit() const { return fmt::format("{}[{}]", base_->Emit(), index_->Emit()); }

Slice::Slice(Expression* base, Expression* hi, Expression* lo) : base_(base), hi_(hi), lo_(lo) {
  RequireIndexable(base, "slice");
}

std::string Slice::Emit() const {
  return fmt::format("{}[{}:{}]", base_->Emit(), hi_->Emit(), lo_->Emit());
}

PartSelect::PartSelect(Expression* base, Expression* start, Expression* width)
    : base_(base), start_(start), width_(width) {
  RequireIndexable(base, "part-select");
}

std::string PartSelect::Emit() const {
  return fmt::format("{}[{} +: {}]", base_->Emit(), start_->Emit(), width_->Emit());
}

Concat::Concat(std::vector<Expression*> parts) : parts_(std::move(parts)) {
  if (parts_.empty()) throw Error("vast: empty concatenation");
}

std::string Concat::Emit() const {
  std::string out = "{";
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (i > 0) out += ", ";
    out += parts_[i]->Emit();
  }
  return out + "}";
}

std::string Replicate::Emit() const {
  return fmt::format("{{{}{{{}}}}}", count_->Emit(), value_->Emit());
}

std::string Unary::Emit() const {
  const char* op = "";
  switch (op_) {
    case UnaryOp::kNegate: op = "-"; break;
    case UnaryOp::kBitwiseNot: op = "~"; break;
    case UnaryOp::kLogicalNot: op = "!"; break;
    case UnaryOp::kReduceAnd: op = "&"; break;
    case UnaryOp::kReduceOr: op = "|"; break;
    case UnaryOp::kReduceXor: op = "^"; break;
  }
  // Only primaries go unparenthesized: "- -a" would read as "--a".
  return fmt::format("{}{}", op, Operand(operand_, Precedence::kPrimary));
}

namespace {

struct BinaryOpInfo {
  const char* text;
  Precedence precedence;
};

BinaryOpInfo Info(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return {"+", Precedence::kAdditive};
    case BinaryOp::kSub: return {"-", Precedence::kAdditive};
    case BinaryOp::kMul: return {"*", Precedence::kMultiplicative};
    case BinaryOp::kShiftLeft: return {"<<", Precedence::kShift};
    case BinaryOp::kShiftRight: return {">>", Precedence::kShift};
    case BinaryOp::kShiftRightArith: return {">>>", Precedence::kShift};
    case BinaryOp::kLt: return {"<", Precedence::kRelational};
    case BinaryOp::kLe: return {"<=", Precedence::kRelational};
    case BinaryOp::kGt: return {">", Precedence::kRelational};
    case BinaryOp::kGe: return {">=", Precedence::kRelational};
    case BinaryOp::kEq: return {"==", Precedence::kEquality};
    case BinaryOp::kNe: return {"!=", Precedence::kEquality};
    case BinaryOp::kBitwiseAnd: return {"&", Precedence::kBitwiseAnd};
    case BinaryOp::kBitwiseXor: return {"^", Precedence::kBitwiseXor};
    case BinaryOp::kBitwiseOr: return {"|", Precedence::kBitwiseOr};
    case BinaryOp::kLogicalAnd: return {"&&", Precedence::kLogicalAnd};
    case BinaryOp::kLogicalOr: return {"||", Precedence::kLogicalOr};
  }
  throw Error("vast: unknown binary operator");
}

}  // namespace

Precedence Binary::precedence() const { return Info(op_).precedence; }

std::string Binary::Emit() const {
  const BinaryOpInfo info = Info(op_);
  return fmt::format("{} {} {}", Operand(lhs_, info.precedence), info.text,
                     Operand(rhs_, Above(info.precedence)));
}

std::string Ternary::Emit() const {
  return fmt::format("{} ? {} : {}", Operand(cond_, Above(Precedence::kTernary)),
                     Operand(on_true_, Above(Precedence::kTernary)),
                     Operand(on_false_, Precedence::kTernary));
}

std::string SystemCall::Emit() const {
  std::string out = name_ + "(";
  for (size_t i = 0; i < args_.size(); ++i) {
    if (i > 0) out += ", ";
    out += args_[i]->Emit();
  }
  return out + ")";
}

// --------------------------------------------------------------- statements

void NonblockingAssign::Emit(int indent, std::string& out) const {
  out += fmt::format("{}{} <= {};\n", Pad(indent), lhs_->Emit(), rhs_->Emit());
}

void BlockingAssign::Emit(int indent, std::string& out) const {
  out += fmt::format("{}{} = {};\n", Pad(indent), lhs_->Emit(), rhs_->Emit());
}

void StatementBlock::Emit(int indent, std::string& out) const {
  for (const Statement* s : statements_) s->Emit(indent, out);
}

const If* StatementBlock::sole_if() const {
  if (statements_.size() != 1) return nullptr;
  return dynamic_cast<const If*>(statements_.front());
}

void If::Emit(int indent, std::string& out) const {
  out += fmt::format("{}if ({}) begin\n", Pad(indent), cond_->Emit());
  then_->Emit(indent + 1, out);
  const If* current = this;
  while (current->else_ != nullptr && !current->else_->empty()) {
    const If* nested = current->else_->sole_if();
    if (nested != nullptr) {
      out += fmt::format("{}end else if ({}) begin\n", Pad(indent), nested->cond_->Emit());
      nested->then_->Emit(indent + 1, out);
      current = nested;
      continue;
    }
    out += fmt::format("{}end else begin\n", Pad(indent));
    current->else_->Emit(indent + 1, out);
    break;
  }
  out += fmt::format("{}end\n", Pad(indent));
}

// ------------------------------------------------------------- module items

NetDeclaration::NetDeclaration(NetKind kind, std::string name, int width, bool is_signed)
    : kind_(kind), name_(std::move(name)), width_(width), is_signed_(is_signed) {
  if (width < 1) throw Error(fmt::format("vast: net '{}' of width {}", name_, width));
}

void NetDeclaration::Emit(int indent, std::string& out) const {
  out += fmt::format("{}{} {}{}{};\n", Pad(indent), kind_ == NetKind::kWire ? "wire" : "reg",
                     is_signed_ ? "signed " : "", RangeText(width_), name_);
}

void LocalParam::Emit(int indent, std::string& out) const {
  out += fmt::format("{}localparam {} = {};\n", Pad(indent), name_, value_->Emit());
}

void GenvarDeclaration::Emit(int indent, std::string& out) const {
  out += fmt::format("{}genvar {};\n", Pad(indent), name_);
}

void ContinuousAssign::Emit(int indent, std::string& out) const {
  out += fmt::format("{}assign {} = {};\n", Pad(indent), lhs_->Emit(), rhs_->Emit());
}

void AlwaysFf::Emit(int indent, std::string& out) const {
  out += fmt::format("{}always @(posedge {}) begin\n", Pad(indent), clock_->Emit());
  body_->Emit(indent + 1, out);
  out += fmt::format("{}end\n", Pad(indent));
}

void AlwaysLatch::Emit(int indent, std::string& out) const {
  out += fmt::format("{}always_latch begin\n", Pad(indent));
  body_->Emit(indent + 1, out);
  out += fmt::format("{}end\n", Pad(indent));
}

namespace {

void EmitBindings(const std::vector<Instance::Binding>& bindings, int indent, std::string& out) {
  for (size_t i = 0; i < bindings.size(); ++i) {
    out += fmt::format("{}.{}({}){}\n", Pad(indent), bindings[i].first,
                       bindings[i].second->Emit(), i + 1 < bindings.size() ? "," : "");
  }
}

}  // namespace

void Instance::Emit(int indent, std::string& out) const {
  if (parameters_.empty()) {
    out += fmt::format("{}{} {} (\n", Pad(indent), module_name_, instance_name_);
  } else {
    out += fmt::format("{}{} #(\n", Pad(indent), module_name_);
    EmitBindings(parameters_, indent + 1, out);
    out += fmt::format("{}) {} (\n", Pad(indent), instance_name_);
  }
  EmitBindings(connections_, indent + 1, out);
  out += fmt::format("{});\n", Pad(indent));
}

void Comment::Emit(int indent, std::string& out) const {
  out += fmt::format("{}// {}\n", Pad(indent), text_);
}

void GenerateFor::Emit(int indent, std::string& out) const {
  out += fmt::format("{}for ({g} = 0; {g} < {}; {g} = {g} + 1) begin : {}\n", Pad(indent),
                     limit_->Emit(), label_, fmt::arg("g", genvar_));
  for (const ModuleItem* item : items_) item->Emit(indent + 1, out);
  out += fmt::format("{}end\n", Pad(indent));
}

// -------------------------------------------------------------------- module

void Module::AddPort(Direction direction, std::string name, int width, bool is_signed) {
  if (width < 1) throw Error(fmt::format("vast: port '{}' of width {}", name, width));
  ports_.push_back(Port{direction, std::move(name), width, is_signed});
}

std::string Module::Emit() const {
  std::string out;
  EmitHeader(out);
  EmitDeclarations(out);
  EmitAssigns(out);
  EmitAlwaysBlocks(out);
  EmitInstances(out);
  EmitGenerates(out);
  out += "endmodule\n";
  return out;
}

void Module::EmitHeader(std::string& out) const {
  if (ports_.empty()) {
    out += fmt::format("module {};\n", name_);
    return;
  }
  out += fmt::format("module {} (\n", name_);
  EmitPorts(out);
  out += ");\n";
}

void Module::EmitPorts(std::string& out) const {
  for (size_t i = 0; i < ports_.size(); ++i) {
    const Port& p = ports_[i];
    out += fmt::format("{}{} wire {}{}{}{}\n", Pad(1),
                       p.direction == Direction::kInput ? "input" : "output",
                       p.is_signed ? "signed " : "", RangeText(p.width), p.name,
                       i + 1 < ports_.size() ? "," : "");
  }
}

namespace {

template <typename Item>
void EmitSection(const std::vector<Item*>& items, std::string& out) {
  if (items.empty()) return;
  out += "\n";
  for (const Item* item : items) item->Emit(1, out);
}

}  // namespace

void Module::EmitDeclarations(std::string& out) const { EmitSection(declarations_, out); }
void Module::EmitAssigns(std::string& out) const { EmitSection(assigns_, out); }
void Module::EmitAlwaysBlocks(std::string& out) const { EmitSection(always_blocks_, out); }
void Module::EmitInstances(std::string& out) const { EmitSection(instances_, out); }

void Module::EmitGenerates(std::string& out) const {
  if (generates_.empty()) return;
  out += "\n  generate\n";
  for (const GenerateFor* g : generates_) g->Emit(2, out);
  out += "  endgenerate\n";
}

// ---------------------------------------------------------------------- file

Module* VerilogFile::AddModule(std::string name) {
  Module* m = Make<Module>(std::move(name));
  modules_.push_back(m);
  return m;
}

std::string VerilogFile::Emit() const {
  std::string out;
  for (const std::string& line : header_) out += line.empty() ? "//\n" : fmt::format("// {}\n", line);
  for (size_t i = 0; i < modules_.size(); ++i) {
    if (i > 0 || !header_.empty()) out += "\n";
    out += modules_[i]->Emit();
  }
  return out;
}

}  // namespace flexcim::gen::vast
