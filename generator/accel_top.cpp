#include "generator/accel_top.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "generator/vast/module_builder.h"

namespace flexcim::gen {

using vast::BinaryOp;
using vast::Connection;
using vast::Expression;

namespace {

int BitsFor(int64_t count) {
  int bits = 1;
  while ((int64_t{1} << bits) < count) ++bits;
  return bits;
}

// Phases of a macro's tile (docs/ACCEL.md "Sequencer").
enum Phase : uint64_t { kFree = 0, kLoading = 1, kWaiting = 2, kComputing = 3, kDraining = 4 };
constexpr int kPhaseBits = 3;
constexpr int kMathBits = 32;  // width of address arithmetic

// Expression helpers over one file.
struct Ops {
  vast::VerilogFile& f;
  Expression* K(int width, uint64_t v) { return f.Sized(width, v); }
  Expression* Op(BinaryOp op, Expression* a, Expression* b) { return f.Op(op, a, b); }
  Expression* And(Expression* a, Expression* b) { return Op(BinaryOp::kLogicalAnd, a, b); }
  Expression* Or(Expression* a, Expression* b) { return Op(BinaryOp::kLogicalOr, a, b); }
  Expression* Not(Expression* a) { return f.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, a); }
  Expression* Eq(Expression* a, Expression* b) { return Op(BinaryOp::kEq, a, b); }
  Expression* Add(Expression* a, Expression* b) { return Op(BinaryOp::kAdd, a, b); }
  Expression* Sub(Expression* a, Expression* b) { return Op(BinaryOp::kSub, a, b); }
  // Zero-extends `e` of `from` bits to `to` bits.
  Expression* Ext(Expression* e, int from, int to) {
    if (from == to) return e;
    return f.Make<vast::Concat>(std::vector<Expression*>{K(to - from, 0), e});
  }
  Expression* Mux(Expression* c, Expression* a, Expression* b) { return f.Mux(c, a, b); }
  Expression* If(vast::StatementBlock* block, Expression* cond, vast::StatementBlock* then_block,
                 vast::StatementBlock* else_block) {
    block->Add(f.Make<vast::If>(cond, then_block, else_block));
    return nullptr;
  }
};

// net[hi:lo], or the net itself when that is all of it (a 1-bit net has no range).
Expression* Sel(const vast::Net& net, int hi, int lo) {
  if (lo == 0 && hi == net.width() - 1) return net;
  return hi == lo ? static_cast<Expression*>(net.Bit(lo)) : static_cast<Expression*>(net.Slice(hi, lo));
}

}  // namespace

std::string AccelSramName(int width, int depth, int ports) {
  return ports == 1 ? fmt::format("accel_sram_w{}_d{}", width, depth)
                    : fmt::format("accel_sram_w{}_d{}_p{}", width, depth, ports);
}

vast::Module* EmitAccelSram(vast::VerilogFile& file, int width, int depth, int ports) {
  const int ab = BitsFor(depth);
  vast::ModuleBuilder m(file, AccelSramName(width, depth, ports));
  auto clk = m.AddInput("clk", 1);
  auto we = m.AddInput("we", ports);
  auto waddr = m.AddInput("waddr", ports * ab);
  auto wdata = m.AddInput("wdata", ports * width);
  auto raddr = m.AddInput("raddr", ports * ab);
  auto rdata = m.AddOutput("rdata", ports * width);
  m.AddComment(fmt::format("{} words of {} bits; word i at mem[i*{} +: {}]. {} write and {} read port{} (port k "
                           "on bits k of we, k*{} of the addresses, k*{} of the data); the read data is "
                           "registered (valid the cycle after raddr).",
                           depth, width, width, width, ports == 1 ? "One" : std::to_string(ports),
                           ports == 1 ? "one" : std::to_string(ports), ports == 1 ? "" : "s", ab, width));
  auto mem = m.AddReg("mem", width * depth);
  auto rdata_r = m.AddReg("rdata_r", ports * width);
  m.Assign(rdata, rdata_r);
  Ops o{file};
  auto* body = file.Block();
  for (int k = 0; k < ports; ++k) {
    Expression* wa = Sel(waddr, (k + 1) * ab - 1, k * ab);
    Expression* ra = Sel(raddr, (k + 1) * ab - 1, k * ab);
    auto* write = file.Block();
    m.NonblockingAssign(write, mem.Part(o.Op(BinaryOp::kMul, wa, file.Int(width)), width),
                        Sel(wdata, (k + 1) * width - 1, k * width));
    body->Add(file.Make<vast::If>(Sel(we, k, k), write, file.Block()));
    Expression* read = file.Part(mem, o.Op(BinaryOp::kMul, ra, file.Int(width)), width);
    if (ports == 1) {
      m.NonblockingAssign(body, rdata_r, read);
    } else {
      m.NonblockingAssign(body, rdata_r.Slice((k + 1) * width - 1, k * width), read);
    }
  }
  m.AlwaysFf(clk, body);
  return m.result();
}

