// vast: a small Verilog-2005 syntax tree and its printer, in the style of
// XLS's xls/codegen/vast. A VerilogFile owns every node it creates (arena
// ownership: nodes live exactly as long as their file); nodes refer to each
// other by raw pointer. Every node prints itself with Emit(); expressions add
// parentheses only where operator precedence requires them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flexcim::gen::vast {

class If;
class VerilogFile;

// Base of every node; owned by a VerilogFile.
class Node {
 public:
  virtual ~Node() = default;
};

// ---------------------------------------------------------------- expressions

// Verilog-2005 operator precedence (IEEE 1364-2005 table 5-4), higher binds
// tighter. Primaries (identifiers, literals, selects, concatenations, calls)
// never need parentheses.
enum class Precedence : int {
  kTernary = 1,
  kLogicalOr,
  kLogicalAnd,
  kBitwiseOr,
  kBitwiseXor,
  kBitwiseAnd,
  kEquality,
  kRelational,
  kShift,
  kAdditive,
  kMultiplicative,
  kPower,
  kUnary,
  kPrimary,
};

class Expression : public Node {
 public:
  virtual std::string Emit() const = 0;
  virtual Precedence precedence() const { return Precedence::kPrimary; }
  // True for expressions that may be indexed or sliced in Verilog-2005
  // (identifiers and element selects of arrays).
  virtual bool IsIndexable() const { return false; }
};

