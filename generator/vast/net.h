// Typed handles to the nets a ModuleBuilder declares (module_builder.h).
// Every handle reads as an expression (it converts to the net's
// Identifier); the handle type says how the net may be driven:
//   InputNet   never (it is driven from outside the module);
//   OutputNet, WireNet  by a continuous assign or an instance's output;
//   RegNet     by nonblocking assignments in an always block.
// net_target.h turns these rules into the argument types of the builder's
// drive calls: a direct handle of the wrong kind does not compile, a select
// or a handle looked up by name is checked when it is driven.
#pragma once

#include <string>
#include <string_view>

#include "generator/vast/vast.h"

namespace flexcim::gen::vast {

class Scope;

enum class NetRole { kInput, kOutput, kWire, kReg };

// "input", "output", "wire", "reg".
std::string_view RoleName(NetRole role);

class NetSelect;

// A net of one module (or generate block) with its role, width and sign.
class Net {
 public:
  NetRole role() const { return role_; }
  const std::string& name() const { return id_->name(); }
  int width() const { return width_; }
  bool is_signed() const { return is_signed_; }
  // The scope that declared the net.
  const Scope* scope() const { return scope_; }
  Identifier* id() const { return id_; }
  operator Expression*() const { return id_; }  // NOLINT: a net reads as its name

  // net[index], net[hi:lo], net[start +: width]: selects keep the net's role.
  NetSelect Bit(Expression* index) const;
  NetSelect Bit(int index) const;
  NetSelect Slice(int hi, int lo) const;
  NetSelect Part(Expression* start, int width) const;

 protected:
  Net(VerilogFile* file, const Scope* scope, NetRole role, Identifier* id, int width,
      bool is_signed)
      : file_(file), scope_(scope), role_(role), id_(id), width_(width), is_signed_(is_signed) {}

 private:
  friend class Scope;
  VerilogFile* file_;
  const Scope* scope_;
  NetRole role_;
  Identifier* id_;
  int width_;
  bool is_signed_;
};

// The four kinds, distinct types so that drive calls can reject the wrong
// one at compile time.
class InputNet final : public Net {
  friend class Scope;
  using Net::Net;
};
class OutputNet final : public Net {
  friend class Scope;
  using Net::Net;
};
class WireNet final : public Net {
  friend class Scope;
  using Net::Net;
};
class RegNet final : public Net {
  friend class Scope;
  using Net::Net;
};

// A bit, range or part select of a net; drives like its net.
class NetSelect {
 public:
  NetSelect(const Net& net, Expression* select) : net_(net), select_(select) {}
  const Net& net() const { return net_; }
  Expression* expr() const { return select_; }
  operator Expression*() const { return select_; }  // NOLINT: reads as the select

 private:
  Net net_;
  Expression* select_;
};

// A genvar of a module; generate loops iterate over it.
class Genvar {
 public:
  explicit Genvar(Identifier* id) : id_(id) {}
  const std::string& name() const { return id_->name(); }
  operator Expression*() const { return id_; }  // NOLINT: reads as its name

 private:
  Identifier* id_;
};

}  // namespace flexcim::gen::vast
