// Architecture traits, cell styles and the one JSON form of configurations
// and manifests: exact values and exact messages.
#include "core/config_json.h"

#include <gtest/gtest.h>

#include "core/arch_traits.h"
#include "core/cell_style.h"
#include "core/errors.h"

namespace flexcim {
namespace {

template <typename F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(CellStyle, ParseAndNamesListTheSet) {
  EXPECT_EQ(ParseMacStyle("bit-serial"), MacStyle::kBitSerial);
  EXPECT_EQ(ParseStorageKind("latch"), StorageKind::kLatch);
  EXPECT_EQ(MacStyleName(MacStyle::kBitParallel), "bit-parallel");
  EXPECT_THROW(ParseMacStyle("serial"), UsageError);
  EXPECT_EQ(ErrorOf([] { ParseMacStyle("serial"); }),
            "--mac serial: must be one of bit-parallel, bit-serial");
  EXPECT_EQ(ErrorOf([] { ParseStorageKind("sram"); }), "--storage sram: must be one of ff, latch");
  EXPECT_EQ(ErrorOf([] { ParseArch("dense2"); }),
            "--arch dense2: must be one of flexcim, dense, sparse12");
}

TEST(MacroConfig, BitSerialTimingAndNames) {
  const MacroConfig c = MacroConfig::Create(MacroParams{.mac = MacStyle::kBitSerial});
  EXPECT_EQ(c.Name(), "p4_r16_c16_g16_a8_w8_bs");
  EXPECT_EQ(c.Flags(),
            "--subs 4 --rows 16 --cols 16 --sel-group 16 --a-bits 8 --w-bits 8 --mac bit-serial");
  EXPECT_EQ(c.initiation_interval(), 8);
  EXPECT_EQ(c.pipeline_latency(), 7 + 9);  // + activation capture, A-1 planes, accumulator
  EXPECT_EQ(c.cell_product_width(), 8);
  EXPECT_EQ(c.output_width(), 22);  // the same exact integers
  EXPECT_EQ(c.WithMac(MacStyle::kBitParallel), MacroConfig::Default());
}

TEST(ArchTraits, TopPortsOfEveryArchitecture) {
  const MacroConfig c = MacroConfig::Default();
  std::vector<std::string> names;
  for (const PortSpec& p : TopPorts(Arch::kSparse12, c)) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"clk", "rst_n", "wr_en", "wr_row", "wr_w", "wr_e",
                                             "in_valid", "in_act", "out_valid", "out_data"}));
  EXPECT_EQ(TopPorts(Arch::kDense, c).size(), 9u);  // no wr_e
  EXPECT_EQ(TopPorts(Arch::kFlexcim, c).size(), 13u);
  EXPECT_EQ(TopPorts(Arch::kFlexcim, c).back(), (PortSpec{"out_data", true, 64 * 22}));
  EXPECT_EQ(TopPorts(Arch::kDense, c)[6], (PortSpec{"in_act", false, 64 * 8}));
  EXPECT_EQ(TraitsOf(Arch::kSparse12).top, "sparse12_top");
}

TEST(ConfigJson, RoundTripAndErrorsNameTheFile) {
  const MacroConfig bs = MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 1, .a_bits = 6, .w_bits = 5}).WithMac(MacStyle::kBitSerial);
  EXPECT_EQ(ConfigToJson(bs).dump(),
            R"({"P":2,"R":8,"C":4,"G":1,"A":6,"W":5,"mac":"bit-serial"})");
  EXPECT_EQ(ConfigToJson(MacroConfig::Default()).dump(),
            R"({"P":4,"R":16,"C":16,"G":16,"A":8,"W":8})");
  EXPECT_EQ(ConfigFromJson(nlohmann::json::parse(ConfigToJson(bs).dump()), "x.json"), bs);
  EXPECT_EQ(ErrorOf([] {
              ConfigFromJson(nlohmann::json::parse(R"({"P":2,"R":8,"C":4,"G":1,"A":6,"W":5,"mac":"serial"})"),
                             "x.json");
            }),
            "x.json: mac = serial: must be one of bit-parallel, bit-serial");
  EXPECT_EQ(ErrorOf([] {
              ConfigFromJson(nlohmann::json::parse(R"({"P":3,"R":8,"C":4,"G":1,"A":6,"W":5})"), "x.json");
            }),
            "x.json: P = 3: must be a power of two in [1, 16]");
}

TEST(ConfigJson, ManifestRoundTripAndStaleManifestRefused) {
  const MacroConfig bs = MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 4, .w_bits = 4}).WithMac(MacStyle::kBitSerial);
  for (const Arch arch : {Arch::kFlexcim, Arch::kDense, Arch::kSparse12}) {
    Manifest m = DerivedManifest(arch, bs);
    m.files = {"a.v"};
    const nlohmann::json j = nlohmann::json::parse(ManifestToJson(m).dump());
    EXPECT_EQ(j.at("mac"), "bit-serial");
    EXPECT_EQ(j.at("initiation_interval"), 4);
    const Manifest back = ManifestFromJson(j, "m.json");
    EXPECT_EQ(back.arch, arch);
    EXPECT_EQ(back.config, m.config);
    EXPECT_EQ(back.latency, m.latency);
    EXPECT_EQ(back.ports, m.ports);
  }
  // Latch storage: "latch_modules" after "storage", read back; flip-flop
  // manifests have no such key.
  Manifest latch = DerivedManifest(Arch::kDense, MacroConfig::Default().WithStorage(StorageKind::kLatch));
  latch.latch_modules = {"dcim_dense_storage_p4_r16_c16_a8_w8_latch"};
  const nlohmann::ordered_json lj = ManifestToJson(latch);
  EXPECT_EQ(std::next(lj.find("storage")).key(), "latch_modules");
  EXPECT_EQ(ManifestFromJson(nlohmann::json::parse(lj.dump()), "m.json").latch_modules, latch.latch_modules);
  EXPECT_FALSE(ManifestToJson(DerivedManifest(Arch::kDense, MacroConfig::Default())).contains("latch_modules"));
  nlohmann::json bad = nlohmann::json::parse(lj.dump());
  bad["latch_modules"] = {3};
  EXPECT_EQ(ErrorOf([&] { ManifestFromJson(bad, "m.json"); }), "m.json: \"latch_modules\" must hold strings");
  nlohmann::json stale = nlohmann::json::parse(ManifestToJson(DerivedManifest(Arch::kFlexcim, MacroConfig::Default())).dump());
  stale["latency"] = 6;
  EXPECT_EQ(ErrorOf([&] { ManifestFromJson(stale, "old/manifest.json"); }),
            "old/manifest.json: \"latency\" is 6 but p4_r16_c16_g16_a8_w8 derives 7 (written by "
            "another generator version or edited): regenerate it with flexcim gen");
}

}  // namespace
}  // namespace flexcim
