#include "verif/stimulus.h"

#include <gtest/gtest.h>

namespace flexcim::verif {
namespace {

TEST(Stimulus, SameSeedSameStream) {
  const MacroConfig c = MacroConfig::Default();
  const Stimulus a = RandomStimulus(c, {.vectors = 300, .seed = 5});
  const Stimulus b = RandomStimulus(c, {.vectors = 300, .seed = 5});
  ASSERT_EQ(a.cycles.size(), b.cycles.size());
  for (size_t i = 0; i < a.cycles.size(); ++i) {
    EXPECT_EQ(a.cycles[i].in_act, b.cycles[i].in_act);
    EXPECT_EQ(a.cycles[i].wr_w, b.cycles[i].wr_w);
  }
}

// Within the contract: no write (rst_n high) while a vector is in flight,
// every accepted vector has a legal N, every row loaded before the first one.
TEST(Stimulus, StaysInsideTheContract) {
  for (const MacroConfig& c :
       {MacroConfig::Default(), MacroConfig::Create(1, 4, 4, 4, 8, 8),
        MacroConfig::Create(8, 8, 8, 2, 8, 8)}) {
    const Stimulus s = RandomStimulus(c, {.vectors = 2000, .seed = 11});
    EXPECT_GE(s.stats.delivered(), 2000);
    EXPECT_GT(s.stats.resets, 0);
    int64_t last_vector = -1;
    int writes_before_first_vector = 0;
    bool seen_vector = false;
    for (size_t t = 0; t < s.cycles.size(); ++t) {
      const auto& in = s.cycles[t];
      if (!in.rst_n) {
        last_vector = -1;
        continue;
      }
      if (in.wr_en) {
        EXPECT_TRUE(last_vector < 0 ||
                    static_cast<int64_t>(t) > last_vector + c.output_edge_offset())
            << "write at edge " << t << " while vector of edge " << last_vector << " in flight";
        if (!seen_vector) ++writes_before_first_vector;
      }
      if (in.in_valid) {
        EXPECT_GE(in.in_nlog2, 0);
        EXPECT_LE(in.in_nlog2, c.max_nlog2());
        last_vector = static_cast<int64_t>(t);
        seen_vector = true;
      }
    }
    EXPECT_EQ(writes_before_first_vector, c.subs() * c.rows());
  }
}

}  // namespace
}  // namespace flexcim::verif
