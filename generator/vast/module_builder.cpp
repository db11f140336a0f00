#include "generator/vast/module_builder.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace flexcim::gen::vast {

VerilogFile& Scope::file() { return builder_->verilog_file(); }

void Scope::RequireUndeclared(const std::string& name) const {
  bool taken = names_.contains(name) || nested_names_.contains(name);
  for (const Scope* s = parent_; s != nullptr && !taken; s = s->parent_) {
    taken = s->names_.contains(name);
  }
  if (taken) {
    throw Error(fmt::format("vast: module '{}' declares '{}' twice", builder_->name(), name));
  }
}

void Scope::Declare(const std::string& name) {
  RequireUndeclared(name);
  names_.insert(name);
  for (Scope* s = parent_; s != nullptr; s = s->parent_) s->nested_names_.insert(name);
}

template <typename Handle>
Handle Scope::DeclareNet(NetRole role, const std::string& name, int width, bool is_signed) {
  Declare(name);
  Handle net(&file(), this, role, file().Id(name), width, is_signed);
  nets_.emplace(name, net);
  return net;
}

WireNet Scope::AddWire(const std::string& name, int width, bool is_signed) {
  WireNet net = DeclareNet<WireNet>(NetRole::kWire, name, width, is_signed);
  PlaceDeclaration(file().Make<NetDeclaration>(NetKind::kWire, name, width, is_signed));
  return net;
}

RegNet Scope::AddReg(const std::string& name, int width, bool is_signed) {
  RegNet net = DeclareNet<RegNet>(NetRole::kReg, name, width, is_signed);
  PlaceDeclaration(file().Make<NetDeclaration>(NetKind::kReg, name, width, is_signed));
  return net;
}

void Scope::AddComment(const std::string& text) { PlaceDeclaration(file().Make<Comment>(text)); }

void Scope::RequireVisible(const Net& net) const {
  for (const Scope* s = this; s != nullptr; s = s->parent_) {
    if (net.scope() == s) return;
  }
  throw Error(fmt::format("vast: module '{}' drives '{}', which is not declared in its scope",
                          builder_->name(), net.name()));
}

void Scope::DriveContinuously(const std::vector<const ContinuousTarget*>& targets) {
  std::map<std::pair<const Scope*, std::string>, ModuleBuilder::Drives> after;
  for (const ContinuousTarget* target : targets) {
    const Net& net = target->net();
    RequireVisible(net);
    if (net.role() == NetRole::kInput) {
      throw Error(
          fmt::format("vast: module '{}' drives its input '{}'", builder_->name(), net.name()));
    }
    if (net.role() == NetRole::kReg) {
      throw Error(fmt::format(
          "vast: module '{}' drives reg '{}' continuously (regs take nonblocking assignments)",
          builder_->name(), net.name()));
    }
    const auto key = std::make_pair(net.scope(), net.name());
    auto known = after.find(key);
    if (known == after.end()) known = after.emplace(key, builder_->drives_[key]).first;
    ModuleBuilder::Drives& drives = known->second;
    const bool whole = target->expr() == net.id();
    if (drives.whole || (whole && drives.part)) {
      throw Error(fmt::format("vast: module '{}' drives {} '{}' twice", builder_->name(),
                              RoleName(net.role()), net.name()));
    }
    (whole ? drives.whole : drives.part) = true;
  }
  for (const auto& [key, drives] : after) builder_->drives_[key] = drives;
}

void Scope::Assign(const ContinuousTarget& lhs, Expression* rhs) {
  DriveContinuously({&lhs});
  PlaceAssign(file().Make<ContinuousAssign>(lhs.expr(), rhs));
}

void Scope::AlwaysFf(const Net& clock, StatementBlock* body) {
  PlaceAlways(file().Make<vast::AlwaysFf>(clock.id(), body));
}

void Scope::RequireProcedural(const ProceduralTarget& target) const {
  const Net& net = target.net();
  RequireVisible(net);
  if (net.role() != NetRole::kReg) {
    throw Error(fmt::format("vast: module '{}' assigns {} '{}' in an always block (only regs)",
                            builder_->name(), RoleName(net.role()), net.name()));
  }
}

void Scope::NonblockingAssign(StatementBlock* block, const ProceduralTarget& lhs,
                              Expression* rhs) {
  RequireProcedural(lhs);
  block->Add<vast::NonblockingAssign>(file(), lhs.expr(), rhs);
}

void Scope::AlwaysLatch(StatementBlock* body) {
  PlaceAlways(file().Make<vast::AlwaysLatch>(body));
}

void Scope::BlockingAssign(StatementBlock* block, const ProceduralTarget& lhs, Expression* rhs) {
  RequireProcedural(lhs);
  block->Add<vast::BlockingAssign>(file(), lhs.expr(), rhs);
}

void Scope::ClockedAssign(const Net& clock, const ProceduralTarget& lhs, Expression* rhs) {
  StatementBlock* body = file().Block();
  NonblockingAssign(body, lhs, rhs);
  AlwaysFf(clock, body);
}

void Scope::AddInstance(const std::string& module_name, const std::string& instance_name,
                        const std::vector<Connection>& connections,
                        const std::vector<Instance::Binding>& parameters) {
  std::vector<Instance::Binding> bindings;
  std::vector<const ContinuousTarget*> outputs;
  for (const Connection& c : connections) {
    if (c.driven) outputs.push_back(&*c.driven);
    bindings.emplace_back(c.port, c.expr);
  }
  RequireUndeclared(instance_name);
  DriveContinuously(outputs);
  Declare(instance_name);
  PlaceInstance(file().Make<Instance>(module_name, instance_name, parameters, bindings));
}

GenerateScope& Scope::For(const Genvar& genvar, int limit, const std::string& label) {
  Declare(label);
  auto* loop = file().Make<GenerateFor>(genvar.name(), file().Int(static_cast<uint64_t>(limit)),
                                        label);
  PlaceGenerate(loop);
  builder_->blocks_.push_back(std::make_unique<GenerateScope>(builder_, this, loop));
  return *builder_->blocks_.back();
}

Net Scope::Get(const std::string& name) const {
  for (const Scope* s = this; s != nullptr; s = s->parent_) {
    auto it = s->nets_.find(name);
    if (it != s->nets_.end()) return it->second;
  }
  throw Error(fmt::format("vast: module '{}' has no net '{}'", builder_->name(), name));
}

ModuleBuilder::ModuleBuilder(VerilogFile& file, std::string name)
    : Scope(this, nullptr), file_(file), module_(file.AddModule(std::move(name))) {}

InputNet ModuleBuilder::AddInput(const std::string& name, int width, bool is_signed) {
  InputNet net = DeclareNet<InputNet>(NetRole::kInput, name, width, is_signed);
  module_->AddPort(Direction::kInput, name, width, is_signed);
  return net;
}

OutputNet ModuleBuilder::AddOutput(const std::string& name, int width, bool is_signed) {
  OutputNet net = DeclareNet<OutputNet>(NetRole::kOutput, name, width, is_signed);
  module_->AddPort(Direction::kOutput, name, width, is_signed);
  return net;
}

Genvar ModuleBuilder::AddGenvar(const std::string& name) {
  Declare(name);
  PlaceDeclaration(file_.Make<GenvarDeclaration>(name));
  return Genvar(file_.Id(name));
}

Identifier* ModuleBuilder::AddLocalParam(const std::string& name, Expression* value) {
  Declare(name);
  PlaceDeclaration(file_.Make<LocalParam>(name, value));
  return file_.Id(name);
}

}  // namespace flexcim::gen::vast
