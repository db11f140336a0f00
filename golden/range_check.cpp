#include "golden/range_check.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace flexcim::golden {

void RequireInRange(std::string_view what, int64_t value, int64_t lo, int64_t hi,
                    std::string_view param) {
  if (value >= lo && value <= hi) return;
  if (param.empty()) throw Error(fmt::format("{} {}: must be in [{}, {}]", what, value, lo, hi));
  throw Error(fmt::format("{} {}: must be in [{}, {}] for {}", what, value, lo, hi, param));
}

void RequireSigned(std::string_view what, int64_t value, int bits, std::string_view param) {
  if (FitsSigned(value, bits)) return;
  throw Error(fmt::format("{} {}: must fit {}-bit signed, [{}, {}] for {}", what, value, bits,
                          SignedMin(bits), SignedMax(bits), param));
}

}  // namespace flexcim::golden
