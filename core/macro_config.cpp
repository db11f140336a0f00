#include "core/macro_config.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace flexcim {

bool IsPowerOfTwo(long long x) { return x > 0 && (x & (x - 1)) == 0; }

int Log2Exact(int x) {
  if (!IsPowerOfTwo(x)) throw Error(fmt::format("Log2Exact({}): not a power of two", x));
  int n = 0;
  while ((1 << n) < x) ++n;
  return n;
}

namespace {

void RequirePowerOfTwoIn(const char* flag, int value, int lo, int hi) {
  if (!IsPowerOfTwo(value) || value < lo || value > hi) {
    throw UsageError(fmt::format("{} {}: must be a power of two in [{}, {}]", flag, value, lo, hi));
  }
}

void RequireIn(const char* flag, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    throw UsageError(fmt::format("{} {}: must be an integer in [{}, {}]", flag, value, lo, hi));
  }
}

}  // namespace

MacroConfig MacroConfig::Create(int subs, int rows, int cols, int sel_group, int a_bits,
                                int w_bits) {
  RequirePowerOfTwoIn("--subs", subs, 1, 16);
  RequirePowerOfTwoIn("--rows", rows, 2, 256);
  RequirePowerOfTwoIn("--cols", cols, 1, 256);
  if (sel_group == 0) sel_group = cols;  // negative values are refused below
  RequirePowerOfTwoIn("--sel-group", sel_group, 1, cols);
  RequireIn("--a-bits", a_bits, 2, 16);
  RequireIn("--w-bits", w_bits, 2, 16);
  return MacroConfig(subs, rows, cols, sel_group, a_bits, w_bits);
}

MacroConfig MacroConfig::Default() {
  return Create(kDefaultSubs, kDefaultRows, kDefaultCols, kDefaultCols, kDefaultBits,
                kDefaultBits);
}

int MacroConfig::sel_bits() const { return log2_subs() > 0 ? log2_subs() : 1; }

std::string MacroConfig::Name() const {
  return fmt::format("p{}_r{}_c{}_g{}_a{}_w{}", subs_, rows_, cols_, sel_group_, a_bits_,
                     w_bits_);
}

std::string MacroConfig::Flags() const {
  return fmt::format("--subs {} --rows {} --cols {} --sel-group {} --a-bits {} --w-bits {}",
                     subs_, rows_, cols_, sel_group_, a_bits_, w_bits_);
}

}  // namespace flexcim
