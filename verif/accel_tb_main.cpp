// The accelerator testbench (docs/ACCEL.md "Verification"): drives a
// Verilated `flexcim gen --accel` top through its host interface with an
// AccelProgram file (verif/accel_program.h, JSON), runs the layer, and
// compares every output word with the layer's integer GEMV and the cycle
// count (start cycle to the first cycle with done high) with the system
// model. Usage: flexcim_accel_tb PROGRAM.json. Exit 0 equal, 3 mismatch,
// 1 bad file.
#include <verilated.h>

#include <fmt/format.h>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "Vaccel_top.h"
#include "verif/verilated_clock.h"
#include "verif/verilated_port.h"

namespace {

using flexcim::verif::ClockCycle;
using flexcim::verif::ReadPort;
using flexcim::verif::Words;
using flexcim::verif::WritePort;

Words WordsOf(uint64_t v) { return {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)}; }

int Run(const nlohmann::json& p) {
  auto context = std::make_unique<VerilatedContext>();
  context->randReset(2);
  auto top = std::make_unique<Vaccel_top>(context.get(), "accel");
  auto cycle = [&] { ClockCycle(*context, *top, nullptr); };
  top->clk = 0;
  top->rst_n = 0;
  top->start = 0;
  top->wbuf_we = 0;
  top->abuf_we = 0;
  top->desc_we = 0;
  top->eval();
  cycle();
  cycle();
  top->rst_n = 1;
  // Host writes: one word into each buffer per cycle.
  const auto& wbuf = p.at("wbuf");
  const auto& abuf = p.at("abuf");
  const auto& desc = p.at("descriptors");
  const size_t writes = std::max({wbuf.size(), abuf.size(), desc.size()});
  for (size_t i = 0; i < writes; ++i) {
    top->wbuf_we = i < wbuf.size();
    top->abuf_we = i < abuf.size();
    top->desc_we = i < desc.size();
    if (i < wbuf.size()) {
      WritePort(top->wbuf_addr, WordsOf(i));
      WritePort(top->wbuf_wdata, wbuf[i].get<Words>());
    }
    if (i < abuf.size()) {
      WritePort(top->abuf_addr, WordsOf(i));
      WritePort(top->abuf_wdata, abuf[i].get<Words>());
    }
    if (i < desc.size()) {
      WritePort(top->desc_addr, WordsOf(i));
      WritePort(top->desc_wdata, WordsOf(desc[i].get<uint64_t>()));
    }
    cycle();
  }
  top->wbuf_we = top->abuf_we = top->desc_we = 0;
  WritePort(top->cfg_tiles, WordsOf(desc.size()));
  WritePort(top->cfg_tokens, WordsOf(p.at("tokens").get<uint64_t>()));
  top->cfg_overlap = p.at("overlap").get<bool>();
  top->start = 1;
  cycle();
  top->start = 0;
  const int64_t expected_cycles = p.at("expected_cycles").get<int64_t>();
  const int64_t limit = 4 * expected_cycles + 1000;
  int64_t cycles = 1;
  while (!top->done && cycles < limit) {
    cycle();
    ++cycles;
  }
  const std::string layer = p.at("layer").get<std::string>();
  if (!top->done) {
    std::cout << fmt::format("MISMATCH: layer {}: done not raised within {} cycles\n", layer, limit);
    return 3;
  }
  const bool expect_error = p.value("expect_error", false);
  if (expect_error || top->error) {
    if (expect_error && top->error) {
      std::cout << fmt::format("layer {}: the out-of-range descriptor is flagged on error after {} cycles\n", layer,
                               cycles);
      return 0;
    }
    std::cout << fmt::format("MISMATCH: layer {}: error output {}, expected {}\n", layer, int{top->error},
                             int{expect_error});
    return 3;
  }
  int64_t mismatches = 0;
  const auto& expected = p.at("expected");
  for (const auto& e : expected) {
    const uint64_t addr = e.at(0).get<uint64_t>();
    const int32_t want = e.at(1).get<int32_t>();
    WritePort(top->obuf_addr, WordsOf(addr));
    cycle();
    const int32_t got = static_cast<int32_t>(ReadPort(top->obuf_rdata)[0]);
    if (got != want && ++mismatches <= 5) {
      std::cout << fmt::format("MISMATCH: layer {}: output word {}: RTL {}, integer GEMV {}\n", layer, addr, got,
                               want);
    }
  }
  top->final();
  if (mismatches > 0 || cycles != expected_cycles) {
    std::cout << fmt::format("MISMATCH: layer {}: {} outputs, {} mismatches; {} cycles, system model {}\n", layer,
                             expected.size(), mismatches, cycles, expected_cycles);
    return 3;
  }
  std::cout << fmt::format("verified {} outputs, 0 mismatches; {} cycles, equal to the system model\n",
                           expected.size(), cycles);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: flexcim_accel_tb PROGRAM.json\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << fmt::format("flexcim_accel_tb: cannot read {}\n", argv[1]);
    return 1;
  }
  try {
    return Run(nlohmann::json::parse(in));
  } catch (const std::exception& e) {
    std::cerr << fmt::format("flexcim_accel_tb: {}: {}\n", argv[1], e.what());
    return 1;
  }
}
