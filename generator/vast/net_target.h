// What the builder's drive calls accept (module_builder.h). A continuous
// target is an output or a wire (or a select of one); a procedural target
// is a reg (or a select of one). Handing a direct handle of the wrong kind
// does not compile (the deleted constructors); a select, or a handle looked
// up by name, carries its role and the builder rejects the wrong one when
// it is driven, with an error naming the module and the net.
#pragma once

#include "generator/vast/net.h"

namespace flexcim::gen::vast {

// Left-hand side of `assign`, or the net bound to an instance's output.
class ContinuousTarget {
 public:
  ContinuousTarget(const Net& net) : net_(net), expr_(net.id()) {}            // NOLINT
  ContinuousTarget(const NetSelect& s) : net_(s.net()), expr_(s.expr()) {}  // NOLINT
  ContinuousTarget(const InputNet&) = delete;  // inputs are driven from outside
  ContinuousTarget(const RegNet&) = delete;    // regs take nonblocking assignments

  const Net& net() const { return net_; }
  Expression* expr() const { return expr_; }

 private:
  Net net_;
  Expression* expr_;
};

// Left-hand side of a nonblocking assignment in an always block.
class ProceduralTarget {
 public:
  ProceduralTarget(const Net& net) : net_(net), expr_(net.id()) {}            // NOLINT
  ProceduralTarget(const NetSelect& s) : net_(s.net()), expr_(s.expr()) {}  // NOLINT
  ProceduralTarget(const InputNet&) = delete;
  ProceduralTarget(const OutputNet&) = delete;  // output ports are wires here
  ProceduralTarget(const WireNet&) = delete;

  const Net& net() const { return net_; }
  Expression* expr() const { return expr_; }

 private:
  Net net_;
  Expression* expr_;
};

}  // namespace flexcim::gen::vast