vast::Module* EmitAccelBitCopy(vast::VerilogFile& file) {
  vast::ModuleBuilder m(file, kAccelBitCopyName);
  auto clk = m.AddInput("clk", 1);
  auto d = m.AddInput("d", 1);
  auto q = m.AddOutput("q", 1);
  m.AddComment("A registered copy of a control bit: one instance per load group, so that synthesis keeps the "
               "copies (it would merge identical flip-flops of one module) and no control net drives more than "
               "one lane's 32 muxes.");
  auto r = m.AddReg("q_r", 1);
  m.ClockedAssign(clk, r, d);
  m.Assign(q, r);
  return m.result();
}

std::string AccelAccumulateName(int lanes, int lane_width) {
  return fmt::format("accel_accumulate_l{}_o{}", lanes, lane_width);
}

vast::Module* EmitAccelAccumulate(vast::VerilogFile& file, int lanes, int lane_width) {
  const int OW = lane_width;
  vast::ModuleBuilder m(file, AccelAccumulateName(lanes, OW));
  auto first = m.AddInput("first", lanes);  // one copy per lane (a 32-bit mux select each)
  auto lane_in = m.AddInput("lanes", lanes * OW);
  auto old = m.AddInput("old", lanes * 32);
  auto sum = m.AddOutput("sum", lanes * 32);
  m.AddComment("One output row: lane l of a macro's output, sign-extended to 32 bits, replaces word l (first) "
               "or is added to it with 32-bit wraparound.");
  Ops o{file};
  for (int l = 0; l < lanes; ++l) {
    Expression* lane;
    if (OW >= 32) {
      lane = lane_in.Slice(l * OW + 31, l * OW);
    } else {
      lane = file.Make<vast::Concat>(std::vector<Expression*>{
          file.Make<vast::Replicate>(file.Int(static_cast<uint64_t>(32 - OW)), lane_in.Bit(l * OW + OW - 1)),
          lane_in.Slice(l * OW + OW - 1, l * OW)});
    }
    m.Assign(sum.Slice(l * 32 + 31, l * 32),
             o.Mux(Sel(first, l, l), lane, o.Add(old.Slice(l * 32 + 31, l * 32), lane)));
  }
  if (OW > 32) {
    auto unused = m.AddWire("lanes_high_unused", 1);
    std::vector<Expression*> parts{o.K(1, 0)};
    for (int l = 0; l < lanes; ++l) parts.push_back(lane_in.Slice(l * OW + OW - 1, l * OW + 32));
    m.Assign(unused, file.Make<vast::Unary>(vast::UnaryOp::kReduceAnd, file.Make<vast::Concat>(parts)));
  }
  return m.result();
}

