#include "golden/fast_model.h"

#include <gtest/gtest.h>

#include "golden/reference_model.h"
#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;
using testing::RandomValues;

MacroStorage RandomStorage(const MacroConfig& c, RandomValues& rv, bool all_min = false) {
  MacroStorage s(c);
  for (int k = 0; k < c.subs(); ++k) {
    for (int r = 0; r < c.rows(); ++r) {
      for (int col = 0; col < c.cols(); ++col) {
        s.SetWeight(k, r, col, all_min ? -(1 << (c.w_bits() - 1)) : rv.Signed(c.w_bits()));
        s.SetElement(k, r, col, static_cast<int>(rv.Uniform(0, 1)));
      }
      for (int q = 0; q < c.select_groups(); ++q) {
        s.SetSelect(k, r, q, static_cast<int>(rv.Uniform(0, c.subs() - 1)));
      }
    }
  }
  return s;
}

std::vector<int32_t> RandomActs(const MacroConfig& c, RandomValues& rv, int count,
                                bool all_min = false) {
  std::vector<int32_t> act(static_cast<size_t>(c.act_lanes()) * count);
  for (auto& a : act) a = all_min ? -(1 << (c.a_bits() - 1)) : rv.Signed(c.a_bits());
  return act;
}

// Every kernel, every nlog2, a batch of vectors: equal to ReferenceCompute.
void ExpectEqualToReference(const MacroConfig& c, RandomValues& rv, int vectors, bool all_min) {
  const MacroStorage s = RandomStorage(c, rv, all_min);
  const std::vector<int32_t> acts = RandomActs(c, rv, vectors, all_min);
  const size_t in = static_cast<size_t>(c.act_lanes()), out = static_cast<size_t>(c.output_lanes());
  for (int nlog2 = 0; nlog2 <= c.max_nlog2(); ++nlog2) {
    std::vector<int64_t> want;
    for (int v = 0; v < vectors; ++v) {
      const std::vector<int32_t> one(acts.begin() + v * in, acts.begin() + (v + 1) * in);
      const std::vector<int64_t> o = ReferenceCompute(s, one, nlog2);
      want.insert(want.end(), o.begin(), o.end());
    }
    for (FastKernel k : {FastKernel::kAuto, FastKernel::kScalarInt32, FastKernel::kScalarInt64}) {
      const FastModel f(s, k);
      std::vector<int64_t> got(out * vectors, -999);
      f.ComputeBatch(acts.data(), vectors, nlog2, got.data());
      ASSERT_EQ(got, want) << c.Name() << " nlog2 " << nlog2 << " kernel "
                           << FastKernelName(f.kernel());
    }
  }
}

TEST(FastModel, EqualsReferenceOverManyConfigurations) {
  RandomValues rv(2024);
  // Extremes and the int32/int64 boundary (A+W+log2R = 31 vs 32).
  const std::vector<MacroConfig> fixed = {
      MacroConfig::Default(),
      MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2}),
      MacroConfig::Create({.subs = 1, .rows = 256, .cols = 8, .sel_group = 8, .a_bits = 8, .w_bits = 8}),
      MacroConfig::Create({.subs = 16, .rows = 2, .cols = 8, .sel_group = 1, .a_bits = 8, .w_bits = 8}),
      MacroConfig::Create({.subs = 2, .rows = 4, .cols = 16, .sel_group = 4, .a_bits = 3, .w_bits = 9}),
      MacroConfig::Create({.subs = 4, .rows = 16, .cols = 32, .sel_group = 2, .a_bits = 8, .w_bits = 8}),
      MacroConfig::Create({.subs = 4, .rows = 8, .cols = 16, .sel_group = 8, .a_bits = 8, .w_bits = 8}),
      MacroConfig::Create({.subs = 8, .rows = 128, .cols = 8, .sel_group = 8, .a_bits = 12, .w_bits = 12}),  // 31 bits: int32 kernels
      MacroConfig::Create({.subs = 8, .rows = 256, .cols = 8, .sel_group = 8, .a_bits = 12, .w_bits = 12}),  // 32 bits: int64
      MacroConfig::Create({.subs = 2, .rows = 2, .cols = 8, .sel_group = 8, .a_bits = 16, .w_bits = 14}),    // 31 bits
      MacroConfig::Create({.subs = 16, .rows = 256, .cols = 16, .sel_group = 16, .a_bits = 16, .w_bits = 16}),
      MacroConfig::Create({.subs = 4, .rows = 16, .cols = 256, .sel_group = 256, .a_bits = 8, .w_bits = 8}),
  };
  for (const MacroConfig& c : fixed) {
    ExpectEqualToReference(c, rv, 3, false);
    ExpectEqualToReference(c, rv, 1, true);
  }
  // Random configurations.
  for (int i = 0; i < 150; ++i) {
    const int p = 1 << rv.Uniform(0, 4), r = 1 << rv.Uniform(1, 6), c = 1 << rv.Uniform(0, 6);
    const int g = 1 << rv.Uniform(0, Log2Exact(c));
    const MacroConfig cfg = MacroConfig::Create({.subs = p, .rows = r, .cols = c, .sel_group = g, .a_bits = static_cast<int>(rv.Uniform(2, 16)), .w_bits = static_cast<int>(rv.Uniform(2, 16))});
    ExpectEqualToReference(cfg, rv, 2, rv.Chance(20));
  }
}

TEST(FastModel, PicksTheKernelThatApplies) {
  RandomValues rv(1);
  const MacroStorage narrow(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8}));
  EXPECT_EQ(FastModel(narrow).kernel(), FastKernel::kScalarInt32);  // C < 8
  const MacroStorage wide(MacroConfig::Create({.subs = 2, .rows = 4, .cols = 8, .sel_group = 8, .a_bits = 16, .w_bits = 16}));
  EXPECT_EQ(FastModel(wide).kernel(), FastKernel::kScalarInt64);
  EXPECT_EQ(FastModel(wide, FastKernel::kScalarInt32).kernel(), FastKernel::kScalarInt64);
  const MacroStorage d(MacroConfig::Default());
  EXPECT_EQ(FastModel(d, FastKernel::kScalarInt64).kernel(), FastKernel::kScalarInt64);
  EXPECT_NE(FastModel(d).kernel(), FastKernel::kScalarInt64);
  EXPECT_EQ(FastModel(d).macs_per_vector(), 1024);
}

TEST(FastModel, RejectsBadInputsLikeReference) {
  const FastModel f{MacroStorage(MacroConfig::Default())};  // braces: not a function declaration (clang)
  std::vector<int32_t> act(128, 0);
  EXPECT_EQ(ErrorOf([&] { f.Compute(act, 3); }), "in_nlog2 3: must be in [0, 2] for P = 4");
  act[127] = -200;
  EXPECT_EQ(ErrorOf([&] { f.Compute(act, 0); }),
            "in_act lane 127 (x[15][7]) -200: must be in [-128, 127] for A = 8");
  EXPECT_EQ(ErrorOf([&] { f.Compute(std::vector<int32_t>(3, 0), 0); }),
            "in_act has 3 lanes: must have R*2P = 128");
}

}  // namespace
}  // namespace flexcim::golden
