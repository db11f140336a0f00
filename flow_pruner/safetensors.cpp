#include "flow_pruner/safetensors.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/errors.h"

namespace flexcim::pruner {

static_assert(std::endian::native == std::endian::little,
              "safetensors is little-endian; big-endian hosts are not supported");

namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // the format's own limit
constexpr size_t kReleaseChunkBytes = size_t{16} << 20;

bool ParseDtype(std::string_view name, TensorDtype& dtype) {
  for (const TensorDtype d : {TensorDtype::kF32, TensorDtype::kF16, TensorDtype::kBF16}) {
    if (DtypeName(d) == name) {
      dtype = d;
      return true;
    }
  }
  return false;
}

// Elements of `shape`, false on overflow.
bool ElementCount(const std::vector<int64_t>& shape, int64_t& count) {
  count = 1;
  for (const int64_t d : shape) {
    if (__builtin_mul_overflow(count, d, &count)) return false;
  }
  return true;
}

SafetensorsTensor ParseEntry(const std::string& name, const OrderedJson& e, std::string_view source) {
  auto fail = [&](std::string_view what) {
    return Error(fmt::format("{}: tensor {}: {}", source, name, what));
  };
  if (!e.is_object() || !e.contains("dtype") || !e.contains("shape") ||
      !e.contains("data_offsets")) {
    throw fail("bad JSON header entry: needs dtype, shape and data_offsets");
  }
  SafetensorsTensor t;
  t.name = name;
  const OrderedJson& dtype = e["dtype"];
  if (!dtype.is_string()) throw fail("bad JSON header entry: dtype must be a string");
  if (!ParseDtype(dtype.get<std::string>(), t.dtype)) {
    throw fail(fmt::format("dtype {} is not supported (F32, F16, BF16)", dtype.get<std::string>()));
  }
  const OrderedJson& shape = e["shape"];
  if (!shape.is_array()) throw fail("bad JSON header entry: shape must be a list of non-negative integers");
  for (const OrderedJson& d : shape) {
    if (!d.is_number_unsigned() || d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      throw fail("bad JSON header entry: shape must be a list of non-negative integers");
    }
    t.shape.push_back(d.get<int64_t>());
  }
  const OrderedJson& offsets = e["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned() || offsets[0].get<uint64_t>() > offsets[1].get<uint64_t>()) {
    throw fail("bad JSON header entry: data_offsets must be [begin, end] with 0 <= begin <= end");
  }
  t.begin = offsets[0].get<uint64_t>();
  t.end = offsets[1].get<uint64_t>();
  int64_t count = 0;
  uint64_t needed = 0;
  if (!ElementCount(t.shape, count) ||
      __builtin_mul_overflow(static_cast<uint64_t>(count), DtypeBytes(t.dtype), &needed)) {
    throw fail(fmt::format("shape [{}] has more elements than fit in a file", fmt::join(t.shape, ", ")));
  }
  if (t.end - t.begin != needed) {
    throw fail(fmt::format("data_offsets [{}, {}] hold {} bytes but shape [{}] in {} needs {}",
                           t.begin, t.end, t.end - t.begin, fmt::join(t.shape, ", "),
                           DtypeName(t.dtype), needed));
  }
  return t;
}

// Tensors in data-buffer order: decreasing element size, then given order.
std::vector<size_t> LayoutOrder(const std::vector<SafetensorsOutput>& tensors) {
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return DtypeBytes(tensors[a].dtype) > DtypeBytes(tensors[b].dtype);
  });
  return order;
}

int64_t RowsOf(const std::vector<int64_t>& shape) { return shape.size() >= 2 ? shape[0] : 1; }

void ConvertRow(TensorDtype dtype, const char* src, int64_t n, float* out, bool& non_finite) {
  bool bad = false;
  switch (dtype) {
    case TensorDtype::kF32:
      std::memcpy(out, src, static_cast<size_t>(n) * 4);
      for (int64_t i = 0; i < n; ++i) bad |= !std::isfinite(out[i]);
      break;
    case TensorDtype::kBF16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t b;
        std::memcpy(&b, src + 2 * i, 2);
        bad |= (b & 0x7F80u) == 0x7F80u;
        out[i] = std::bit_cast<float>(static_cast<uint32_t>(b) << 16);
      }
      break;
    case TensorDtype::kF16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t b;
        std::memcpy(&b, src + 2 * i, 2);
        bad |= (b & 0x7C00u) == 0x7C00u;
        out[i] = F16ToFloat(b);
      }
      break;
  }
  non_finite |= bad;
}

