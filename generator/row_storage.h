// Row-addressed storage in flip-flops or latches (--storage ff|latch): the
// weight + element-bit cell storage and the pair-select storage of one
// sub-macro (and the baselines' weight storage). One row can be written per
// cycle; nothing is reset (weights are storage, FLEXCIM.md 5b). Every row is
// read in parallel. The write path is pipelined (MacroConfig::
// write_latency(), docs/ARCHITECTURE.md "Write pipeline"): a write sampled at
// edge t is stored at edge t+2 (flip-flops) or while clk is low after t+1
// (latches), so either kind holds it from edge t+2 on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/cell_style.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// One stored field of a row: written from input port `write_port`
// (row_width bits), all rows read on output port `read_port`
// (rows*row_width bits, row r at [r*row_width +: row_width]).
struct RowField {
  std::string write_port;
  std::string read_port;
  std::string register_name;  // per-row register inside the row's generate block
  int row_width;
};

// EmitRowStorage: module <name> (input clk, input wr_en, input
// [log2(rows)-1:0] wr_row, input <write ports>..., output <read ports>...
// [, input <forward write port>, output <forward data port>, output
// [rows-1:0] <forward row enable port>]).
// Edge t captures wr_en with the row predecoded in two halves and the
// write data; edge t+1 registers row r's enables, one copy per slice of at
// most kMaxGeneratedFanout bits of a field (each an instance of
// `control_module`, a one-flip-flop module: generator/control_register.h),
// and the data again. Flip-flops: the slice loads at edge t+2. Latches:
// the slice's latches are transparent while clk is low and its enable is
// set (t+1 .. t+2). wr_en is already qualified by the caller (rst_n,
// sub-macro address); a write in flight completes whatever rst_n does.
// A field written through this module's write pipeline but stored in
// another module (FlexCiM's pair selects, EmitSelectStorage): its stage-2
// data leaves on `data_port` and row r's enable on bit r of
// `row_enable_port` (the enable of the module's last field slice, so the
// other module's row loads exactly when this module's row does).
struct ForwardedField {
  std::string write_port;
  std::string data_port;
  std::string row_enable_port;
  int width;
};

vast::Module* EmitRowStorage(vast::VerilogFile& file, const std::string& name,
                             const std::string& control_module, int rows,
                             const std::vector<RowField>& fields, StorageKind storage,
                             const std::optional<ForwardedField>& forward = std::nullopt);

// Weights (W bits) and element bits of every cell: fields wr_w -> weights
// and wr_e -> elems. forwarded_select_width > 0: the pair selects ride the
// same write pipeline (input wr_sel, outputs sel_wr_data (its stage 2) and
// sel_row_en (the element-bit slice's row enables) for EmitSelectStorage).
vast::Module* EmitCellStorage(vast::VerilogFile& file, const std::string& name,
                              const std::string& control_module, int rows, int cols, int w_bits,
                              StorageKind storage, int forwarded_select_width = 0);

// Pair selects (sel_bits per select group) of every row, written through
// the cell storage's write pipeline (module <name> (input clk, input
// [rows-1:0] row_en, input wr_sel (stage-2 data), output sels)): row r
// loads at the edge after row_en[r] (flip-flops) or is transparent while
// clk is low and row_en[r] is set (latches), exactly when the cell
// storage's row r is written. No registers of its own besides the stored
// bits.
vast::Module* EmitSelectStorage(vast::VerilogFile& file, const std::string& name, int rows, int groups,
                                int sel_bits, StorageKind storage);

}  // namespace flexcim::gen