class Identifier final : public Expression {
 public:
  explicit Identifier(std::string name) : name_(std::move(name)) {}
  std::string Emit() const override { return name_; }
  bool IsIndexable() const override { return true; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

enum class Radix { kDecimal, kBinary, kHex };

// A sized literal ("8'sd0", "4'd3", "2'b01") or, with width 0, a plain
// unsized decimal integer ("16") for constant index arithmetic.
class Literal final : public Expression {
 public:
  Literal(int width, uint64_t value, bool is_signed, Radix radix);
  std::string Emit() const override;

 private:
  int width_;
  uint64_t value_;
  bool is_signed_;
  Radix radix_;
};

// base[index]
class Index final : public Expression {
 public:
  Index(Expression* base, Expression* index);
  std::string Emit() const override;
  bool IsIndexable() const override { return true; }

 private:
  Expression* base_;
  Expression* index_;
};

// base[hi:lo]
class Slice final : public Expression {
 public:
  Slice(Expression* base, Expression* hi, Expression* lo);
  std::string Emit() const override;

 private:
  Expression* base_;
  Expression* hi_;
  Expression* lo_;
};

// base[start +: width]
class PartSelect final : public Expression {
 public:
  PartSelect(Expression* base, Expression* start, Expression* width);
  std::string Emit() const override;

 private:
  Expression* base_;
  Expression* start_;
  Expression* width_;
};

// {a, b, c}
class Concat final : public Expression {
 public:
  explicit Concat(std::vector<Expression*> parts);
  std::string Emit() const override;

 private:
  std::vector<Expression*> parts_;
};

// {count{value}}
class Replicate final : public Expression {
 public:
  Replicate(Expression* count, Expression* value) : count_(count), value_(value) {}
  std::string Emit() const override;

 private:
  Expression* count_;
  Expression* value_;
};

enum class UnaryOp { kNegate, kBitwiseNot, kLogicalNot, kReduceAnd, kReduceOr, kReduceXor };

class Unary final : public Expression {
 public:
  Unary(UnaryOp op, Expression* operand) : op_(op), operand_(operand) {}
  std::string Emit() const override;
  Precedence precedence() const override { return Precedence::kUnary; }

 private:
  UnaryOp op_;
  Expression* operand_;
};

enum class BinaryOp {
  kAdd, kSub, kMul,
  kShiftLeft, kShiftRight, kShiftRightArith,
  kLt, kLe, kGt, kGe,
  kEq, kNe,
  kBitwiseAnd, kBitwiseXor, kBitwiseOr,
  kLogicalAnd, kLogicalOr,
};

// Binary operators are left-associative: a right operand of equal
// precedence is parenthesized (a - (b - c)), a left one is not.
class Binary final : public Expression {
 public:
  Binary(BinaryOp op, Expression* lhs, Expression* rhs) : op_(op), lhs_(lhs), rhs_(rhs) {}
  std::string Emit() const override;
  Precedence precedence() const override;

 private:
  BinaryOp op_;
  Expression* lhs_;
  Expression* rhs_;
};

// cond ? on_true : on_false. A ternary in the false arm chains without
// parentheses (a mux chain); anywhere else it is parenthesized.
class Ternary final : public Expression {
 public:
  Ternary(Expression* cond, Expression* on_true, Expression* on_false)
      : cond_(cond), on_true_(on_true), on_false_(on_false) {}
  std::string Emit() const override;
  Precedence precedence() const override { return Precedence::kTernary; }

 private:
  Expression* cond_;
  Expression* on_true_;
  Expression* on_false_;
};

// $signed(x), $unsigned(x), ...
class SystemCall final : public Expression {
 public:
  SystemCall(std::string name, std::vector<Expression*> args)
      : name_(std::move(name)), args_(std::move(args)) {}
  std::string Emit() const override;

 private:
  std::string name_;
  std::vector<Expression*> args_;
};

// ----------------------------------------------------------------- statements

class Statement : public Node {
 public:
  virtual void Emit(int indent, std::string& out) const = 0;
};

// lhs <= rhs;
class NonblockingAssign final : public Statement {
 public:
  NonblockingAssign(Expression* lhs, Expression* rhs) : lhs_(lhs), rhs_(rhs) {}
  void Emit(int indent, std::string& out) const override;

 private:
  Expression* lhs_;
  Expression* rhs_;
};

// lhs = rhs; (inside always_latch: Verilator -Wall refuses "<=" there)
class BlockingAssign final : public Statement {
 public:
  BlockingAssign(Expression* lhs, Expression* rhs) : lhs_(lhs), rhs_(rhs) {}
  void Emit(int indent, std::string& out) const override;

 private:
  Expression* lhs_;
  Expression* rhs_;
};

// A sequence of statements; printed inside begin/end by its owner.
class StatementBlock final : public Node {
 public:
  template <typename T, typename... Args>
  T* Add(VerilogFile& file, Args&&... args);
  void Add(Statement* statement) { statements_.push_back(statement); }
  void Emit(int indent, std::string& out) const;
  bool empty() const { return statements_.empty(); }
  // The If that is this block's only statement, else null ("else if").
  const If* sole_if() const;

 private:
  std::vector<Statement*> statements_;
};

// if (cond) begin ... end else begin ... end. An else block holding only
// another If prints as "else if".
class If final : public Statement {
 public:
  If(Expression* cond, StatementBlock* then_block, StatementBlock* else_block)
      : cond_(cond), then_(then_block), else_(else_block) {}
  void Emit(int indent, std::string& out) const override;
  StatementBlock* then_block() { return then_; }
  StatementBlock* else_block() { return else_; }

 private:
  Expression* cond_;
  StatementBlock* then_;
  StatementBlock* else_;
};

// --------------------------------------------------------------- module items

class ModuleItem : public Node {
 public:
  virtual void Emit(int indent, std::string& out) const = 0;
};

enum class NetKind { kWire, kReg };

// wire [7:0] name;  reg signed [15:0] name;  (width 1: no range)
class NetDeclaration final : public ModuleItem {
 public:
  NetDeclaration(NetKind kind, std::string name, int width, bool is_signed);
  void Emit(int indent, std::string& out) const override;

 private:
  NetKind kind_;
  std::string name_;
  int width_;
  bool is_signed_;
};

// localparam NAME = value;
class LocalParam final : public ModuleItem {
 public:
  LocalParam(std::string name, Expression* value) : name_(std::move(name)), value_(value) {}
  void Emit(int indent, std::string& out) const override;

 private:
  std::string name_;
  Expression* value_;
};

// genvar name;
class GenvarDeclaration final : public ModuleItem {
 public:
  explicit GenvarDeclaration(std::string name) : name_(std::move(name)) {}
  void Emit(int indent, std::string& out) const override;

 private:
  std::string name_;
};

// assign lhs = rhs;
class ContinuousAssign final : public ModuleItem {
 public:
  ContinuousAssign(Expression* lhs, Expression* rhs) : lhs_(lhs), rhs_(rhs) {}
  void Emit(int indent, std::string& out) const override;

 private:
  Expression* lhs_;
  Expression* rhs_;
};

// always @(posedge clk) begin ... end, nonblocking assignments only.
class AlwaysFf final : public ModuleItem {
 public:
  AlwaysFf(Expression* clock, StatementBlock* body) : clock_(clock), body_(body) {}
  void Emit(int indent, std::string& out) const override;
  StatementBlock* body() { return body_; }

 private:
  Expression* clock_;
  StatementBlock* body_;
};

// always_latch begin ... end: a level-sensitive storage element, e.g.
// "if (gate) q = d;" (SystemVerilog's keyword: Verilator -Wall accepts an
// intended latch only in this form; Yosys reads it with read_verilog -sv).
// In a generate loop (GenerateFor::Add) or a module's always section.
class AlwaysLatch final : public ModuleItem {
 public:
  explicit AlwaysLatch(StatementBlock* body) : body_(body) {}
  void Emit(int indent, std::string& out) const override;
  StatementBlock* body() { return body_; }

 private:
  StatementBlock* body_;
};

// module_name #(.P(v)) instance_name (.port(expr), ...);
class Instance final : public ModuleItem {
 public:
  using Binding = std::pair<std::string, Expression*>;
  Instance(std::string module_name, std::string instance_name, std::vector<Binding> parameters,
           std::vector<Binding> connections)
      : module_name_(std::move(module_name)), instance_name_(std::move(instance_name)),
        parameters_(std::move(parameters)), connections_(std::move(connections)) {}
  void Emit(int indent, std::string& out) const override;

 private:
  std::string module_name_;
  std::string instance_name_;
  std::vector<Binding> parameters_;
  std::vector<Binding> connections_;
};

// // text
class Comment final : public ModuleItem {
 public:
  explicit Comment(std::string text) : text_(std::move(text)) {}
  void Emit(int indent, std::string& out) const override;

 private:
  std::string text_;
};

// for (g = 0; g < limit; g = g + 1) begin : label ... end
// The genvar must be declared in the enclosing module (Verilog-2005).
// Items print in the order they were added.
class GenerateFor final : public ModuleItem {
 public:
  GenerateFor(std::string genvar, Expression* limit, std::string label)
      : genvar_(std::move(genvar)), limit_(limit), label_(std::move(label)) {}
  void Emit(int indent, std::string& out) const override;
  void Add(ModuleItem* item) { items_.push_back(item); }

 private:
  std::string genvar_;
  Expression* limit_;
  std::string label_;
  std::vector<ModuleItem*> items_;
};

// ---------------------------------------------------------------------- module

enum class Direction { kInput, kOutput };

struct Port {
  Direction direction;
  std::string name;
  int width;  // 1: scalar
  bool is_signed;
};

class ModuleBuilder;

// A module prints in fixed sections: header with ANSI ports, declarations
// (localparams, genvars, nets), continuous assigns, always blocks, instances,
// generate loops. Only a ModuleBuilder (module_builder.h) fills it, so that
// every module has one name space and typed drives.
class Module final : public Node {
 public:
  explicit Module(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  const std::vector<Port>& ports() const { return ports_; }

  std::string Emit() const;

 private:
  friend class ModuleBuilder;
  void AddPort(Direction direction, std::string name, int width, bool is_signed = false);
  void AddDeclaration(ModuleItem* item) { declarations_.push_back(item); }
  void AddAssign(ContinuousAssign* item) { assigns_.push_back(item); }
  // always @(posedge ...) or always_latch blocks, in call order.
  void AddAlways(ModuleItem* item) { always_blocks_.push_back(item); }
  void AddInstance(Instance* item) { instances_.push_back(item); }
  void AddGenerate(GenerateFor* item) { generates_.push_back(item); }

  void EmitHeader(std::string& out) const;
  void EmitPorts(std::string& out) const;
  void EmitDeclarations(std::string& out) const;
  void EmitAssigns(std::string& out) const;
  void EmitAlwaysBlocks(std::string& out) const;
  void EmitInstances(std::string& out) const;
  void EmitGenerates(std::string& out) const;

  std::string name_;
  std::vector<Port> ports_;
  std::vector<ModuleItem*> declarations_;
  std::vector<ContinuousAssign*> assigns_;
  std::vector<ModuleItem*> always_blocks_;
  std::vector<Instance*> instances_;
  std::vector<GenerateFor*> generates_;
};

// ----------------------------------------------------------------------- file

// Owns every node created through Make<T>(). Prints a leading comment block
// and its modules; the text always ends with exactly one newline.
class VerilogFile {
 public:
  VerilogFile() = default;
  VerilogFile(const VerilogFile&) = delete;
  VerilogFile& operator=(const VerilogFile&) = delete;

  template <typename T, typename... Args>
  T* Make(Args&&... args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }

  Module* AddModule(std::string name);
  void AddHeaderComment(std::string line) { header_.push_back(std::move(line)); }
  const std::vector<Module*>& modules() const { return modules_; }

  std::string Emit() const;

  // Expression shorthands.
  Identifier* Id(std::string name) { return Make<Identifier>(std::move(name)); }
  Literal* Int(uint64_t value) { return Make<Literal>(0, value, false, Radix::kDecimal); }
  Literal* Sized(int width, uint64_t value) {
    return Make<Literal>(width, value, false, Radix::kDecimal);
  }
  Literal* SizedSigned(int width, uint64_t value) {
    return Make<Literal>(width, value, true, Radix::kDecimal);
  }
  Binary* Op(BinaryOp op, Expression* lhs, Expression* rhs) { return Make<Binary>(op, lhs, rhs); }
  PartSelect* Part(Expression* base, Expression* start, int width) {
    return Make<PartSelect>(base, start, Int(static_cast<uint64_t>(width)));
  }
  Index* Bit(Expression* base, Expression* index) { return Make<Index>(base, index); }
  Slice* Range(Expression* base, int hi, int lo) {
    return Make<Slice>(base, Int(static_cast<uint64_t>(hi)), Int(static_cast<uint64_t>(lo)));
  }
  Ternary* Mux(Expression* cond, Expression* on_true, Expression* on_false) {
    return Make<Ternary>(cond, on_true, on_false);
  }
  StatementBlock* Block() { return Make<StatementBlock>(); }

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::string> header_;
  std::vector<Module*> modules_;
};

template <typename T, typename... Args>
T* StatementBlock::Add(VerilogFile& file, Args&&... args) {
  T* statement = file.Make<T>(std::forward<Args>(args)...);
  statements_.push_back(statement);
  return statement;
}

}  // namespace flexcim::gen::vast
