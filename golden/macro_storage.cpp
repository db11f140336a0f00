#include "golden/macro_storage.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/range_check.h"

namespace flexcim::golden {

namespace {

std::string Param(char name, int value) { return fmt::format("{} = {}", name, value); }

}  // namespace

MacroStorage::MacroStorage(const MacroConfig& config)
    : config_(config),
      w_(static_cast<size_t>(config.cells()), 0),
      e_(static_cast<size_t>(config.cells()), 0),
      s_(static_cast<size_t>(config.subs()) * config.rows() * config.select_groups(), 0) {}

// The checks format their messages only on failure (the setters are hot in
// the mapper and the cycle model).
void MacroStorage::CheckCell(int k, int r, int c) const {
  if (k >= 0 && k < config_.subs() && r >= 0 && r < config_.rows() && c >= 0 &&
      c < config_.cols()) {
    return;
  }
  RequireInRange("sub-macro", k, 0, config_.subs() - 1, Param('P', config_.subs()));
  RequireInRange("row", r, 0, config_.rows() - 1, Param('R', config_.rows()));
  RequireInRange("column", c, 0, config_.cols() - 1, Param('C', config_.cols()));
}

void MacroStorage::CheckSelectGroup(int k, int r, int q) const {
  if (k >= 0 && k < config_.subs() && r >= 0 && r < config_.rows() && q >= 0 &&
      q < config_.select_groups()) {
    return;
  }
  RequireInRange("sub-macro", k, 0, config_.subs() - 1, Param('P', config_.subs()));
  RequireInRange("row", r, 0, config_.rows() - 1, Param('R', config_.rows()));
  RequireInRange("select group", q, 0, config_.select_groups() - 1,
                 fmt::format("C/G = {}", config_.select_groups()));
}

void MacroStorage::CheckWeightValue(std::string_view what, int32_t w) const {
  RequireInRange(what, w, SignedMin(config_.w_bits()), SignedMax(config_.w_bits()),
                 Param('W', config_.w_bits()));
}

void MacroStorage::CheckElementValue(std::string_view what, int e) const {
  RequireInRange(what, e, 0, 1, "");
}

void MacroStorage::CheckSelectValue(std::string_view what, int s) const {
  RequireInRange(what, s, 0, config_.subs() - 1, Param('P', config_.subs()));
}

void MacroStorage::SetWeight(int k, int r, int c, int32_t w) {
  CheckCell(k, r, c);
  if (!WeightOk(w)) CheckWeightValue(fmt::format("weight w[{}][{}][{}]", k, r, c), w);
  w_[CellIndex(k, r, c)] = w;
}

void MacroStorage::SetElement(int k, int r, int c, int e) {
  CheckCell(k, r, c);
  if (e != 0 && e != 1) CheckElementValue(fmt::format("element e[{}][{}][{}]", k, r, c), e);
  e_[CellIndex(k, r, c)] = static_cast<uint8_t>(e);
}

void MacroStorage::SetSelect(int k, int r, int q, int s) {
  CheckSelectGroup(k, r, q);
  if (!SelectOk(s)) CheckSelectValue(fmt::format("select s[{}][{}][{}]", k, r, q), s);
  s_[SelIndex(k, r, q)] = static_cast<uint8_t>(s);
}

void MacroStorage::CheckWrite(int sub, int row, const std::vector<int32_t>& w,
                              const std::vector<uint8_t>& e, const std::vector<int>& sel) const {
  const int C = config_.cols();
  const bool single = config_.subs() == 1;
  if (single) sub = 0;  // wr_sub is ignored when P = 1
  if (sub < 0 || sub >= config_.subs()) {
    RequireInRange("wr_sub", sub, 0, config_.subs() - 1, Param('P', config_.subs()));
  }
  if (row < 0 || row >= config_.rows()) {
    RequireInRange("wr_row", row, 0, config_.rows() - 1, Param('R', config_.rows()));
  }
  if (static_cast<int>(w.size()) != C || static_cast<int>(e.size()) != C) {
    throw Error(
        fmt::format("wr_w has {} lanes and wr_e {}: both must have C = {}", w.size(), e.size(), C));
  }
  if (!single && static_cast<int>(sel.size()) != config_.select_groups()) {
    throw Error(fmt::format("wr_sel has {} lanes: must have C/G = {}", sel.size(),
                            config_.select_groups()));
  }
  for (int c = 0; c < C; ++c) {
    if (!WeightOk(w[c])) CheckWeightValue(fmt::format("wr_w lane {}", c), w[c]);
    if (e[c] > 1) CheckElementValue(fmt::format("wr_e bit {}", c), e[c]);
  }
  if (!single) {
    for (int q = 0; q < config_.select_groups(); ++q) {
      if (!SelectOk(sel[q])) CheckSelectValue(fmt::format("wr_sel lane {}", q), sel[q]);
    }
  }
}

void MacroStorage::WriteRow(int sub, int row, const std::vector<int32_t>& w,
                            const std::vector<uint8_t>& e, const std::vector<int>& sel) {
  // Validate everything first: a rejected write changes nothing.
  CheckWrite(sub, row, w, e, sel);
  const int C = config_.cols();
  const bool single = config_.subs() == 1;
  if (single) sub = 0;
  for (int c = 0; c < C; ++c) {
    w_[CellIndex(sub, row, c)] = w[c];
    e_[CellIndex(sub, row, c)] = e[c];
  }
  for (int q = 0; q < config_.select_groups(); ++q) {
    s_[SelIndex(sub, row, q)] = single ? 0 : static_cast<uint8_t>(sel[q]);
  }
}

}  // namespace flexcim::golden
