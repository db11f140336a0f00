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

MacroConfig MacroConfig::Create(const MacroParams& params) {
  MacroParams p = params;
  RequirePowerOfTwoIn("--subs", p.subs, 1, 16);
  RequirePowerOfTwoIn("--rows", p.rows, 2, 256);
  RequirePowerOfTwoIn("--cols", p.cols, 1, 256);
  if (p.sel_group == 0) p.sel_group = p.cols;  // negative values are refused below
  RequirePowerOfTwoIn("--sel-group", p.sel_group, 1, p.cols);
  RequireIn("--a-bits", p.a_bits, 2, 16);
  RequireIn("--w-bits", p.w_bits, 2, 16);
  return MacroConfig(p);
}

MacroConfig MacroConfig::WithMac(MacStyle mac) const {
  MacroParams p = params();
  p.mac = mac;
  return MacroConfig(p);
}

MacroConfig MacroConfig::WithStorage(StorageKind storage) const {
  MacroParams p = params();
  p.storage = storage;
  return MacroConfig(p);
}

MacroConfig MacroConfig::Default() {
  return Create({.subs = kDefaultSubs, .rows = kDefaultRows, .cols = kDefaultCols, .sel_group = kDefaultCols,
                 .a_bits = kDefaultBits, .w_bits = kDefaultBits});
}

int MacroConfig::sel_bits() const { return log2_subs() > 0 ? log2_subs() : 1; }

namespace {

// "_bs" / "_latch" for the non-default cell style and storage kind.
std::string StyleSuffix(MacStyle mac, StorageKind storage) {
  std::string s;
  if (mac == MacStyle::kBitSerial) s += "_bs";
  if (storage == StorageKind::kLatch) s += "_latch";
  return s;
}

// " --mac bit-serial" / " --storage latch" for the non-default ones.
std::string StyleFlags(MacStyle mac, StorageKind storage) {
  std::string s;
  if (mac != MacStyle::kBitParallel) s += fmt::format(" --mac {}", MacStyleName(mac));
  if (storage != StorageKind::kFlipFlop) s += fmt::format(" --storage {}", StorageKindName(storage));
  return s;
}

}  // namespace

std::string MacroConfig::Name() const {
  return fmt::format("p{}_r{}_c{}_g{}_a{}_w{}{}", subs_, rows_, cols_, sel_group_, a_bits_,
                     w_bits_, StyleSuffix(mac_, storage_));
}

std::string MacroStyleSuffix(const MacroConfig& c) { return StyleSuffix(c.mac(), c.storage()); }
std::string MacroStyleFlags(const MacroConfig& c) { return StyleFlags(c.mac(), c.storage()); }

std::string MacroConfig::Flags() const {
  return fmt::format("--subs {} --rows {} --cols {} --sel-group {} --a-bits {} --w-bits {}{}",
                     subs_, rows_, cols_, sel_group_, a_bits_, w_bits_, StyleFlags(mac_, storage_));
}

}  // namespace flexcim
