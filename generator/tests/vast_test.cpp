// vast: every construct's exact text, and precedence-driven parentheses.
#include "generator/vast/vast.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/errors.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen::vast {
namespace {

class VastTest : public ::testing::Test {
 protected:
  Expression* Add(Expression* a, Expression* b) { return f.Op(BinaryOp::kAdd, a, b); }
  Expression* Sub(Expression* a, Expression* b) { return f.Op(BinaryOp::kSub, a, b); }
  Expression* Mul(Expression* a, Expression* b) { return f.Op(BinaryOp::kMul, a, b); }
  std::string EmitItem(const ModuleItem* item, int indent = 0) {
    std::string out;
    item->Emit(indent, out);
    return out;
  }
  VerilogFile f;
  Identifier* a = f.Id("a");
  Identifier* b = f.Id("b");
  Identifier* c = f.Id("c");
};

TEST_F(VastTest, Literals) {
  EXPECT_EQ(f.Sized(4, 3)->Emit(), "4'd3");
  EXPECT_EQ(f.SizedSigned(8, 0)->Emit(), "8'sd0");
  EXPECT_EQ(f.Int(16)->Emit(), "16");
  EXPECT_EQ(f.Make<Literal>(4, 5, false, Radix::kBinary)->Emit(), "4'b0101");
  EXPECT_EQ(f.Make<Literal>(1, 0, false, Radix::kBinary)->Emit(), "1'b0");
  EXPECT_EQ(f.Make<Literal>(12, 0xabc, false, Radix::kHex)->Emit(), "12'habc");
  EXPECT_EQ(f.Make<Literal>(8, 255, true, Radix::kHex)->Emit(), "8'shff");
  EXPECT_THROW(f.Sized(2, 4), Error);
}

TEST_F(VastTest, SelectsConcatReplicateCall) {
  EXPECT_EQ(f.Bit(a, f.Int(3))->Emit(), "a[3]");
  EXPECT_EQ(f.Range(a, 7, 0)->Emit(), "a[7:0]");
  EXPECT_EQ(f.Part(a, Mul(f.Id("i"), f.Int(8)), 8)->Emit(), "a[i * 8 +: 8]");
  EXPECT_EQ(f.Part(a, Add(Mul(f.Id("i"), f.Int(8)), f.Int(4)), 4)->Emit(), "a[i * 8 + 4 +: 4]");
  EXPECT_EQ(f.Make<Concat>(std::vector<Expression*>{a, f.Bit(b, f.Int(0)), f.Sized(2, 1)})->Emit(),
            "{a, b[0], 2'd1}");
  EXPECT_EQ(f.Make<Replicate>(f.Int(4), f.Bit(a, f.Int(7)))->Emit(), "{4{a[7]}}");
  EXPECT_EQ(f.Make<SystemCall>("$signed", std::vector<Expression*>{f.Range(a, 3, 0)})->Emit(),
            "$signed(a[3:0])");
  // Only identifiers (and element selects) may be indexed in Verilog-2005.
  EXPECT_THROW(f.Bit(Add(a, b), f.Int(0)), Error);
  EXPECT_THROW(f.Range(f.Make<Concat>(std::vector<Expression*>{a, b}), 1, 0), Error);
}

TEST_F(VastTest, UnaryOperators) {
  EXPECT_EQ(f.Make<Unary>(UnaryOp::kBitwiseNot, a)->Emit(), "~a");
  EXPECT_EQ(f.Make<Unary>(UnaryOp::kLogicalNot, f.Id("rst_n"))->Emit(), "!rst_n");
  EXPECT_EQ(f.Make<Unary>(UnaryOp::kReduceAnd,
                          f.Make<Concat>(std::vector<Expression*>{f.Sized(1, 0), a}))
                ->Emit(),
            "&{1'd0, a}");
  EXPECT_EQ(f.Make<Unary>(UnaryOp::kReduceXor, f.Bit(a, f.Int(1)))->Emit(), "^a[1]");
  EXPECT_EQ(f.Make<Unary>(UnaryOp::kBitwiseNot, f.Op(BinaryOp::kBitwiseAnd, a, b))->Emit(),
            "~(a & b)");
  // "- -a" would lex as a decrement in SystemVerilog tools: parenthesize.
  EXPECT_EQ(f.Make<Unary>(UnaryOp::kNegate, f.Make<Unary>(UnaryOp::kNegate, a))->Emit(), "-(-a)");
  EXPECT_EQ(f.Make<Unary>(UnaryOp::kReduceOr, a)->Emit(), "|a");
}

TEST_F(VastTest, PrecedenceNoRedundantParens) {
  EXPECT_EQ(Add(Mul(a, b), c)->Emit(), "a * b + c");
  EXPECT_EQ(Add(a, Mul(b, c))->Emit(), "a + b * c");
  EXPECT_EQ(Sub(Sub(a, b), c)->Emit(), "a - b - c");
  EXPECT_EQ(f.Op(BinaryOp::kBitwiseAnd, f.Id("wr_go"), f.Op(BinaryOp::kEq, a, f.Sized(2, 1)))
                ->Emit(),
            "wr_go & a == 2'd1");
  EXPECT_EQ(f.Op(BinaryOp::kLogicalAnd, f.Id("wr_en"), f.Op(BinaryOp::kEq, a, f.Id("r")))->Emit(),
            "wr_en && a == r");
  EXPECT_EQ(f.Op(BinaryOp::kLogicalOr, f.Op(BinaryOp::kLogicalAnd, a, b), c)->Emit(),
            "a && b || c");
  EXPECT_EQ(f.Op(BinaryOp::kGe, f.Range(a, 3, 0), f.Sized(4, 1))->Emit(), "a[3:0] >= 4'd1");
  EXPECT_EQ(f.Op(BinaryOp::kShiftLeft, Add(a, b), f.Int(2))->Emit(), "a + b << 2");
}

TEST_F(VastTest, PrecedenceRequiredParens) {
  EXPECT_EQ(Mul(Add(a, b), c)->Emit(), "(a + b) * c");
  EXPECT_EQ(Mul(a, Add(b, c))->Emit(), "a * (b + c)");
  // Left-associative: an equal-precedence right operand keeps its parens.
  EXPECT_EQ(Sub(a, Sub(b, c))->Emit(), "a - (b - c)");
  EXPECT_EQ(Sub(a, Add(b, c))->Emit(), "a - (b + c)");
  EXPECT_EQ(f.Op(BinaryOp::kBitwiseAnd, f.Op(BinaryOp::kBitwiseOr, a, b), c)->Emit(),
            "(a | b) & c");
  EXPECT_EQ(f.Op(BinaryOp::kEq, f.Op(BinaryOp::kBitwiseAnd, a, b), c)->Emit(), "(a & b) == c");
  EXPECT_EQ(f.Op(BinaryOp::kShiftLeft, a, Add(b, c))->Emit(), "a << b + c");
  EXPECT_EQ(f.Op(BinaryOp::kShiftRightArith, a, f.Op(BinaryOp::kShiftRight, b, c))->Emit(),
            "a >>> (b >> c)");
  EXPECT_EQ(Add(f.Mux(a, b, c), a)->Emit(), "(a ? b : c) + a");
}

TEST_F(VastTest, Ternary) {
  EXPECT_EQ(f.Mux(a, b, c)->Emit(), "a ? b : c");
  EXPECT_EQ(f.Mux(f.Op(BinaryOp::kEq, a, f.Sized(2, 0)), Add(b, c), c)->Emit(),
            "a == 2'd0 ? b + c : c");
  // A mux chain in the false arm needs no parens; elsewhere a ternary does.
  EXPECT_EQ(f.Mux(a, b, f.Mux(c, a, b))->Emit(), "a ? b : c ? a : b");
  EXPECT_EQ(f.Mux(a, f.Mux(c, a, b), b)->Emit(), "a ? (c ? a : b) : b");
  EXPECT_EQ(f.Mux(f.Mux(a, b, c), a, b)->Emit(), "(a ? b : c) ? a : b");
}

TEST_F(VastTest, Declarations) {
  EXPECT_EQ(EmitItem(f.Make<NetDeclaration>(NetKind::kWire, "x", 1, false)), "wire x;\n");
  EXPECT_EQ(EmitItem(f.Make<NetDeclaration>(NetKind::kWire, "x", 8, false), 1),
            "  wire [7:0] x;\n");
  EXPECT_EQ(EmitItem(f.Make<NetDeclaration>(NetKind::kReg, "acc_q", 16, true)),
            "reg signed [15:0] acc_q;\n");
  EXPECT_EQ(EmitItem(f.Make<LocalParam>("WIDTH", f.Int(22))), "localparam WIDTH = 22;\n");
  EXPECT_EQ(EmitItem(f.Make<GenvarDeclaration>("r")), "genvar r;\n");
  EXPECT_EQ(EmitItem(f.Make<ContinuousAssign>(f.Id("y"), Add(a, b))), "assign y = a + b;\n");
  EXPECT_EQ(EmitItem(f.Make<Comment>("note")), "// note\n");
  EXPECT_THROW(f.Make<NetDeclaration>(NetKind::kWire, "z", 0, false), Error);
}

TEST_F(VastTest, AlwaysFfWithIfElseChain) {
  StatementBlock* reset = f.Block();
  reset->Add<NonblockingAssign>(f, f.Id("q"), f.Sized(4, 0));
  StatementBlock* load = f.Block();
  load->Add<NonblockingAssign>(f, f.Id("q"), f.Id("d"));
  StatementBlock* hold = f.Block();
  hold->Add<NonblockingAssign>(f, f.Id("q"), Add(f.Id("q"), f.Sized(4, 1)));
  StatementBlock* chain = f.Block();
  chain->Add<If>(f, f.Id("load"), load, hold);
  StatementBlock* body = f.Block();
  body->Add<If>(f, f.Make<Unary>(UnaryOp::kLogicalNot, f.Id("rst_n")), reset, chain);
  EXPECT_EQ(EmitItem(f.Make<AlwaysFf>(f.Id("clk"), body), 1),
            "  always @(posedge clk) begin\n"
            "    if (!rst_n) begin\n"
            "      q <= 4'd0;\n"
            "    end else if (load) begin\n"
            "      q <= d;\n"
            "    end else begin\n"
            "      q <= q + 4'd1;\n"
            "    end\n"
            "  end\n");
}

TEST_F(VastTest, IfWithoutElse) {
  StatementBlock* then_block = f.Block();
  then_block->Add<NonblockingAssign>(f, f.Id("w_q"), f.Id("wr_w"));
  then_block->Add<NonblockingAssign>(f, f.Id("e_q"), f.Id("wr_e"));
  StatementBlock* body = f.Block();
  body->Add<If>(f, f.Id("wr_en"), then_block, nullptr);
  EXPECT_EQ(EmitItem(f.Make<AlwaysFf>(f.Id("clk"), body)),
            "always @(posedge clk) begin\n"
            "  if (wr_en) begin\n"
            "    w_q <= wr_w;\n"
            "    e_q <= wr_e;\n"
            "  end\n"
            "end\n");
}

TEST_F(VastTest, AlwaysLatchHoldsWhileTheGateIsLow) {
  StatementBlock* load = f.Block();
  load->Add<BlockingAssign>(f, f.Id("w_q"), f.Id("wr_w_q"));
  StatementBlock* body = f.Block();
  body->Add<If>(f, f.Id("gate"), load, nullptr);
  EXPECT_EQ(EmitItem(f.Make<AlwaysLatch>(body), 2),
            "    always_latch begin\n"
            "      if (gate) begin\n"
            "        w_q = wr_w_q;\n"
            "      end\n"
            "    end\n");
}

TEST_F(VastTest, InstanceWithAndWithoutParameters) {
  using B = Instance::Binding;
  EXPECT_EQ(EmitItem(f.Make<Instance>("mul", "u_mul", std::vector<B>{},
                                      std::vector<B>{{"a", f.Range(a, 7, 0)}, {"p", f.Id("p")}})),
            "mul u_mul (\n"
            "  .a(a[7:0]),\n"
            "  .p(p)\n"
            ");\n");
  EXPECT_EQ(EmitItem(f.Make<Instance>("fifo", "u_fifo", std::vector<B>{{"DEPTH", f.Int(4)}},
                                      std::vector<B>{{"clk", f.Id("clk")}})),
            "fifo #(\n"
            "  .DEPTH(4)\n"
            ") u_fifo (\n"
            "  .clk(clk)\n"
            ");\n");
}

TEST_F(VastTest, NestedGenerateFor) {
  auto* outer = f.Make<GenerateFor>("r", f.Int(2), "g_row");
  auto* inner = f.Make<GenerateFor>("c", f.Int(4), "g_col");
  outer->Add(f.Make<NetDeclaration>(NetKind::kWire, "pair", 16, false));
  outer->Add(inner);
  inner->Add(f.Make<ContinuousAssign>(
      f.Part(f.Id("y"), Add(Mul(f.Id("r"), f.Int(32)), Mul(f.Id("c"), f.Int(8))), 8),
      f.Range(f.Id("pair"), 7, 0)));
  EXPECT_EQ(EmitItem(outer),
            "for (r = 0; r < 2; r = r + 1) begin : g_row\n"
            "  wire [15:0] pair;\n"
            "  for (c = 0; c < 4; c = c + 1) begin : g_col\n"
            "    assign y[r * 32 + c * 8 +: 8] = pair[7:0];\n"
            "  end\n"
            "end\n");
}

TEST_F(VastTest, ModuleSectionsAndFileHeader) {
  VerilogFile file;
  file.AddHeaderComment("Generated. Do not edit.");
  ModuleBuilder m(file, "adder");
  auto clk = m.AddInput("clk", 1);
  auto x = m.AddInput("x", 8, true);
  auto y = m.AddOutput("y", 9);
  auto i = m.AddGenvar("i");
  auto y_q = m.AddReg("y_q", 9);
  m.Assign(y, y_q);
  m.ClockedAssign(clk, y_q, file.Make<Concat>(std::vector<Expression*>{x.Bit(7), x}));
  m.For(i, 1, "g_unit").AddComment("empty");
  EXPECT_EQ(file.Emit(),
            "// Generated. Do not edit.\n"
            "\n"
            "module adder (\n"
            "  input wire clk,\n"
            "  input wire signed [7:0] x,\n"
            "  output wire [8:0] y\n"
            ");\n"
            "\n"
            "  genvar i;\n"
            "  reg [8:0] y_q;\n"
            "\n"
            "  assign y = y_q;\n"
            "\n"
            "  always @(posedge clk) begin\n"
            "    y_q <= {x[7], x};\n"
            "  end\n"
            "\n"
            "  generate\n"
            "    for (i = 0; i < 1; i = i + 1) begin : g_unit\n"
            "      // empty\n"
            "    end\n"
            "  endgenerate\n"
            "endmodule\n");
}

TEST_F(VastTest, InstancesSectionAndPortlessModule) {
  VerilogFile file;
  ModuleBuilder m(file, "tb");
  m.AddInstance("dut", "u_dut", {Connection::In("clk", file.Id("clk"))});
  EXPECT_EQ(file.Emit(),
            "module tb;\n"
            "\n"
            "  dut u_dut (\n"
            "    .clk(clk)\n"
            "  );\n"
            "endmodule\n");
}

}  // namespace
}  // namespace flexcim::gen::vast
