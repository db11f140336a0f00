// --storage latch (docs/ARCHITECTURE.md "Latch storage"): for every
// architecture and cell style only the storage modules change, they are
// exactly the manifest's latch_modules, and they hold one gated latch row
// per storage row behind the captured write.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "generator/arch_generator.h"

namespace flexcim::gen {
namespace {

std::string WithoutLatchNames(std::string text) {
  for (const std::string from : {" --storage latch", "_latch"}) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.erase(at, from.size());
    }
  }
  return text;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(LatchStorage, OnlyTheStorageModulesChangeAndTheManifestListsThem) {
  const MacroConfig base = MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 4, .w_bits = 4});
  for (const Arch arch : {Arch::kFlexcim, Arch::kDense, Arch::kSparse12}) {
    for (const MacStyle mac : {MacStyle::kBitParallel, MacStyle::kBitSerial}) {
      const MacroConfig ff = base.WithMac(mac);
      const GeneratedDesign flops = GenerateArch(arch, ff);
      const GeneratedDesign latches = GenerateArch(arch, ff.WithStorage(StorageKind::kLatch));
      const std::string what = fmt::format("{} {}", ArchName(arch), MacStyleName(mac));
      EXPECT_FALSE(flops.manifest.contains("latch_modules")) << what;
      EXPECT_EQ(latches.manifest.at("storage"), "latch") << what;
      std::vector<std::string> with_latches;
      ASSERT_EQ(latches.files.size(), flops.files.size()) << what;
      for (size_t i = 0; i < latches.files.size(); ++i) {
        const GeneratedFile& l = latches.files[i];
        const GeneratedFile& f = flops.files[i];
        EXPECT_EQ(f.text.find("always_latch"), std::string::npos) << f.name;
        EXPECT_EQ(WithoutLatchNames(l.name), f.name);
        const std::string module = l.name.substr(0, l.name.size() - 2);
        if (l.text.find("always_latch") == std::string::npos) {
          EXPECT_EQ(WithoutLatchNames(l.text), f.text) << l.name;
          continue;
        }
        with_latches.push_back(module);
        EXPECT_NE(module.find("storage"), std::string::npos) << module;
        // Per storage row (P*R rows for every architecture: FlexCiM's cell
        // and select storage span all sub-macros), one gate and one latch block per field slice, each
        // behind its own replicated row enable (the write pipeline's second
        // stage); the data is registered twice before the latches.
        const int rows = base.subs() * base.rows();
        EXPECT_NE(l.text.find(fmt::format("for (r = 0; r < {}; r = r + 1) begin : g_row", rows)),
                  std::string::npos)
            << l.text;
        const size_t gates = Count(l.text, "_gate = !clk && ");
        EXPECT_GE(gates, 1u) << l.text;
        EXPECT_EQ(Count(l.text, "always_latch begin\n"), gates) << l.name;
        if (module.find("select_storage") != std::string::npos) {
          // FlexCiM's selects: written through the cell storage's pipeline,
          // one gate per row from its row enables, no registers of their own.
          EXPECT_EQ(gates, 1u) << l.text;
          EXPECT_NE(l.text.find("  assign s_q_gate = !clk && row_en[r];\n"), std::string::npos) << l.text;
          EXPECT_EQ(l.text.find("<="), std::string::npos) << l.text;
          continue;
        }
        EXPECT_EQ(Count(l.text, ".d(row_hit),\n"), gates) << l.text;
        EXPECT_NE(l.text.find("_q2 <= "), std::string::npos) << l.text;
      }
      EXPECT_EQ(latches.manifest.at("latch_modules").get<std::vector<std::string>>(), with_latches)
          << what;
      // FlexCiM: cell storage and select storage; the baselines: their storage.
      EXPECT_EQ(with_latches.size(), arch == Arch::kFlexcim ? 2u : 1u) << what;
    }
  }
}

}  // namespace
}  // namespace flexcim::gen
