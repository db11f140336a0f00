#include "core/accel_config.h"

#include <fmt/format.h>

#include "core/arch_traits.h"
#include "core/errors.h"

namespace flexcim {

namespace {

int BitsFor(int64_t count) {  // bits to address `count` values (>= 1)
  int bits = 1;
  while ((int64_t{1} << bits) < count) ++bits;
  return bits;
}

int PortWidth(Arch arch, const MacroConfig& macro, const char* name) {
  for (const PortSpec& p : TopPorts(arch, macro)) {
    if (p.name == name) return p.width;
  }
  return 0;
}

void RequireAtLeast(const char* flag, int64_t value, int64_t minimum, const std::string& why = "") {
  if (value < minimum) {
    throw UsageError(fmt::format("--{} {}: must be >= {}{}", flag, value, why.empty() ? "" : why + " = ",
                                 minimum));
  }
}

}  // namespace

AccelConfig AccelConfig::Create(Arch arch, const MacroConfig& macro, const AccelParams& p) {
  if (p.macros < 1 || p.macros > 16) throw UsageError(fmt::format("--macros {}: must be in 1..16", p.macros));
  const AccelConfig c(arch, macro, p);
  RequireAtLeast("wbuf-rows", p.wbuf_rows, c.tile_rows(), "P*R");
  RequireAtLeast("abuf-words", p.abuf_words, 1);
  RequireAtLeast("obuf-rows", p.obuf_rows, 1);
  RequireAtLeast("descriptors", p.descriptors, 1);
  RequireAtLeast("max-tokens", p.max_tokens, 1);
  for (auto [flag, value] : {std::pair{"wbuf-rows", p.wbuf_rows}, {"abuf-words", p.abuf_words},
                             {"obuf-rows", p.obuf_rows}, {"descriptors", p.descriptors},
                             {"max-tokens", p.max_tokens}}) {
    if (value > (1 << 20)) throw UsageError(fmt::format("--{} {}: must be <= 1048576", flag, value));
  }
  if (c.desc_bits() > 64) throw UsageError("accelerator buffers too deep: a descriptor needs more than 64 bits");
  return c;
}

bool AccelConfig::has_pair_select() const { return TraitsOf(arch_).has_pair_select; }
bool AccelConfig::has_elements() const { return TraitsOf(arch_).has_elements; }
int AccelConfig::tile_rows() const { return macro_.subs() * macro_.rows(); }
int AccelConfig::row_index_bits() const { return Log2Exact(tile_rows()); }
int AccelConfig::w_field_bits() const { return PortWidth(arch_, macro_, "wr_w"); }
int AccelConfig::e_field_bits() const { return PortWidth(arch_, macro_, "wr_e"); }
int AccelConfig::sel_field_bits() const { return PortWidth(arch_, macro_, "wr_sel"); }
int AccelConfig::act_bits() const { return PortWidth(arch_, macro_, "in_act"); }

int AccelConfig::out_lanes() const {
  return arch_ == Arch::kFlexcim ? macro_.output_lanes() : BaselineConfig::For(arch_, macro_).output_lanes();
}
int AccelConfig::out_width() const {
  return arch_ == Arch::kFlexcim ? macro_.output_width() : BaselineConfig::For(arch_, macro_).output_width();
}
int AccelConfig::latency() const {
  return arch_ == Arch::kFlexcim ? macro_.pipeline_latency()
                                 : BaselineConfig::For(arch_, macro_).pipeline_latency();
}
int AccelConfig::initiation_interval() const {
  return arch_ == Arch::kFlexcim ? macro_.initiation_interval()
                                 : BaselineConfig::For(arch_, macro_).initiation_interval();
}
int AccelConfig::max_nlog2() const { return arch_ == Arch::kFlexcim ? macro_.max_nlog2() : 0; }

int AccelConfig::wbuf_addr_bits() const { return BitsFor(params_.wbuf_rows); }
int AccelConfig::abuf_addr_bits() const { return BitsFor(params_.abuf_words); }
int AccelConfig::orow_bits() const { return BitsFor(params_.obuf_rows); }
int AccelConfig::obuf_addr_bits() const { return BitsFor(int64_t{params_.obuf_rows} * out_lanes()); }
int AccelConfig::desc_addr_bits() const { return BitsFor(params_.descriptors); }
int AccelConfig::tile_count_bits() const { return BitsFor(int64_t{params_.descriptors} + 1); }
int AccelConfig::token_count_bits() const { return BitsFor(int64_t{params_.max_tokens} + 1); }

uint64_t AccelConfig::PackDescriptor(const TileDescriptor& d) const {
  return static_cast<uint64_t>(d.wbase) << desc_wbase_lsb() | static_cast<uint64_t>(d.abase) << desc_abase_lsb() |
         static_cast<uint64_t>(d.orow) << desc_orow_lsb() | static_cast<uint64_t>(d.nlog2) << desc_nlog2_lsb() |
         static_cast<uint64_t>(d.first ? 1 : 0) << desc_first_lsb();
}

TileDescriptor AccelConfig::UnpackDescriptor(uint64_t bits) const {
  auto field = [&](int lsb, int width) { return static_cast<int64_t>((bits >> lsb) & ((uint64_t{1} << width) - 1)); };
  TileDescriptor d;
  d.wbase = field(desc_wbase_lsb(), wbuf_addr_bits());
  d.abase = field(desc_abase_lsb(), abuf_addr_bits());
  d.orow = field(desc_orow_lsb(), orow_bits());
  d.nlog2 = static_cast<int>(field(desc_nlog2_lsb(), 4));
  d.first = field(desc_first_lsb(), 1) != 0;
  return d;
}

std::string AccelConfig::SizeName() const {
  return fmt::format("q{}_wb{}_ab{}_ob{}_d{}_t{}", params_.macros, params_.wbuf_rows, params_.abuf_words,
                     params_.obuf_rows, params_.descriptors, params_.max_tokens);
}

std::string AccelConfig::MacroName() const {
  return arch_ == Arch::kFlexcim ? macro_.Name() : BaselineConfig::For(arch_, macro_).QualifiedName();
}

std::string AccelConfig::TopName() const { return fmt::format("accel_{}_{}", MacroName(), SizeName()); }

std::string AccelConfig::Flags() const {
  return fmt::format("--accel --arch {} {} --macros {} --wbuf-rows {} --abuf-words {} --obuf-rows {} "
                     "--descriptors {} --max-tokens {}",
                     ArchName(arch_), macro_.Flags(), params_.macros, params_.wbuf_rows, params_.abuf_words,
                     params_.obuf_rows, params_.descriptors, params_.max_tokens);
}

}  // namespace flexcim
