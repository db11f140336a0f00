// Row-addressed storage in flip-flops or latches (--storage ff|latch): the
// weight + element-bit cell storage and the pair-select storage of one
// sub-macro (and the baselines' weight storage). One row is written per
// cycle; nothing is reset (weights are storage, FLEXCIM.md 5b). Every row is
// read in parallel. Either kind: a write sampled at edge t is read by the
// vector sampled at edge t+1 (docs/ARCHITECTURE.md "Latch storage").
#pragma once

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

// module <name> (input clk, input wr_en, input [log2(rows)-1:0] wr_row,
//                input <write ports>..., output <read ports>...)
// Flip-flops: row r of every field loads at a rising edge t where
// wr_en && wr_row == r. Latches: wr_en, wr_row and the write ports are
// captured in flip-flops at t and row r's latches are transparent while clk
// is low before t+1 (one gate per row); the row reads the same from t+1 on.
// wr_en is already qualified by the caller (rst_n, sub-macro address).
vast::Module* EmitRowStorage(vast::VerilogFile& file, const std::string& name, int rows,
                             const std::vector<RowField>& fields, StorageKind storage);

// Weights (W bits) and element bits of every cell of one sub-macro:
// fields wr_w -> weights and wr_e -> elems.
vast::Module* EmitCellStorage(vast::VerilogFile& file, const std::string& name, int rows,
                              int cols, int w_bits, StorageKind storage);

// Pair selects (sel_bits per select group) of one sub-macro:
// field wr_sel -> sels.
vast::Module* EmitSelectStorage(vast::VerilogFile& file, const std::string& name, int rows,
                                int groups, int sel_bits, StorageKind storage);

}  // namespace flexcim::gen
