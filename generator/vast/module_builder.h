// ModuleBuilder: the one way the generator builds a vast::Module (the idea
// of XLS's codegen ModuleBuilder: declarations return typed handles, and a
// name is declared once). It declares ports, wires, regs, genvars,
// localparams, instances and generate loops, each returning a handle
// (net.h) that reads as an expression; drive calls take targets
// (net_target.h) so that an input is never driven, a reg never `assign`ed
// and a wire never assigned in an always or always_latch block. Every rule violation throws
// flexcim::Error naming the module and the offending name.
//
// Drivers: an output or wire driven as a whole (by an assign or an
// instance's output) has no other driver; part selects may drive disjoint
// parts (not checked for overlap).
//
// Names: a module and each of its generate blocks is a scope. Ports, nets,
// genvars, localparams, instances and generate-block labels share one name
// space; a name may be declared once in a scope, and a generate block may
// not reuse a name of an enclosing scope or the enclosing scope one of the
// block's (no shadowing). Sibling generate blocks may reuse names.
//
// Output is unchanged by the builder: items go to the module's sections
// (vast.h Module) in call order, and a generate block prints its items in
// call order.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "generator/vast/net.h"
#include "generator/vast/net_target.h"
#include "generator/vast/vast.h"

namespace flexcim::gen::vast {

class GenerateScope;
class ModuleBuilder;

// One port binding of an instance: an input of the instantiated module
// reads any expression; an output drives a continuous target.
struct Connection {
  static Connection In(std::string port, Expression* value) {
    return Connection{std::move(port), value, std::nullopt};
  }
  static Connection Out(std::string port, const ContinuousTarget& target) {
    return Connection{std::move(port), target.expr(), target};
  }
  std::string port;
  Expression* expr;
  std::optional<ContinuousTarget> driven;  // set for outputs
};

// Declarations and drives common to a module and its generate blocks.
class Scope {
 public:
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  virtual ~Scope() = default;

  WireNet AddWire(const std::string& name, int width, bool is_signed = false);
  RegNet AddReg(const std::string& name, int width, bool is_signed = false);

  // "// text" among the declarations (in a generate block: in call order).
  void AddComment(const std::string& text);

  // assign lhs = rhs;
  void Assign(const ContinuousTarget& lhs, Expression* rhs);
  // always @(posedge clock) begin <body> end; the body's statements come
  // from NonblockingAssign().
  void AlwaysFf(const Net& clock, StatementBlock* body);
  // Appends "lhs <= rhs;" to `block`.
  void NonblockingAssign(StatementBlock* block, const ProceduralTarget& lhs, Expression* rhs);
  // always_latch begin <body> end; the body's statements come from
  // BlockingAssign().
  void AlwaysLatch(StatementBlock* body);
  // Appends "lhs = rhs;" to `block` (latch bodies).
  void BlockingAssign(StatementBlock* block, const ProceduralTarget& lhs, Expression* rhs);
  // always @(posedge clock) begin lhs <= rhs; end
  void ClockedAssign(const Net& clock, const ProceduralTarget& lhs, Expression* rhs);

  // module_name [#(.P(v), ...)] instance_name (.port(expr), ...);
  void AddInstance(const std::string& module_name, const std::string& instance_name,
                   const std::vector<Connection>& connections,
                   const std::vector<Instance::Binding>& parameters = {});

  // for (genvar = 0; genvar < limit; genvar = genvar + 1) begin : label
  // The block is a scope of its own, valid as long as the module builder.
  GenerateScope& For(const Genvar& genvar, int limit, const std::string& label);

  // The net `name` declared in this scope or an enclosing one.
  Net Get(const std::string& name) const;

  ModuleBuilder& builder() { return *builder_; }
  VerilogFile& file();

 protected:
  Scope(ModuleBuilder* builder, Scope* parent) : builder_(builder), parent_(parent) {}

  // Claims `name` in this scope; throws if it is already taken here, in an
  // enclosing scope or in a block nested in this one.
  void Declare(const std::string& name);
  void RequireUndeclared(const std::string& name) const;
  template <typename Handle>
  Handle DeclareNet(NetRole role, const std::string& name, int width, bool is_signed);
  // Throws unless `net` is visible from this scope.
  void RequireVisible(const Net& net) const;
  // Throws unless `target` is a reg visible from this scope.
  void RequireProcedural(const ProceduralTarget& target) const;
  // Throws unless every target is an output or wire visible from here and
  // the drives leave each net with one driver (a net driven as a whole has
  // no other driver; several part drives are allowed); else records them.
  void DriveContinuously(const std::vector<const ContinuousTarget*>& targets);

  virtual void PlaceDeclaration(ModuleItem* item) = 0;
  virtual void PlaceAssign(ContinuousAssign* item) = 0;
  virtual void PlaceAlways(ModuleItem* item) = 0;
  virtual void PlaceInstance(Instance* item) = 0;
  virtual void PlaceGenerate(GenerateFor* item) = 0;

 private:
  ModuleBuilder* builder_;
  Scope* parent_;
  std::set<std::string> names_;         // declared in this scope
  std::set<std::string> nested_names_;  // declared in blocks nested in it
  std::map<std::string, Net> nets_;
};

// A generate-for block: its items print in call order.
class GenerateScope final : public Scope {
 public:
  GenerateScope(ModuleBuilder* builder, Scope* parent, GenerateFor* loop)
      : Scope(builder, parent), loop_(loop) {}

 private:
  void PlaceDeclaration(ModuleItem* item) override { loop_->Add(item); }
  void PlaceAssign(ContinuousAssign* item) override { loop_->Add(item); }
  void PlaceAlways(ModuleItem* item) override { loop_->Add(item); }
  void PlaceInstance(Instance* item) override { loop_->Add(item); }
  void PlaceGenerate(GenerateFor* item) override { loop_->Add(item); }

  GenerateFor* loop_;
};

// Builds one module of `file`; the module lives as long as the file.
class ModuleBuilder final : public Scope {
 public:
  ModuleBuilder(VerilogFile& file, std::string name);

  InputNet AddInput(const std::string& name, int width, bool is_signed = false);
  OutputNet AddOutput(const std::string& name, int width, bool is_signed = false);
  Genvar AddGenvar(const std::string& name);
  // localparam name = value; reads as its name.
  Identifier* AddLocalParam(const std::string& name, Expression* value);

  const std::string& name() const { return module_->name(); }
  Module* result() { return module_; }
  VerilogFile& verilog_file() { return file_; }

 private:
  friend class Scope;

  void PlaceDeclaration(ModuleItem* item) override { module_->AddDeclaration(item); }
  void PlaceAssign(ContinuousAssign* item) override { module_->AddAssign(item); }
  void PlaceAlways(ModuleItem* item) override { module_->AddAlways(item); }
  void PlaceInstance(Instance* item) override { module_->AddInstance(item); }
  void PlaceGenerate(GenerateFor* item) override { module_->AddGenerate(item); }

  // How a net (by declaring scope and name) is driven so far.
  struct Drives {
    bool whole = false;
    bool part = false;
  };

  VerilogFile& file_;
  Module* module_;
  std::vector<std::unique_ptr<GenerateScope>> blocks_;
  std::map<std::pair<const Scope*, std::string>, Drives> drives_;
};

}  // namespace flexcim::gen::vast
