// vast::ModuleBuilder: the exact text it builds, one name space per module
// (exact error per duplicate), and the drive rules (an input is never
// driven, a reg never `assign`ed, a wire never assigned in an always block),
// at compile time for direct handles and at run time otherwise.
#include "generator/vast/module_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>

#include "golden/tests/test_util.h"  // ErrorOf

namespace flexcim::gen::vast {
namespace {

using golden::testing::ErrorOf;

// Direct handles of the wrong kind do not compile as drive targets.
static_assert(!std::is_convertible_v<InputNet, ContinuousTarget>);
static_assert(!std::is_convertible_v<RegNet, ContinuousTarget>);
static_assert(std::is_convertible_v<OutputNet, ContinuousTarget>);
static_assert(std::is_convertible_v<WireNet, ContinuousTarget>);
static_assert(!std::is_convertible_v<InputNet, ProceduralTarget>);
static_assert(!std::is_convertible_v<OutputNet, ProceduralTarget>);
static_assert(!std::is_convertible_v<WireNet, ProceduralTarget>);
static_assert(std::is_convertible_v<RegNet, ProceduralTarget>);
// Handles read as expressions.
static_assert(std::is_convertible_v<InputNet, Expression*>);
static_assert(std::is_convertible_v<RegNet, Expression*>);

TEST(ModuleBuilder, BuildsEveryItemInSectionOrder) {
  VerilogFile f;
  ModuleBuilder m(f, "blk");
  auto clk = m.AddInput("clk", 1);
  auto a = m.AddInput("a", 8, /*is_signed=*/true);
  auto y = m.AddOutput("y", 8);
  auto depth = m.AddLocalParam("DEPTH", f.Int(4));
  auto i = m.AddGenvar("i");
  auto w = m.AddWire("w", 8);
  m.AddComment("q: w one cycle later");
  auto q = m.AddReg("q", 8);
  m.Assign(w, f.Op(BinaryOp::kAdd, a, depth));
  m.ClockedAssign(clk, q, w);
  m.AddInstance("leaf", "u_leaf", {Connection::In("d", q), Connection::Out("o", y)},
                {{"WIDTH", f.Int(8)}});
  auto& loop = m.For(i, 2, "g_bit");
  auto t = loop.AddWire("t", 1);
  loop.Assign(t, q.Bit(i));
  EXPECT_EQ(t.width(), 1);
  EXPECT_EQ(a.width(), 8);
  EXPECT_TRUE(a.is_signed());
  EXPECT_EQ(m.Get("q").role(), NetRole::kReg);
  EXPECT_EQ(loop.Get("q").name(), "q");  // a block sees the module's nets
  EXPECT_EQ(m.result()->Emit(),
            "module blk (\n"
            "  input wire clk,\n"
            "  input wire signed [7:0] a,\n"
            "  output wire [7:0] y\n"
            ");\n"
            "\n"
            "  localparam DEPTH = 4;\n"
            "  genvar i;\n"
            "  wire [7:0] w;\n"
            "  // q: w one cycle later\n"
            "  reg [7:0] q;\n"
            "\n"
            "  assign w = a + DEPTH;\n"
            "\n"
            "  always @(posedge clk) begin\n"
            "    q <= w;\n"
            "  end\n"
            "\n"
            "  leaf #(\n"
            "    .WIDTH(8)\n"
            "  ) u_leaf (\n"
            "    .d(q),\n"
            "    .o(y)\n"
            "  );\n"
            "\n"
            "  generate\n"
            "    for (i = 0; i < 2; i = i + 1) begin : g_bit\n"
            "      wire t;\n"
            "      assign t = q[i];\n"
            "    end\n"
            "  endgenerate\n"
            "endmodule\n");
}

TEST(ModuleBuilder, DuplicatePortThrowsNamingModuleAndName) {
  VerilogFile f;
  ModuleBuilder m(f, "blk");
  m.AddInput("a", 1);
  EXPECT_EQ(ErrorOf([&] { m.AddOutput("a", 1); }), "vast: module 'blk' declares 'a' twice");
  EXPECT_EQ(ErrorOf([&] { m.AddInput("a", 4); }), "vast: module 'blk' declares 'a' twice");
}

TEST(ModuleBuilder, DuplicateWireVsPortThrows) {
  VerilogFile f;
  ModuleBuilder m(f, "blk");
  m.AddOutput("y", 1);
  m.AddReg("q", 1);
  EXPECT_EQ(ErrorOf([&] { m.AddWire("y", 1); }), "vast: module 'blk' declares 'y' twice");
  EXPECT_EQ(ErrorOf([&] { m.AddWire("q", 1); }), "vast: module 'blk' declares 'q' twice");
  EXPECT_EQ(ErrorOf([&] { m.AddGenvar("q"); }), "vast: module 'blk' declares 'q' twice");
  EXPECT_EQ(ErrorOf([&] { m.AddLocalParam("y", f.Int(1)); }),
            "vast: module 'blk' declares 'y' twice");
}

TEST(ModuleBuilder, DuplicateInstanceThrows) {
  VerilogFile f;
  ModuleBuilder m(f, "top");
  auto w = m.AddWire("w", 1);
  m.AddInstance("leaf", "u_leaf", {Connection::Out("o", w)});
  EXPECT_EQ(ErrorOf([&] { m.AddInstance("other", "u_leaf", {}); }),
            "vast: module 'top' declares 'u_leaf' twice");
  // Instances share the name space of nets and generate labels.
  EXPECT_EQ(ErrorOf([&] { m.AddInstance("leaf", "w", {}); }),
            "vast: module 'top' declares 'w' twice");
  auto i = m.AddGenvar("i");
  m.For(i, 2, "g_loop");
  EXPECT_EQ(ErrorOf([&] { m.For(i, 2, "g_loop"); }),
            "vast: module 'top' declares 'g_loop' twice");
}

TEST(ModuleBuilder, GenerateBlocksDoNotShadowButSiblingsMayReuse) {
  VerilogFile f;
  ModuleBuilder m(f, "top");
  auto clk = m.AddInput("clk", 1);
  auto g = m.AddGenvar("g");
  auto& first = m.For(g, 2, "g_first");
  first.AddWire("local", 1);
  first.AddInstance("leaf", "u_leaf", {Connection::In("clk", clk)});
  auto& second = m.For(g, 2, "g_second");
  second.AddWire("local", 1);  // a sibling block: no clash
  second.AddInstance("leaf", "u_leaf", {Connection::In("clk", clk)});
  EXPECT_EQ(ErrorOf([&] { second.AddWire("clk", 1); }),
            "vast: module 'top' declares 'clk' twice");
  EXPECT_EQ(ErrorOf([&] { m.AddWire("local", 1); }),
            "vast: module 'top' declares 'local' twice");
  EXPECT_EQ(ErrorOf([&] { first.For(g, 2, "g_inner").AddReg("local", 1); }),
            "vast: module 'top' declares 'local' twice");
}

TEST(ModuleBuilder, DrivingAnInputThrows) {
  VerilogFile f;
  ModuleBuilder m(f, "blk");
  auto a = m.AddInput("a", 4);
  const std::string expected = "vast: module 'blk' drives its input 'a'";
  // Looked up by name, as a select, and as an instance's output.
  EXPECT_EQ(ErrorOf([&] { m.Assign(m.Get("a"), f.Sized(4, 0)); }), expected);
  EXPECT_EQ(ErrorOf([&] { m.Assign(a.Bit(0), f.Sized(1, 0)); }), expected);
  EXPECT_EQ(
      ErrorOf([&] { m.AddInstance("leaf", "u_leaf", {Connection::Out("o", a.Slice(1, 0))}); }),
      expected);
  auto clk = m.AddInput("clk", 1);
  EXPECT_EQ(ErrorOf([&] { m.ClockedAssign(clk, m.Get("a"), f.Sized(4, 0)); }),
            "vast: module 'blk' assigns input 'a' in an always block (only regs)");
  // Nothing half-built: the failed drives added no item and claimed no name.
  EXPECT_EQ(ErrorOf([&] { m.AddInstance("leaf", "u_leaf", {Connection::In("i", a)}); }),
            "no error");
  EXPECT_EQ(m.result()->Emit(),
            "module blk (\n  input wire [3:0] a,\n  input wire clk\n);\n\n"
            "  leaf u_leaf (\n    .i(a)\n  );\nendmodule\n");
}

TEST(ModuleBuilder, RegIsNeverAssignedContinuouslyWireNeverInAlways) {
  VerilogFile f;
  ModuleBuilder m(f, "blk");
  auto clk = m.AddInput("clk", 1);
  auto q = m.AddReg("q", 4);
  auto w = m.AddWire("w", 4);
  m.AddOutput("y", 4);
  EXPECT_EQ(ErrorOf([&] { m.Assign(q.Bit(1), f.Sized(1, 0)); }),
            "vast: module 'blk' drives reg 'q' continuously (regs take nonblocking assignments)");
  EXPECT_EQ(ErrorOf([&] { m.AddInstance("leaf", "u_leaf", {Connection::Out("o", m.Get("q"))}); }),
            "vast: module 'blk' drives reg 'q' continuously (regs take nonblocking assignments)");
  EXPECT_EQ(ErrorOf([&] { m.ClockedAssign(clk, w.Slice(1, 0), f.Sized(2, 0)); }),
            "vast: module 'blk' assigns wire 'w' in an always block (only regs)");
  StatementBlock* body = f.Block();
  EXPECT_EQ(ErrorOf([&] { m.NonblockingAssign(body, m.Get("y"), f.Sized(4, 0)); }),
            "vast: module 'blk' assigns output 'y' in an always block (only regs)");
  EXPECT_TRUE(body->empty());
}

TEST(ModuleBuilder, LatchBodiesTakeBlockingAssignmentsToRegsOnly) {
  VerilogFile f;
  ModuleBuilder m(f, "lat");
  auto gate = m.AddInput("gate", 1);
  auto d = m.AddInput("d", 2);
  auto q = m.AddReg("q", 2);
  auto w = m.AddWire("w", 2);
  StatementBlock* write = f.Block();
  m.BlockingAssign(write, q, d);
  EXPECT_EQ(ErrorOf([&] { m.BlockingAssign(write, m.Get("w"), d); }),
            "vast: module 'lat' assigns wire 'w' in an always block (only regs)");
  StatementBlock* body = f.Block();
  body->Add<If>(f, gate, write, nullptr);
  m.AlwaysLatch(body);
  m.Assign(w, q);
  EXPECT_EQ(m.result()->Emit(),
            "module lat (\n"
            "  input wire gate,\n"
            "  input wire [1:0] d\n"
            ");\n"
            "\n"
            "  reg [1:0] q;\n"
            "  wire [1:0] w;\n"
            "\n"
            "  assign w = q;\n"
            "\n"
            "  always_latch begin\n"
            "    if (gate) begin\n"
            "      q = d;\n"
            "    end\n"
            "  end\n"
            "endmodule\n");
}

TEST(ModuleBuilder, ANetDrivenAsAWholeHasNoOtherDriver) {
  VerilogFile f;
  ModuleBuilder m(f, "blk");
  auto y = m.AddOutput("y", 2);
  auto w = m.AddWire("w", 2);
  auto v = m.AddWire("v", 1);
  m.Assign(w, f.Sized(2, 0));
  EXPECT_EQ(ErrorOf([&] { m.Assign(w.Bit(0), f.Sized(1, 0)); }),
            "vast: module 'blk' drives wire 'w' twice");
  EXPECT_EQ(ErrorOf([&] { m.AddInstance("leaf", "u_w", {Connection::Out("o", m.Get("w"))}); }),
            "vast: module 'blk' drives wire 'w' twice");
  m.Assign(y.Bit(0), f.Sized(1, 0));  // parts may have one driver each
  m.Assign(y.Bit(1), f.Sized(1, 1));
  EXPECT_EQ(ErrorOf([&] { m.Assign(y, f.Sized(2, 0)); }),
            "vast: module 'blk' drives output 'y' twice");
  // Two outputs of one instance on one net: refused as a whole, nothing kept.
  EXPECT_EQ(ErrorOf([&] {
              m.AddInstance("leaf", "u_v", {Connection::Out("a", v), Connection::Out("b", v)});
            }),
            "vast: module 'blk' drives wire 'v' twice");
  EXPECT_EQ(ErrorOf([&] { m.AddInstance("leaf", "u_v", {Connection::Out("a", v)}); }),
            "no error");
}

TEST(ModuleBuilder, DrivesOnlyNetsInScope) {
  VerilogFile f;
  ModuleBuilder other(f, "other");
  auto foreign = other.AddWire("x", 1);
  ModuleBuilder m(f, "blk");
  EXPECT_EQ(ErrorOf([&] { m.Assign(foreign, f.Sized(1, 0)); }),
            "vast: module 'blk' drives 'x', which is not declared in its scope");
  auto g = m.AddGenvar("g");
  auto inner = m.For(g, 2, "g_loop").AddWire("inner", 1);
  EXPECT_EQ(ErrorOf([&] { m.Assign(inner, f.Sized(1, 0)); }),
            "vast: module 'blk' drives 'inner', which is not declared in its scope");
  EXPECT_EQ(ErrorOf([&] { m.Get("inner"); }), "vast: module 'blk' has no net 'inner'");
  EXPECT_EQ(ErrorOf([&] { m.Get("nope"); }), "vast: module 'blk' has no net 'nope'");
}

}  // namespace
}  // namespace flexcim::gen::vast
