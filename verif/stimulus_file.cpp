#include "verif/stimulus_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <sstream>

#include "core/errors.h"
#include "core/input_file.h"
#include "core/output_directory.h"
#include "verif/stimulus_contract.h"

namespace flexcim::verif {

namespace {

constexpr const char* kMagic = "flexcim-stimulus 1";

template <typename T>
void AppendLanes(std::string& line, const std::vector<T>& lanes, int count) {
  line += " |";
  for (int i = 0; i < count; ++i) {
    line += fmt::format(" {}", i < static_cast<int>(lanes.size()) ? static_cast<int64_t>(lanes[i]) : 0);
  }
}

class LineReader {
 public:
  LineReader(const std::filesystem::path& path, std::string line, int number)
      : path_(path), number_(number), in_(std::move(line)) {}

  int64_t Next(const char* what) {
    std::string token;
    if (!(in_ >> token)) Fail(fmt::format("missing {}", what));
    if (token == "|") return Next(what);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec != std::errc() || p != token.data() + token.size()) {
      Fail(fmt::format("{} '{}' is not an integer", what, token));
    }
    return v;
  }
  // The next value as T; a value T cannot hold is an error here (narrowing
  // it would hide it from the pin-width checks of StimulusContract).
  template <typename T>
  T NextAs(const char* what) {
    const int64_t v = Next(what);
    if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
      Fail(fmt::format("{} {} is out of range", what, v));
    }
    return static_cast<T>(v);
  }
  bool Bit(const char* what) {
    const int64_t v = Next(what);
    if (v != 0 && v != 1) Fail(fmt::format("{} {}: a 1-bit pin is 0 or 1", what, v));
    return v == 1;
  }
  template <typename T>
  std::vector<T> Lanes(int count, const char* what) {
    std::vector<T> v(count);
    for (int i = 0; i < count; ++i) v[i] = NextAs<T>(what);
    return v;
  }
  void End() {
    std::string extra;
    if (in_ >> extra) Fail(fmt::format("unexpected '{}' after the last lane", extra));
  }
  [[noreturn]] void Fail(const std::string& why) const {
    throw Error(fmt::format("{}:{}: {}", path_.string(), number_, why));
  }

 private:
  const std::filesystem::path& path_;
  int number_;
  std::istringstream in_;
};

}  // namespace

void WriteStimulusFile(const ArchConfig& c, const std::vector<golden::CycleInput>& cycles,
                       const std::filesystem::path& path) {
  std::string text = fmt::format("{}\nconfig {}\ncycles {}\n", kMagic, c.Name(), cycles.size());
  for (const golden::CycleInput& in : cycles) {
    std::string line = fmt::format("{} {} {} {} {} {}", in.rst_n ? 1 : 0, in.wr_en ? 1 : 0, in.wr_sub,
                                   in.wr_row, in.in_valid ? 1 : 0, in.in_nlog2);
    AppendLanes(line, in.wr_w, c.cols());
    AppendLanes(line, in.wr_e, c.element_lanes());
    AppendLanes(line, in.wr_sel, c.select_groups());
    AppendLanes(line, in.in_act, c.act_lanes());
    text += line + "\n";
  }
  WriteTextFile(path, text);
}

std::vector<golden::CycleInput> ReadStimulusFile(const ArchConfig& c, const std::filesystem::path& path) {
  std::string text = ReadRegularFile(path);
  // CRLF line ends (a file edited on Windows) read as LF.
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
  std::istringstream in(std::move(text));
  std::string line;
  int number = 0;
  auto header = [&](const std::string& want_prefix) {
    ++number;
    if (!std::getline(in, line) || line.rfind(want_prefix, 0) != 0) {
      throw Error(fmt::format("{}:{}: expected '{}...'", path.string(), number, want_prefix));
    }
    return line.substr(want_prefix.size());
  };
  header(kMagic);
  const std::string config = header("config ");
  if (config != c.Name()) {
    throw Error(fmt::format("{}:{}: stimulus is for {}, the design is {}", path.string(), number, config,
                            c.Name()));
  }
  const std::string count_text = header("cycles ");
  int64_t count = -1;
  const auto [count_end, count_ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
  if (count_ec != std::errc() || count_end != count_text.data() + count_text.size() || count < 0) {
    throw Error(fmt::format("{}:{}: bad cycle count '{}'", path.string(), number, count_text));
  }
  std::vector<golden::CycleInput> cycles;
  cycles.reserve(static_cast<size_t>(std::min<int64_t>(count, 1 << 16)));  // the header may lie
  StimulusContract contract(c);
  for (int64_t i = 0; i < count; ++i) {
    ++number;
    if (!std::getline(in, line)) {
      throw Error(fmt::format("{}: {} cycle lines, header says {}", path.string(), i, count));
    }
    LineReader r(path, line, number);
    golden::CycleInput ci;
    ci.rst_n = r.Bit("rst_n");
    ci.wr_en = r.Bit("wr_en");
    ci.wr_sub = r.NextAs<int>("wr_sub");
    ci.wr_row = r.NextAs<int>("wr_row");
    ci.in_valid = r.Bit("in_valid");
    ci.in_nlog2 = r.NextAs<int>("in_nlog2");
    ci.wr_w = r.Lanes<int32_t>(c.cols(), "wr_w lane");
    ci.wr_e = r.Lanes<uint8_t>(c.element_lanes(), "wr_e lane");
    ci.wr_sel = r.Lanes<int>(c.select_groups(), "wr_sel lane");
    ci.in_act = r.Lanes<int32_t>(c.act_lanes(), "in_act lane");
    r.End();
    if (const std::string why = contract.Check(ci); !why.empty()) r.Fail(fmt::format("edge {}: {}", i, why));
    cycles.push_back(std::move(ci));
  }
  if (std::getline(in, line)) {
    throw Error(fmt::format("{}:{}: more cycle lines than the header's {}", path.string(), number + 1, count));
  }
  return cycles;
}

}  // namespace flexcim::verif