void AppendConverted(TensorDtype dtype, const float* row, int64_t n, std::string& buffer) {
  const size_t at = buffer.size();
  buffer.resize(at + static_cast<size_t>(n) * DtypeBytes(dtype));
  char* dst = buffer.data() + at;
  switch (dtype) {
    case TensorDtype::kF32:
      std::memcpy(dst, row, static_cast<size_t>(n) * 4);
      break;
    case TensorDtype::kBF16:
      for (int64_t i = 0; i < n; ++i) {
        const uint16_t b = FloatToBf16(row[i]);
        std::memcpy(dst + 2 * i, &b, 2);
      }
      break;
    case TensorDtype::kF16:
      for (int64_t i = 0; i < n; ++i) {
        const uint16_t b = FloatToF16(row[i]);
        std::memcpy(dst + 2 * i, &b, 2);
      }
      break;
  }
}

}  // namespace

std::string_view DtypeName(TensorDtype dtype) {
  switch (dtype) {
    case TensorDtype::kF32: return "F32";
    case TensorDtype::kF16: return "F16";
    case TensorDtype::kBF16: return "BF16";
  }
  return "?";
}

int DtypeBytes(TensorDtype dtype) { return dtype == TensorDtype::kF32 ? 4 : 2; }

int64_t SafetensorsTensor::elements() const {
  int64_t n = 0;
  ElementCount(shape, n);
  return n;
}

const SafetensorsTensor* SafetensorsHeader::Find(std::string_view name) const {
  for (const SafetensorsTensor& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

SafetensorsHeader ParseSafetensorsHeader(std::string_view bytes, uint64_t file_size,
                                         std::string_view source) {
  if (file_size < 8 || bytes.size() < 8) {
    throw Error(fmt::format("{}: truncated: file has {} bytes, less than the 8-byte header length",
                            source, file_size));
  }
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  if (n > kMaxHeaderBytes) {
    throw Error(fmt::format("{}: bad JSON header: length {} is over the format's limit of {} bytes",
                            source, n, kMaxHeaderBytes));
  }
  if (n > file_size - 8 || n > bytes.size() - 8) {
    throw Error(fmt::format("{}: truncated: header length {} exceeds the {} bytes after the length field",
                            source, n, file_size - 8));
  }
  const OrderedJson j = OrderedJson::parse(bytes.substr(8, n), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw Error(fmt::format("{}: bad JSON header: not valid JSON", source));
  if (!j.is_object()) {
    throw Error(fmt::format("{}: bad JSON header: the top level is not an object", source));
  }
  SafetensorsHeader h;
  h.data_start = 8 + n;
  const uint64_t buffer = file_size - h.data_start;
  for (const auto& [key, value] : j.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) {
        throw Error(fmt::format("{}: bad JSON header: __metadata__ must map strings to strings", source));
      }
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) {
          throw Error(fmt::format("{}: bad JSON header: __metadata__ must map strings to strings", source));
        }
        h.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    SafetensorsTensor t = ParseEntry(key, value, source);
    if (t.end > buffer) {
      throw Error(fmt::format(
          "{}: tensor {}: data_offsets [{}, {}] end beyond the data buffer ({} bytes): the file is "
          "truncated",
          source, t.name, t.begin, t.end, buffer));
    }
    h.tensors.push_back(std::move(t));
  }
  // The tensors must tile the buffer exactly.
  std::vector<const SafetensorsTensor*> by_offset;
  for (const SafetensorsTensor& t : h.tensors) by_offset.push_back(&t);
  std::stable_sort(by_offset.begin(), by_offset.end(),
                   [](const auto* a, const auto* b) { return a->begin < b->begin; });
  uint64_t at = 0;
  for (const SafetensorsTensor* t : by_offset) {
    if (t->begin != at) {
      throw Error(fmt::format(
          "{}: tensor {}: data_offsets [{}, {}] {} the previous tensor's data (which ends at {})",
          source, t->name, t->begin, t->end, t->begin < at ? "overlap" : "leave a gap after", at));
    }
    at = t->end;
  }
  if (at != buffer) {
    throw Error(fmt::format("{}: {} bytes after the last tensor's data (the header accounts for {} of {})",
                            source, buffer - at, at, buffer));
  }
  return h;
}

SafetensorsFile::SafetensorsFile(const std::string& path)
    : file_(path), header_(ParseSafetensorsHeader(file_.bytes(), file_.size(), path)) {}

void SafetensorsFile::ReadFp32(const SafetensorsTensor& t, float* out,
                               const std::function<int64_t(int64_t)>& destination_row) const {
  const int64_t rows = RowsOf(t.shape);
  if (rows == 0 || t.elements() == 0) return;
  const int64_t row_elements = t.elements() / rows;
  const size_t row_bytes = static_cast<size_t>(row_elements) * DtypeBytes(t.dtype);
  const size_t start = header_.data_start + t.begin;
  const char* base = file_.bytes().data() + start;
  size_t released = start;
  bool non_finite = false;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t dest = destination_row ? destination_row(r) : r;
    ConvertRow(t.dtype, base + static_cast<size_t>(r) * row_bytes, row_elements,
               out + dest * row_elements, non_finite);
    if (non_finite) {
      const float* row = out + dest * row_elements;
      for (int64_t i = 0; i < row_elements; ++i) {
        if (!std::isfinite(row[i])) {
          throw Error(fmt::format("{}: tensor {} has a non-finite value ({}) at element {}",
                                  path(), t.name, row[i], r * row_elements + i));
        }
      }
    }
    const size_t done = start + static_cast<size_t>(r + 1) * row_bytes;
    if (done - released >= kReleaseChunkBytes) {
      file_.Release(released, done);
      released = done;
    }
  }
  file_.Release(released, header_.data_start + t.end);
}

