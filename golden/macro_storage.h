// MacroStorage: the weight storage of one macro (FLEXCIM.md section 2):
// w[k][r][c] (W-bit signed), e[k][r][c] (1 bit), s[k][r][q] (pair select).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/macro_config.h"

namespace flexcim::golden {

class MacroStorage {
 public:
  // All zero.
  explicit MacroStorage(const MacroConfig& config);

  const MacroConfig& config() const { return config_; }

  int32_t weight(int k, int r, int c) const { return w_[CellIndex(k, r, c)]; }
  int element(int k, int r, int c) const { return e_[CellIndex(k, r, c)]; }
  // Pair select of select group q; always 0 when P = 1.
  int select(int k, int r, int q) const { return s_[SelIndex(k, r, q)]; }

  // Range-checked setters (throw flexcim::Error naming the value and range).
  void SetWeight(int k, int r, int c, int32_t w);
  void SetElement(int k, int r, int c, int e);
  void SetSelect(int k, int r, int q, int s);

  // One sub-macro row, as the wr_* ports carry it (C weights, C element bits,
  // C/G selects). When P = 1 `sub` and `sel` are ignored, as in the RTL.
  // Throws what WriteRow throws for these pins, and changes nothing.
  void CheckWrite(int sub, int row, const std::vector<int32_t>& w, const std::vector<uint8_t>& e,
                  const std::vector<int>& sel) const;
  void WriteRow(int sub, int row, const std::vector<int32_t>& w, const std::vector<uint8_t>& e,
                const std::vector<int>& sel);

  int CellIndex(int k, int r, int c) const {
    return (k * config_.rows() + r) * config_.cols() + c;
  }
  int SelIndex(int k, int r, int q) const {
    return (k * config_.rows() + r) * config_.select_groups() + q;
  }

  // Same configuration and same bits everywhere.
  bool operator==(const MacroStorage&) const = default;

 private:
  void CheckCell(int k, int r, int c) const;
  void CheckSelectGroup(int k, int r, int q) const;
  void CheckWeightValue(std::string_view what, int32_t w) const;
  void CheckElementValue(std::string_view what, int e) const;
  void CheckSelectValue(std::string_view what, int s) const;
  bool WeightOk(int64_t w) const {
    const int64_t half = int64_t{1} << (config_.w_bits() - 1);
    return w >= -half && w < half;
  }
  bool SelectOk(int64_t s) const { return s >= 0 && s < config_.subs(); }

  MacroConfig config_;
  std::vector<int32_t> w_;
  std::vector<uint8_t> e_;
  std::vector<uint8_t> s_;
};

}  // namespace flexcim::golden
