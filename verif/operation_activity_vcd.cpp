#include "verif/operation_activity_vcd.h"

#include <fmt/format.h>

#include <sstream>
#include <string_view>

#include "core/errors.h"
#include "verif/vcd_header.h"

namespace flexcim::verif {

namespace {

bool Known(char c) { return c == '0' || c == '1'; }

struct Var {
  std::vector<std::string> names;  // every alias, relative to the top module
  int width = 1;
  int lsb = 0;
  bool vector = false;
  uint32_t first_bit = 0;  // index of bit 0 (rightmost) in the bit arrays
  std::string value;       // MSB first
};

struct BitCount {
  std::array<int32_t, kCycleClasses> toggles{}, high{};
  int32_t since = 0;  // cycle from which `value` holds
};

}  // namespace

OperationActivity OperationActivityFromVcd(std::istream& in, int compute_cycles, int write_cycles) {
  std::unordered_map<std::string, Var> vars;  // by id code
  std::vector<BitCount> counts;
  std::string clk_id, rst_id, valid_id, wr_id;
  int64_t line_no = 0;
  std::string line;

  line_no = ReadVcdHeader(in, [&](const VcdVarDefinition& d) {
    auto [it, fresh] = vars.try_emplace(d.id);
    Var& v = it->second;
    if (fresh) {
      v.width = d.width;
      v.vector = d.vector;
      v.lsb = d.lsb;
      v.first_bit = static_cast<uint32_t>(counts.size());
      counts.resize(counts.size() + d.width);
      v.value.assign(d.width, 'x');
    }
    v.names.push_back(d.FullName());
    if (d.top_level() && d.width == 1) {
      if (d.name == "clk") clk_id = d.id;
      if (d.name == "rst_n") rst_id = d.id;
      if (d.name == "in_valid") valid_id = d.id;
      if (d.name == "wr_en") wr_id = d.id;
    }
  });
  for (const auto& [id, name] : {std::pair{clk_id, "clk"}, {rst_id, "rst_n"}, {valid_id, "in_valid"}, {wr_id, "wr_en"}}) {
    if (id.empty()) throw Error(fmt::format("VCD has no 1-bit '{}' in the top module", name));
  }

  OperationActivity out;
  // cum[c][k]: cycles of class c before cycle k.
  std::array<std::vector<int32_t>, kCycleClasses> cum;
  for (auto& c : cum) c.push_back(0);
  int cycle = -1;        // current cycle (-1: before the first falling edge)
  int klass = -1;        // class of the current cycle, -1 reset / none
  int64_t valid_age = 1 << 30, write_age = 1 << 30;
  std::vector<std::pair<std::string, std::string>> block;  // id, value of one time stamp

  auto apply = [&](const std::string& id, const std::string& raw) {
    const auto it = vars.find(id);
    if (it == vars.end()) return;
    Var& v = it->second;
    const int w = v.width;
    for (int b = 0; b < w; ++b) {
      // raw is MSB first, left-extended with 0 (or its own x/z).
      const int from_right = b;
      const int pos = static_cast<int>(raw.size()) - 1 - from_right;
      const char after = pos >= 0 ? raw[pos] : (Known(raw[0]) ? '0' : raw[0]);
      char& before = v.value[w - 1 - b];
      if (before == after) continue;
      BitCount& c = counts[v.first_bit + b];
      const int now = std::max(cycle, 0);
      if (before == '1') {
        for (int k = 0; k < kCycleClasses; ++k) c.high[k] += cum[k][now] - cum[k][c.since];
      }
      if (Known(before) && Known(after) && klass >= 0) ++c.toggles[klass];
      c.since = now;
      before = after;
    }
  };
  auto value_of = [&](const std::string& id) { return vars.at(id).value[0]; };
  auto flush = [&]() {
    // A falling clock edge in this block starts a new cycle; its pins decide its class.
    bool falls = false;
    char rst = value_of(rst_id), valid = value_of(valid_id), wr = value_of(wr_id);
    for (const auto& [id, raw] : block) {
      const char last = raw.empty() ? 'x' : raw.back();
      if (id == clk_id && last == '0' && value_of(clk_id) != '0') falls = true;
      if (id == rst_id) rst = last;
      if (id == valid_id) valid = last;
      if (id == wr_id) wr = last;
    }
    if (falls) {
      if (cycle >= 0) {
        for (int k = 0; k < kCycleClasses; ++k) cum[k].push_back(cum[k].back() + (klass == k ? 1 : 0));
      }
      ++cycle;
      valid_age = valid == '1' ? 0 : valid_age + 1;
      write_age = wr == '1' ? 0 : write_age + 1;
      if (rst != '1') {
        klass = -1;
        ++out.reset_cycles;
        valid_age = write_age = 1 << 30;
      } else {
        if (valid == '1') ++out.vectors;
        if (wr == '1') ++out.writes;
        klass = valid_age <= compute_cycles ? static_cast<int>(CycleClass::kCompute)
                : write_age <= write_cycles ? static_cast<int>(CycleClass::kWrite)
                                            : static_cast<int>(CycleClass::kIdle);
      }
    }
    for (const auto& [id, raw] : block) apply(id, raw);
    block.clear();
  };

  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const char c0 = line[0];
    if (c0 == '#') {
      flush();
      continue;
    }
    if (c0 == '$' || c0 == 'r' || c0 == 'R' || c0 == ' ') continue;  // $dumpvars/$end, reals
    if (c0 == 'b' || c0 == 'B') {
      const size_t blank = line.find(' ');
      if (blank == std::string::npos || blank + 1 >= line.size()) {
        throw Error(fmt::format("VCD line {}: vector value without an id", line_no));
      }
      std::string id = line.substr(blank + 1);
      while (!id.empty() && (id.back() == ' ' || id.back() == '\r')) id.pop_back();
      block.emplace_back(std::move(id), line.substr(1, blank - 1));
    } else {
      std::string id = line.substr(1);
      while (!id.empty() && (id.back() == ' ' || id.back() == '\r')) id.pop_back();
      block.emplace_back(std::move(id), line.substr(0, 1));
    }
  }
  flush();
  if (cycle < 0) throw Error("VCD has no falling edge of 'clk'");
  for (int k = 0; k < kCycleClasses; ++k) cum[k].push_back(cum[k].back() + (klass == k ? 1 : 0));
  const int end = cycle + 1;
  for (int k = 0; k < kCycleClasses; ++k) out.cycles[k] = cum[k][end];

  out.bits.resize(counts.size());
  for (auto& [id, v] : vars) {
    for (int b = 0; b < v.width; ++b) {
      BitCount& c = counts[v.first_bit + b];
      if (v.value[v.width - 1 - b] == '1') {
        for (int k = 0; k < kCycleClasses; ++k) c.high[k] += cum[k][end] - cum[k][c.since];
      }
      c.since = end;
      BitActivity& a = out.bits[v.first_bit + b];
      for (int k = 0; k < kCycleClasses; ++k) {
        if (out.cycles[k] == 0) continue;
        a.rate[k] = static_cast<double>(c.toggles[k]) / static_cast<double>(out.cycles[k]);
        a.duty[k] = static_cast<double>(c.high[k]) / static_cast<double>(out.cycles[k]);
      }
      for (const auto& name : v.names) {
        out.index[v.vector ? fmt::format("{}[{}]", name, v.lsb + b) : name] = v.first_bit + b;
      }
    }
  }
  return out;
}

}  // namespace flexcim::verif
