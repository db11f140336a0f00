// flexcim gen --accel: the accelerator of every architecture, cell style and
// storage kind is lint-clean (`verilator --lint-only -Wall` and `iverilog
// -Wall` silent, no lint_off pragmas) and elaborates in Yosys 0.23; module names are file
// names and carry the configuration; the manifest names the top.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/errors.h"
#include "core/subprocess.h"
#include "generator/accel_generator.h"
#include "generator/design_writer.h"
#include "generator/tests/scratch_dir.h"

namespace flexcim::gen {
namespace {

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

// A tool run from an argument vector (core/subprocess: no shell).
CommandResult RunCommand(const std::vector<std::string>& argv) {
  const ProcessResult r = RunProcess({.argv = argv});
  return {r.status.signal == 0 ? r.status.code : -1, r.out + r.err};
}

AccelConfig Small(Arch arch, MacroConfig macro, int macros) {
  return AccelConfig::Create(arch, macro,
                             {.macros = macros, .wbuf_rows = 40, .abuf_words = 6, .obuf_rows = 5, .descriptors = 3,
                              .max_tokens = 4});
}

void ExpectClean(const AccelConfig& c) {
  const GeneratedDesign design = GenerateAccel(c);
  testing::ScratchDir scratch("accel_lint");
  const auto dir = scratch.path() / "rtl";
  WriteDesign(design, dir);
  std::vector<std::string> files;
  for (const GeneratedFile& f : design.files) {
    EXPECT_EQ(f.text.find("lint_off"), std::string::npos) << f.name;
    EXPECT_NE(f.text.find("module " + f.name.substr(0, f.name.size() - 2) + " ("), std::string::npos) << f.name;
    files.push_back((dir / f.name).string());
  }
  std::vector<std::string> lint = {FLEXCIM_VERILATOR_BIN, "--lint-only", "-Wall", "--top-module", design.top};
  lint.insert(lint.end(), files.begin(), files.end());
  const CommandResult r = RunCommand(lint);
  EXPECT_EQ(r.exit_code, 0) << c.TopName();
  EXPECT_EQ(r.output, "") << c.TopName();
  // Icarus Verilog (Debian's iverilog) elaborates it with every warning on
  // and says nothing.
  std::vector<std::string> icarus = {"iverilog", "-g2012", "-Wall", "-s", design.top, "-o",
                                     (scratch.path() / "accel.vvp").string()};
  icarus.insert(icarus.end(), files.begin(), files.end());
  const CommandResult i = RunCommand(icarus);
  EXPECT_EQ(i.exit_code, 0) << c.TopName() << "\n" << i.output;
  EXPECT_EQ(i.output, "") << c.TopName();
#ifdef FLEXCIM_YOSYS_BIN
  std::string script = "read_verilog -sv";
  for (const std::string& f : files) script += " " + f;
  script += fmt::format("; hierarchy -check -top {}; proc; check -assert", design.top);
  const CommandResult y = RunCommand({FLEXCIM_YOSYS_BIN, "-q", "-p", script});
  EXPECT_EQ(y.exit_code, 0) << y.output;
#endif
}

// One test per configuration (each a few seconds): every architecture, both
// cell styles, latch storage, and P = 1 (no wr_sub lanes) with 1-bit widths.
AccelConfig LintCase(int i) {
  const MacroConfig m = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4});
  switch (i) {
    case 0: return Small(Arch::kFlexcim, m, 2);
    case 1: return Small(Arch::kDense, m, 3);
    case 2: return Small(Arch::kSparse12, m.WithMac(MacStyle::kBitSerial), 1);
    case 3: return Small(Arch::kFlexcim, m.WithStorage(StorageKind::kLatch).WithMac(MacStyle::kBitSerial), 2);
    default:
      return AccelConfig::Create(Arch::kFlexcim, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8}),
                                 {.macros = 1, .wbuf_rows = 2, .abuf_words = 1, .obuf_rows = 1, .descriptors = 1,
                                  .max_tokens = 1});
  }
}

class AccelLintCase : public ::testing::TestWithParam<int> {};
TEST_P(AccelLintCase, VerilatorSilentAndYosysElaborates) { ExpectClean(LintCase(GetParam())); }
INSTANTIATE_TEST_SUITE_P(Configs, AccelLintCase, ::testing::Range(0, 5));

TEST(AccelLint, NamesAndManifest) {
  const AccelConfig c = Small(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}), 2);
  EXPECT_EQ(c.TopName(), "accel_p2_r2_c2_g2_a4_w4_q2_wb40_ab6_ob5_d3_t4");
  const GeneratedDesign d = GenerateAccel(c);
  EXPECT_EQ(d.top, c.TopName());
  EXPECT_EQ(d.files.back().name, c.TopName() + ".v");
  EXPECT_EQ(d.manifest["accel"]["top"], c.TopName());
  EXPECT_EQ(d.manifest["accel"]["macro_top"], "flexcim_top");
  EXPECT_EQ(d.manifest["top"], "flexcim_top");  // the macro's manifest is unchanged
  EXPECT_EQ(d.manifest["accel"]["files"].size(), d.files.size());
  // Row: C*W weights + C element bits + (C/G)*SB selects = 8 + 2 + 1.
  EXPECT_EQ(d.manifest["accel"]["row_bits"], 11);
  EXPECT_EQ(d.manifest["accel"]["descriptor"]["bits"], 6 + 3 + 3 + 4 + 1);
  EXPECT_EQ(Small(Arch::kDense, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}), 3).TopName(),
            "accel_dense_p2_r2_c2_a4_w4_q3_wb40_ab6_ob5_d3_t4");
}

TEST(AccelLint, BadSizesNameTheFlag) {
  const MacroConfig m = MacroConfig::Create({.subs = 2, .rows = 4, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4});
  auto usage = [&](AccelParams p) {
    try {
      AccelConfig::Create(Arch::kFlexcim, m, p);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(usage({.macros = 0}), "--macros 0: must be in 1..16");
  EXPECT_EQ(usage({.macros = 17}), "--macros 17: must be in 1..16");
  EXPECT_EQ(usage({.wbuf_rows = 7}), "--wbuf-rows 7: must be >= P*R = 8");
  EXPECT_EQ(usage({.abuf_words = 0}), "--abuf-words 0: must be >= 1");
  EXPECT_EQ(usage({.descriptors = 0}), "--descriptors 0: must be >= 1");
}

TEST(AccelLint, DescriptorBitsRoundTrip) {
  const AccelConfig c = Small(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}), 2);
  const TileDescriptor d{.wbase = 36, .abase = 5, .orow = 4, .nlog2 = 1, .first = true};
  EXPECT_EQ(c.PackDescriptor(d), 36u | 5u << 6 | 4u << 9 | 1u << 12 | 1u << 16);
  EXPECT_EQ(c.UnpackDescriptor(c.PackDescriptor(d)), d);
}

}  // namespace
}  // namespace flexcim::gen