vast::Module* EmitAccelTop(vast::VerilogFile& file, const AccelConfig& c, const std::string& macro_top) {
  Ops o{file};
  const int Q = c.macros();
  const int QB = BitsFor(Q);
  const int PR = c.tile_rows();
  const int RIB = c.row_index_bits();
  const int WAB = c.wbuf_addr_bits(), AAB = c.abuf_addr_bits(), ORB = c.orow_bits();
  const int DAB = c.desc_addr_bits(), TCB = c.tile_count_bits(), TKB = c.token_count_bits();
  const int DB = c.desc_bits();
  const int PC = c.out_lanes(), OW = c.out_width();
  const int II = c.initiation_interval(), L = c.latency();
  // The ii counter also holds the Lw - 1 cycles after a tile's last row
  // (FLEXCIM.md 5b: no vector while the write is in flight).
  const int settle = c.write_latency() - 1;
  const int IIB = BitsFor(std::max(II, settle + 1)), LB = BitsFor(L);
  const int MB = kMathBits;
  const AccelParams& p = c.params();

  vast::ModuleBuilder m(file, c.TopName());
  auto clk = m.AddInput("clk", 1);
  auto rst_n = m.AddInput("rst_n", 1);
  auto wbuf_we = m.AddInput("wbuf_we", 1);
  auto wbuf_addr = m.AddInput("wbuf_addr", WAB);
  auto wbuf_wdata = m.AddInput("wbuf_wdata", c.row_bits());
  auto abuf_we = m.AddInput("abuf_we", 1);
  auto abuf_addr = m.AddInput("abuf_addr", AAB);
  auto abuf_wdata = m.AddInput("abuf_wdata", c.act_bits());
  auto desc_we = m.AddInput("desc_we", 1);
  auto desc_addr = m.AddInput("desc_addr", DAB);
  auto desc_wdata = m.AddInput("desc_wdata", DB);
  auto cfg_tiles = m.AddInput("cfg_tiles", TCB);
  auto cfg_tokens = m.AddInput("cfg_tokens", TKB);
  auto cfg_overlap = m.AddInput("cfg_overlap", 1);
  auto start = m.AddInput("start", 1);
  auto obuf_addr = m.AddInput("obuf_addr", c.obuf_addr_bits());
  auto busy_o = m.AddOutput("busy", 1);
  auto done_o = m.AddOutput("done", 1);
  auto error_o = m.AddOutput("error", 1);
  auto obuf_rdata = m.AddOutput("obuf_rdata", 32);

  // ---------------------------------------------------------------- state
  m.AddComment("Sequencer state (docs/ACCEL.md \"Sequencer\"): it runs one cycle ahead of the macro pins "
               "(the buffers' registered reads deliver the data one cycle after the address).");
  auto busy = m.AddReg("busy_r", 1), done = m.AddReg("done_r", 1), error = m.AddReg("error_r", 1);
  auto tiles_r = m.AddReg("tiles_r", TCB), tokens_r = m.AddReg("tokens_r", TKB);
  auto overlap_r = m.AddReg("overlap_r", 1);
  auto next_tile = m.AddReg("next_tile", TCB), next_macro = m.AddReg("next_macro", QB);
  auto port_active = m.AddReg("port_active", 1), port_macro = m.AddReg("port_macro", QB);
  auto port_row = m.AddReg("port_row", RIB), port_wbase = m.AddReg("port_wbase", WAB);
  auto round_loaded = m.AddReg("round_loaded", 1);
  auto wr_idx_p = m.AddReg("wr_idx_p", RIB);
  struct Macro {
    vast::RegNet phase, abase, orow;
    std::optional<vast::RegNet> nlog2;  // flexcim only (in_nlog2)
    vast::RegNet first, vec, ii, drain, outcnt, wr_en_p, in_valid_p;
  };
  std::vector<Macro> mac;
  for (int q = 0; q < Q; ++q) {
    mac.push_back({m.AddReg(fmt::format("phase{}", q), kPhaseBits), m.AddReg(fmt::format("abase{}", q), AAB),
                   m.AddReg(fmt::format("orow{}", q), ORB),
                   c.has_pair_select() ? std::optional(m.AddReg(fmt::format("nlog2_{}", q), 4)) : std::nullopt,
                   m.AddReg(fmt::format("first{}", q), 1), m.AddReg(fmt::format("vec{}", q), TKB),
                   m.AddReg(fmt::format("ii{}", q), IIB), m.AddReg(fmt::format("drain{}", q), LB),
                   m.AddReg(fmt::format("outcnt{}", q), TKB), m.AddReg(fmt::format("wr_en_p{}", q), 1),
                   m.AddReg(fmt::format("in_valid_p{}", q), 1)});
  }
  const int LANE_BITS = BitsFor(PC) - (PC == 1 ? 1 : 0);  // log2(P*C): P and C are powers of two
  m.Assign(busy_o, busy);
  m.Assign(done_o, done);
  m.Assign(error_o, error);

  // ------------------------------------------------------- combinational
  // Descriptor buffer (an SRAM model, registered read): the read address runs one step ahead of
  // next_tile (0 at start, next_tile + 1 at a take), so desc_cur is always descriptor next_tile.
  auto desc_cur = m.AddWire("desc_cur", DB);
  auto desc_raddr = m.AddWire("desc_raddr", DAB);
  auto d_wbase = m.AddWire("d_wbase", WAB), d_abase = m.AddWire("d_abase", AAB);
  auto d_orow = m.AddWire("d_orow", ORB), d_nlog2 = m.AddWire("d_nlog2", 4), d_first = m.AddWire("d_first", 1);
  m.Assign(d_wbase, desc_cur.Slice(c.desc_wbase_lsb() + WAB - 1, c.desc_wbase_lsb()));
  m.Assign(d_abase, desc_cur.Slice(c.desc_abase_lsb() + AAB - 1, c.desc_abase_lsb()));
  m.Assign(d_orow, desc_cur.Slice(c.desc_orow_lsb() + ORB - 1, c.desc_orow_lsb()));
  m.Assign(d_nlog2, desc_cur.Slice(c.desc_nlog2_lsb() + 3, c.desc_nlog2_lsb()));
  m.Assign(d_first, desc_cur.Bit(c.desc_first_lsb()));

  auto free = m.AddWire("macro_free", Q);
  for (int q = 0; q < Q; ++q) m.Assign(Q == 1 ? vast::ContinuousTarget(free) : vast::ContinuousTarget(free.Bit(q)), o.Eq(mac[q].phase, o.K(kPhaseBits, kFree)));
  auto all_free = m.AddWire("all_free", 1);
  m.Assign(all_free, file.Make<vast::Unary>(vast::UnaryOp::kReduceAnd, free));
  auto next_free = m.AddWire("next_free", 1);
  {
    Expression* e = o.K(1, 0);
    for (int q = 0; q < Q; ++q) {
      e = o.Or(e, o.And(o.Eq(next_macro, o.K(QB, static_cast<uint64_t>(q))), Sel(free, q, q)));
    }
    m.Assign(next_free, e);
  }
  auto tiles_left = m.AddWire("tiles_left", 1);
  m.Assign(tiles_left, o.Op(BinaryOp::kNe, next_tile, tiles_r));
  auto round_start = m.AddWire("round_start", 1);
  m.Assign(round_start, o.Eq(next_macro, o.K(QB, 0)));
  auto may_start = m.AddWire("may_start", 1);
  m.Assign(may_start, o.Mux(overlap_r, next_free, o.Or(o.Not(round_start), all_free)));
  m.AddComment("A descriptor out of range: its tile would read or write outside a buffer, or run a pattern "
               "the macro cannot.");
  auto bad = m.AddWire("desc_bad", 1);
  {
    Expression* tokens = o.Ext(tokens_r, TKB, MB);
    Expression* w_over = o.Op(BinaryOp::kGt, o.Add(o.Ext(d_wbase, WAB, MB), o.K(MB, PR)), o.K(MB, p.wbuf_rows));
    Expression* a_over = o.Op(BinaryOp::kGt, o.Add(o.Ext(d_abase, AAB, MB), tokens), o.K(MB, p.abuf_words));
    Expression* o_over = o.Op(BinaryOp::kGt, o.Add(o.Ext(d_orow, ORB, MB), tokens), o.K(MB, p.obuf_rows));
    Expression* n_over = o.Op(BinaryOp::kGt, d_nlog2, o.K(4, static_cast<uint64_t>(c.max_nlog2())));
    m.Assign(bad, o.Or(o.Or(w_over, a_over), o.Or(o_over, n_over)));
  }
  auto want = m.AddWire("want", 1), take = m.AddWire("take", 1), fault = m.AddWire("fault", 1);
  m.Assign(want, o.And(o.And(busy, o.Not(port_active)), tiles_left));
  m.Assign(take, o.And(o.And(want, may_start), o.Not(bad)));
  m.Assign(fault, o.And(want, bad));
  {
    Expression* index = Sel(next_tile, DAB - 1, 0);
    m.Assign(desc_raddr, o.Mux(o.And(start, o.Not(busy)), o.K(DAB, 0),
                               o.Mux(take, o.Add(index, o.K(DAB, 1)), index)));
    m.AddInstance(AccelSramName(DB, p.descriptors), "u_desc",
                  {Connection::In("clk", clk), Connection::In("we", desc_we), Connection::In("waddr", desc_addr),
                   Connection::In("wdata", desc_wdata), Connection::In("raddr", desc_raddr),
                   Connection::Out("rdata", desc_cur)});
  }
  auto finish = m.AddWire("finish", 1);
  m.Assign(finish, o.And(o.And(busy, o.Not(tiles_left)), all_free));
  auto port_last = m.AddWire("port_last", 1);
  m.Assign(port_last, o.And(port_active, o.Eq(port_row, o.K(RIB, static_cast<uint64_t>(PR - 1)))));
  auto round_end = m.AddWire("round_end", 1);
  m.Assign(round_end, o.Or(o.Not(tiles_left), round_start));
  auto cfg_ok = m.AddWire("cfg_ok", 1);
  // value <= most, or 1'b1 when every value of the net is (a constant comparison fails lint).
  auto at_most = [&](const vast::Net& net, int most) -> Expression* {
    if (static_cast<int64_t>(most) >= (int64_t{1} << net.width()) - 1) return o.K(1, 1);
    return o.Op(BinaryOp::kLe, net, o.K(net.width(), static_cast<uint64_t>(most)));
  };
  m.Assign(cfg_ok, o.And(at_most(cfg_tiles, p.descriptors),
                         o.And(o.Op(BinaryOp::kNe, cfg_tokens, o.K(TKB, 0)), at_most(cfg_tokens, p.max_tokens))));

  // Weight buffer: read address of the row the port issues this cycle.
  auto wbuf_raddr = m.AddWire("wbuf_raddr", WAB);
  // wbase + P*R <= wbuf_rows (checked at the take), so the sum fits WAB bits.
  auto port_addr = m.AddWire("port_addr", WAB);
  m.Assign(port_addr, o.Add(port_wbase, o.Ext(port_row, RIB, WAB)));
  m.Assign(wbuf_raddr, o.Mux(take, d_wbase, port_addr));
  auto wrow = m.AddWire("wrow", c.row_bits());
  m.AddInstance(AccelSramName(c.row_bits(), p.wbuf_rows), "u_wbuf",
                {Connection::In("clk", clk), Connection::In("we", wbuf_we), Connection::In("waddr", wbuf_addr),
                 Connection::In("wdata", wbuf_wdata), Connection::In("raddr", wbuf_raddr),
                 Connection::Out("rdata", wrow)});

  // --------------------------------------------------------- control block
  {
    auto* body = file.Block();
    auto* reset = file.Block();
    for (const vast::RegNet* r : {&busy, &done, &error, &port_active, &round_loaded}) {
      m.NonblockingAssign(reset, *r, o.K(1, 0));
    }
    auto* run = file.Block();
    auto* begin = file.Block();
    m.NonblockingAssign(begin, busy, cfg_ok);
    m.NonblockingAssign(begin, done, o.Not(cfg_ok));
    m.NonblockingAssign(begin, error, o.Not(cfg_ok));
    m.NonblockingAssign(begin, tiles_r, cfg_tiles);
    m.NonblockingAssign(begin, tokens_r, cfg_tokens);
    m.NonblockingAssign(begin, overlap_r, cfg_overlap);
    m.NonblockingAssign(begin, next_tile, o.K(TCB, 0));
    m.NonblockingAssign(begin, next_macro, o.K(QB, 0));
    m.NonblockingAssign(begin, port_active, o.K(1, 0));
    m.NonblockingAssign(begin, round_loaded, o.K(1, 0));
    auto* active = file.Block();
    auto* on_fault = file.Block();
    m.NonblockingAssign(on_fault, busy, o.K(1, 0));
    m.NonblockingAssign(on_fault, done, o.K(1, 1));
    m.NonblockingAssign(on_fault, error, o.K(1, 1));
    auto* on_finish = file.Block();
    m.NonblockingAssign(on_finish, busy, o.K(1, 0));
    m.NonblockingAssign(on_finish, done, o.K(1, 1));
    auto* step = file.Block();
    auto* on_take = file.Block();
    m.NonblockingAssign(on_take, port_active, o.K(1, 1));
    m.NonblockingAssign(on_take, port_macro, next_macro);
    m.NonblockingAssign(on_take, port_row, o.K(RIB, 1));
    m.NonblockingAssign(on_take, port_wbase, d_wbase);
    m.NonblockingAssign(on_take, next_tile, o.Add(next_tile, o.K(TCB, 1)));
    m.NonblockingAssign(on_take, next_macro,
                        o.Mux(o.Eq(next_macro, o.K(QB, static_cast<uint64_t>(Q - 1))), o.K(QB, 0),
                              o.Add(next_macro, o.K(QB, 1))));
    auto* clear_round = file.Block();
    m.NonblockingAssign(clear_round, round_loaded, o.K(1, 0));
    o.If(on_take, round_start, clear_round, file.Block());
    auto* on_row = file.Block();
    m.NonblockingAssign(on_row, port_row, o.Add(port_row, o.K(RIB, 1)));
    auto* on_last = file.Block();
    m.NonblockingAssign(on_last, port_active, o.K(1, 0));
    auto* set_round = file.Block();
    m.NonblockingAssign(set_round, round_loaded, o.K(1, 1));
    o.If(on_last, round_end, set_round, file.Block());
    o.If(on_row, port_last, on_last, file.Block());
    auto* not_take = file.Block();
    o.If(not_take, port_active, on_row, file.Block());
    o.If(step, take, on_take, not_take);
    auto* not_fault = file.Block();
    o.If(not_fault, finish, on_finish, step);
    o.If(active, fault, on_fault, not_fault);
    auto* not_begin = file.Block();
    o.If(not_begin, busy, active, file.Block());
    o.If(run, o.And(start, o.Not(busy)), begin, not_begin);
    o.If(body, o.Not(rst_n), reset, run);
    // Pin-side write controls (one cycle after the issue).
    Expression* go = o.And(rst_n, busy);
    m.NonblockingAssign(body, wr_idx_p, o.Mux(take, o.K(RIB, 0), port_row));
    for (int q = 0; q < Q; ++q) {
      Expression* qid = o.K(QB, static_cast<uint64_t>(q));
      m.NonblockingAssign(body, mac[q].wr_en_p,
                          o.And(go, o.Or(o.And(take, o.Eq(next_macro, qid)),
                                         o.And(port_active, o.Eq(port_macro, qid)))));
    }
    m.AlwaysFf(clk, body);
  }

  // ------------------------------------------------------------ per macro
  std::vector<vast::WireNet> out_valid, out_data;
  for (int q = 0; q < Q; ++q) {
    const Macro& x = mac[q];
    Expression* qid = o.K(QB, static_cast<uint64_t>(q));
    auto compute_now = m.AddWire(fmt::format("compute_now{}", q), 1);
    m.Assign(compute_now,
             o.And(busy, o.Or(o.Eq(x.phase, o.K(kPhaseBits, kComputing)),
                              o.And(o.Eq(x.phase, o.K(kPhaseBits, kWaiting)), round_loaded))));
    auto issue = m.AddWire(fmt::format("issue{}", q), 1);
    m.Assign(issue, o.And(compute_now, o.Eq(x.ii, o.K(IIB, 0))));
    // abase + vec < abuf_words <= 2^AAB (checked at the take): the sum fits AAB bits.
    auto a_addr = m.AddWire(fmt::format("abuf_raddr{}", q), AAB);
    m.Assign(a_addr, o.Add(x.abase, TKB >= AAB ? Sel(x.vec, AAB - 1, 0)
                                               : o.Ext(x.vec, TKB, AAB)));
    auto act = m.AddWire(fmt::format("act{}", q), c.act_bits());
    m.AddInstance(AccelSramName(c.act_bits(), p.abuf_words), fmt::format("u_abuf{}", q),
                  {Connection::In("clk", clk), Connection::In("we", abuf_we), Connection::In("waddr", abuf_addr),
                   Connection::In("wdata", abuf_wdata), Connection::In("raddr", a_addr),
                   Connection::Out("rdata", act)});

    auto* body = file.Block();
    auto* reset = file.Block();
    m.NonblockingAssign(reset, x.phase, o.K(kPhaseBits, kFree));
    auto* run = file.Block();
    // FREE: the port takes this macro's next tile.
    auto* on_take = file.Block();
    m.NonblockingAssign(on_take, x.phase, o.K(kPhaseBits, kLoading));
    m.NonblockingAssign(on_take, x.abase, d_abase);
    m.NonblockingAssign(on_take, x.orow, d_orow);
    if (x.nlog2) m.NonblockingAssign(on_take, *x.nlog2, d_nlog2);
    m.NonblockingAssign(on_take, x.first, d_first);
    m.NonblockingAssign(on_take, x.vec, o.K(TKB, 0));
    m.NonblockingAssign(on_take, x.ii, o.K(IIB, 0));
    // LOADING: the port's last row ends it; the first vector waits Lw - 1
    // cycles after that row's write (the ii counter, which also runs while
    // the macro waits for its round).
    auto* on_loaded = file.Block();
    m.NonblockingAssign(on_loaded, x.phase,
                        o.Mux(overlap_r, o.K(kPhaseBits, kComputing), o.K(kPhaseBits, kWaiting)));
    m.NonblockingAssign(on_loaded, x.ii, o.K(IIB, static_cast<uint64_t>(settle)));
    // COMPUTING (or WAITING with the round loaded): a vector every II cycles.
    auto* on_issue = file.Block();
    m.NonblockingAssign(on_issue, x.vec, o.Add(x.vec, o.K(TKB, 1)));
    m.NonblockingAssign(on_issue, x.ii, o.K(IIB, static_cast<uint64_t>(II - 1)));
    auto* last_vec = file.Block();
    m.NonblockingAssign(last_vec, x.phase, o.K(kPhaseBits, kDraining));
    m.NonblockingAssign(last_vec, x.drain, o.K(LB, static_cast<uint64_t>(L - 1)));
    auto* more_vec = file.Block();
    m.NonblockingAssign(more_vec, x.phase, o.K(kPhaseBits, kComputing));
    o.If(on_issue, o.Eq(x.vec, o.Sub(tokens_r, o.K(TKB, 1))), last_vec, more_vec);
    auto* wait_ii = file.Block();
    m.NonblockingAssign(wait_ii, x.ii, o.Sub(x.ii, o.K(IIB, 1)));
    auto* on_compute = file.Block();
    o.If(on_compute, issue, on_issue, wait_ii);
    // DRAINING: L cycles after the last vector, then free.
    auto* on_drain = file.Block();
    auto* drained = file.Block();
    m.NonblockingAssign(drained, x.phase, o.K(kPhaseBits, kFree));
    auto* draining = file.Block();
    m.NonblockingAssign(draining, x.drain, o.Sub(x.drain, o.K(LB, 1)));
    o.If(on_drain, o.Eq(x.drain, o.K(LB, 0)), drained, draining);

    auto* settling = file.Block();
    m.NonblockingAssign(settling, x.ii, o.Sub(x.ii, o.K(IIB, 1)));
    auto* c_settle = file.Block();
    o.If(c_settle,
         o.And(busy, o.And(o.Eq(x.phase, o.K(kPhaseBits, kWaiting)), o.Op(BinaryOp::kNe, x.ii, o.K(IIB, 0)))),
         settling, file.Block());
    auto* c_drain = file.Block();
    o.If(c_drain, o.And(busy, o.Eq(x.phase, o.K(kPhaseBits, kDraining))), on_drain, c_settle);
    auto* c_compute = file.Block();
    o.If(c_compute, compute_now, on_compute, c_drain);
    auto* c_load = file.Block();
    o.If(c_load, o.And(o.Eq(x.phase, o.K(kPhaseBits, kLoading)), o.And(port_last, o.Eq(port_macro, qid))),
         on_loaded, c_compute);
    o.If(run, o.And(take, o.Eq(next_macro, qid)), on_take, c_load);
    o.If(body, o.Or(o.Not(rst_n), fault), reset, run);
    m.NonblockingAssign(body, x.in_valid_p, o.And(o.And(rst_n, o.Not(fault)), issue));
    // Outputs received of the current tile.
    auto* zero = file.Block();
    m.NonblockingAssign(zero, x.outcnt, o.K(TKB, 0));
    auto* inc = file.Block();
    m.NonblockingAssign(inc, x.outcnt, o.Add(x.outcnt, o.K(TKB, 1)));
    auto ov = m.AddWire(fmt::format("out_valid{}", q), 1);
    auto od = m.AddWire(fmt::format("out_data{}", q), PC * OW);
    out_valid.push_back(ov);
    out_data.push_back(od);
    auto* on_out = file.Block();
    o.If(on_out, ov, inc, file.Block());
    o.If(body, o.And(take, o.Eq(next_macro, qid)), zero, on_out);
    m.AlwaysFf(clk, body);

    // The macro.
    std::vector<Connection> ports{Connection::In("clk", clk), Connection::In("rst_n", rst_n),
                                  Connection::In("wr_en", x.wr_en_p)};
    int lsb = 0;
    Expression* w_field = Sel(wrow, lsb + c.w_field_bits() - 1, lsb);
    lsb += c.w_field_bits();
    Expression* e_field = nullptr;
    if (c.e_field_bits() > 0) {
      e_field = Sel(wrow, lsb + c.e_field_bits() - 1, lsb);
      lsb += c.e_field_bits();
    }
    if (c.has_pair_select()) {
      const int log2r = c.macro().log2_rows();
      const int sb = c.macro().sel_bits();
      Expression* sub = c.macro().subs() > 1 ? Sel(wr_idx_p, RIB - 1, log2r) : o.K(sb, 0);
      ports.push_back(Connection::In("wr_sub", sub));
      ports.push_back(Connection::In("wr_row", Sel(wr_idx_p, log2r - 1, 0)));
    } else {
      ports.push_back(Connection::In("wr_row", wr_idx_p));
    }
    ports.push_back(Connection::In("wr_w", w_field));
    if (e_field != nullptr) ports.push_back(Connection::In("wr_e", e_field));
    if (c.has_pair_select()) {
      ports.push_back(Connection::In("wr_sel", Sel(wrow, lsb + c.sel_field_bits() - 1, lsb)));
    }
    ports.push_back(Connection::In("in_valid", x.in_valid_p));
    if (c.has_pair_select()) ports.push_back(Connection::In("in_nlog2", *x.nlog2));
    ports.push_back(Connection::In("in_act", act));
    ports.push_back(Connection::Out("out_valid", ov));
    ports.push_back(Connection::Out("out_data", od));
    m.AddInstance(macro_top, fmt::format("u_macro{}", q), ports);
  }

  // ------------------------------------------- output buffer (accumulators)
  m.AddComment("Output buffer: an SRAM model of obuf_rows rows of P*C 32-bit words with one read and one write "
               "port per macro. Macro q's port reads, every cycle, the row of its next output (orow + outputs "
               "received + out_valid: the registered read lands with that output), and with out_valid writes "
               "the row back: lane l replaces word l (first tile along K) or is added to it (32-bit "
               "wraparound). When not busy, port 0 reads the host's row (obuf_addr / P*C).");
  {
    const int LANE = LANE_BITS;
    const int OAB = c.obuf_addr_bits();
    std::vector<Expression*> we_bits, waddrs, wdatas, raddrs;
    auto rdata = m.AddWire("obuf_rrow", Q * PC * 32);
    auto host_row = m.AddWire("obuf_host_row", ORB);
    {
      const int row_bits = OAB - LANE;  // obuf_addr's row part
      Expression* row = row_bits <= 0 ? o.K(ORB, 0)
                        : row_bits >= ORB ? Sel(obuf_addr, LANE + ORB - 1, LANE)
                                          : o.Ext(Sel(obuf_addr, OAB - 1, LANE), row_bits, ORB);
      m.Assign(host_row, row);
    }
    for (int q = 0; q < Q; ++q) {
      const Macro& x = mac[q];
      auto row = m.AddWire(fmt::format("obuf_row{}", q), ORB);
      // orow + outputs received < obuf_rows (checked at the take): fits ORB bits.
      Expression* cnt = TKB >= ORB ? Sel(x.outcnt, ORB - 1, 0) : o.Ext(x.outcnt, TKB, ORB);
      m.Assign(row, o.Add(x.orow, cnt));
      auto next_row = m.AddWire(fmt::format("obuf_next_row{}", q), ORB);
      m.Assign(next_row, o.Add(row, o.Ext(out_valid[q], 1, ORB)));
      // One registered copy of `first` per lane: first changes at the take, outputs come P*R + L or more
      // cycles later, so the copies' cycle of delay is never seen.
      auto first_lanes = m.AddWire(fmt::format("first_lanes{}", q), PC);
      for (int l = 0; l < PC; ++l) {
        m.AddInstance(kAccelBitCopyName, fmt::format("u_first{}_{}", q, l),
                      {Connection::In("clk", clk), Connection::In("d", x.first),
                       Connection::Out("q", PC == 1 ? vast::ContinuousTarget(first_lanes)
                                                    : vast::ContinuousTarget(first_lanes.Bit(l)))});
      }
      auto sum = m.AddWire(fmt::format("obuf_sum{}", q), PC * 32);
      m.AddInstance(AccelAccumulateName(PC, OW), fmt::format("u_acc{}", q),
                    {Connection::In("first", first_lanes), Connection::In("lanes", out_data[q]),
                     Connection::In("old", Sel(rdata, (q + 1) * PC * 32 - 1, q * PC * 32)),
                     Connection::Out("sum", sum)});
      we_bits.push_back(out_valid[q]);
      waddrs.push_back(row);
      wdatas.push_back(sum);
      raddrs.push_back(q == 0 ? o.Mux(busy, next_row, host_row) : static_cast<Expression*>(next_row));
    }
    // Concatenations list the most significant part first.
    auto cat = [&](std::vector<Expression*> parts) -> Expression* {
      if (parts.size() == 1) return parts.front();
      std::reverse(parts.begin(), parts.end());
      return file.Make<vast::Concat>(parts);
    };
    m.AddInstance(AccelSramName(PC * 32, p.obuf_rows, Q), "u_obuf",
                  {Connection::In("clk", clk), Connection::In("we", cat(we_bits)),
                   Connection::In("waddr", cat(waddrs)), Connection::In("wdata", cat(wdatas)),
                   Connection::In("raddr", cat(raddrs)), Connection::Out("rdata", rdata)});
    if (LANE > 0) {
      // The host's lane, registered with the row read: one copy per output bit, so that no select
      // drives more than one bit's P*C:1 mux.
      for (int i = 0; i < 32; ++i) {
        auto lane = m.AddWire(fmt::format("obuf_lane{}", i), LANE);
        for (int b = 0; b < LANE; ++b) {
          m.AddInstance(kAccelBitCopyName, fmt::format("u_obuf_lane{}_{}", i, b),
                        {Connection::In("clk", clk), Connection::In("d", obuf_addr.Bit(b)),
                         Connection::Out("q", LANE == 1 ? vast::ContinuousTarget(lane)
                                                        : vast::ContinuousTarget(lane.Bit(b)))});
        }
        // Bit i of every word of port 0's row, lane l at bit l.
        auto column = m.AddWire(fmt::format("obuf_bit{}", i), PC);
        std::vector<Expression*> bits;
        for (int l = PC - 1; l >= 0; --l) bits.push_back(rdata.Bit(l * 32 + i));
        m.Assign(column, file.Make<vast::Concat>(bits));
        m.Assign(obuf_rdata.Bit(i), file.Bit(column, lane));
      }
    } else {
      m.Assign(obuf_rdata, rdata.Slice(31, 0));
    }
  }
  return m.result();
}

}  // namespace flexcim::gen