std::string SafetensorsHeaderBytes(const std::vector<SafetensorsOutput>& tensors,
                                   const std::map<std::string, std::string>& metadata) {
  OrderedJson j = OrderedJson::object();
  if (!metadata.empty()) j["__metadata__"] = metadata;
  uint64_t at = 0;
  for (const size_t i : LayoutOrder(tensors)) {
    const SafetensorsOutput& t = tensors[i];
    int64_t count = 0;
    if (!ElementCount(t.shape, count)) {
      throw Error(fmt::format("tensor {}: shape too large to write", t.name));
    }
    const uint64_t bytes = static_cast<uint64_t>(count) * DtypeBytes(t.dtype);
    j[t.name] = {{"dtype", DtypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {at, at + bytes}}};
    at += bytes;
  }
  std::string text = j.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const uint64_t n = text.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  return out + text;
}

void WriteSafetensors(const std::string& path, const std::vector<SafetensorsOutput>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(fmt::format("{}: cannot create", path));
  const std::string header = SafetensorsHeaderBytes(tensors, metadata);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  std::string buffer;
  for (const size_t i : LayoutOrder(tensors)) {
    const SafetensorsOutput& t = tensors[i];
    int64_t count = 0;
    ElementCount(t.shape, count);
    const int64_t rows = RowsOf(t.shape);
    const int64_t row_elements = rows == 0 ? 0 : count / rows;
    for (int64_t r = 0; r < rows && row_elements > 0; ++r) {
      AppendConverted(t.dtype, t.row(r), row_elements, buffer);
      if (buffer.size() >= (size_t{4} << 20)) {
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
      }
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out.close();
  if (!out) throw Error(fmt::format("{}: write failed", path));
}

float Bf16ToFloat(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }

uint16_t FloatToBf16(float value) {
  const uint32_t u = std::bit_cast<uint32_t>(value);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);
  return static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

#if defined(__clang__) && __clang_major__ < 15
// clang 14 (the sanitizer and fuzz build) has no _Float16 on x86-64: the
// same IEEE binary16 conversions (round to nearest even) in software.
float F16ToFloat(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  const uint32_t exp = (bits >> 10) & 0x1Fu, mant = bits & 0x3FFu;
  if (exp == 0) {
    const float magnitude = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7F800000u | (mant << 13) | (mant ? 0x400000u : 0u));  // NaNs quiet
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t FloatToF16(float value) {
  const uint32_t u = std::bit_cast<uint32_t>(value);
  const auto sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
  const float a = std::fabs(value);
  if (std::isnan(value)) return static_cast<uint16_t>(sign | 0x7E00u | ((u >> 13) & 0x3FFu));
  if (a >= 65520.0f) return static_cast<uint16_t>(sign | 0x7C00u);
  if (a < 6.103515625e-05f) {  // below 2^-14: subnormal (or zero) halves
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(a * 16777216.0f)));
  }
  const uint32_t e = ((u >> 23) & 0xFFu) - 127 + 15, m = u & 0x7FFFFFu;
  uint32_t half = (e << 10) | (m >> 13);
  const uint32_t rest = m & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
  return static_cast<uint16_t>(sign | half);
}
#else
float F16ToFloat(uint16_t bits) { return static_cast<float>(std::bit_cast<_Float16>(bits)); }

uint16_t FloatToF16(float value) { return std::bit_cast<uint16_t>(static_cast<_Float16>(value)); }
#endif

}  // namespace flexcim::pruner
