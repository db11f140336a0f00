#include "flow_pruner/pruned_container.h"

#include <fmt/format.h>

#include <set>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/atomic_file.h"
#include "core/input_file.h"
#include "core/config_json.h"
#include "core/json_input.h"
#include "core/sha256.h"

namespace flexcim::pruner {

std::string PrunedLayer::FullName() const { return fmt::format("{}.{}", block, name); }

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'F', 'L', 'X', 'P', 'R', 'U', 'N', 'E'};
constexpr size_t kDigestBytes = 32;

template <typename T>
void Append(std::string& out, const T* data, size_t count) {
  out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
}

void AppendU32(std::string& out, uint32_t v) {
  const unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                              static_cast<unsigned char>(v >> 16),
                              static_cast<unsigned char>(v >> 24)};
  out.append(reinterpret_cast<const char*>(b), 4);
}

uint32_t ReadU32(std::string_view in, size_t at) {
  const auto* b = reinterpret_cast<const unsigned char*>(in.data() + at);
  return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24);
}

std::string RawDigest(std::string_view bytes) {
  std::string hex = Sha256Hex(bytes);
  std::string raw(kDigestBytes, '\0');
  for (size_t i = 0; i < kDigestBytes; ++i) {
    raw[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return raw;
}

std::vector<uint8_t> PackBits(const std::vector<uint8_t>& bits) {
  std::vector<uint8_t> out((bits.size() + 7) / 8, 0);
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) out[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  return out;
}

}  // namespace

void WriteContainer(const PrunedContainer& c, const fs::path& path) {
  nlohmann::json h;
  const MacroConfig& m = c.config;
  h["format"] = "flexcim-pruned";
  h["macro"] = {{"P", m.subs()}, {"R", m.rows()}, {"C", m.cols()},
                {"G", m.sel_group()}, {"A", m.a_bits()}, {"W", m.w_bits()}};
  h["w_bits"] = c.w_bits;
  h["a_bits"] = c.a_bits;
  h["hardware_legal"] = c.hardware_legal;
  h["method"] = c.method;
  h["source_model_sha256"] = c.source_model_sha256;
  std::string payload;
  h["layers"] = nlohmann::json::array();
  for (const PrunedLayer& l : c.layers) {
    const size_t n = static_cast<size_t>(l.rows) * l.cols;
    if (l.mask.size() != n || l.weights.size() != n || l.scales.size() != static_cast<size_t>(l.rows)) {
      throw Error(fmt::format("container: layer {}.{} has inconsistent sizes", l.block, l.name));
    }
    const auto bits = PackBits(l.mask);
    nlohmann::json e = {{"block", l.block}, {"name", l.name},  {"rows", l.rows},
                        {"cols", l.cols},   {"n", l.pattern.n}, {"m", l.pattern.m}};
    e["mask_offset"] = payload.size();
    Append(payload, bits.data(), bits.size());
    e["weights_offset"] = payload.size();
    Append(payload, l.weights.data(), l.weights.size());
    e["scales_offset"] = payload.size();
    Append(payload, l.scales.data(), l.scales.size());
    h["layers"].push_back(e);
  }
  const std::string header = h.dump();
  std::string file(kMagic, sizeof(kMagic));
  AppendU32(file, PrunedContainer::kVersion);
  AppendU32(file, static_cast<uint32_t>(header.size()));
  file += header;
  AppendU32(file, static_cast<uint32_t>(payload.size()));
  file += payload;
  file += RawDigest(file);

  // Unlike other outputs, a container is only written into an existing
  // directory (the prune output's staging directory).
  std::error_code ec;
  if (path.has_parent_path() && !fs::is_directory(path.parent_path(), ec)) {
    throw Error(fmt::format("{}: cannot write", path.string()));
  }
  WriteFileAtomically(path, file);
}

PrunedContainer ReadContainer(const fs::path& path) {
  return ParseContainer(ReadRegularFile(path), path.string());
}

namespace {

// [offset, offset + bytes) inside a payload of `payload_len` bytes, without
// overflow.
bool InsidePayload(uint64_t offset, uint64_t bytes, uint64_t payload_len) {
  return offset <= payload_len && bytes <= payload_len - offset;
}

PrunedLayer ParseLayer(const nlohmann::json& e, size_t index, const PrunedContainer& c, std::string_view payload,
                       const std::string& name) {
  PrunedLayer l;
  const std::string where = fmt::format("{}: layer #{}", name, index);
  l.block = static_cast<int>(JsonInteger(e, "block", 0, 1 << 20, where));
  l.name = JsonString(e, "name", where);
  if (l.name.empty() || l.name.size() > 64) {
    throw Error(fmt::format("{}: 'name' must have 1 to 64 characters", where));
  }
  const std::string layer = fmt::format("{}: layer {}.{}", name, l.block, l.name);
  const uint64_t payload_bits = static_cast<uint64_t>(payload.size()) * 8;
  l.rows = static_cast<int>(JsonInteger(e, "rows", 1, 1 << 24, layer));
  l.cols = static_cast<int>(JsonInteger(e, "cols", 1, 1 << 24, layer));
  const uint64_t n = static_cast<uint64_t>(l.rows) * static_cast<uint64_t>(l.cols);  // < 2^48
  if (n > payload_bits) {
    throw Error(fmt::format("{}: shape {}x{} needs more mask bits than the payload's {} bytes hold", layer,
                            l.rows, l.cols, payload.size()));
  }
  l.pattern = {static_cast<int>(JsonInteger(e, "n", 1, 1 << 10, layer)),
               static_cast<int>(JsonInteger(e, "m", 1, 1 << 10, layer))};
  if (l.pattern.n > l.pattern.m || (l.pattern.m & (l.pattern.m - 1)) != 0 ||
      (l.pattern.n & (l.pattern.n - 1)) != 0) {
    throw Error(fmt::format("{}: pattern {} is not N:M with powers of two N <= M", layer, l.pattern.ToString()));
  }
  if (c.hardware_legal && !l.pattern.SupportedBy(c.config)) {
    throw Error(fmt::format("{}: pattern {} is not one macro {} runs, although the header says "
                            "hardware_legal",
                            layer, l.pattern.ToString(), c.config.Name()));
  }
  const auto len = static_cast<int64_t>(payload.size());
  const uint64_t mask_at = JsonInteger(e, "mask_offset", 0, len, layer);
  const uint64_t w_at = JsonInteger(e, "weights_offset", 0, len, layer);
  const uint64_t s_at = JsonInteger(e, "scales_offset", 0, len, layer);
  if (!InsidePayload(mask_at, (n + 7) / 8, payload.size()) || !InsidePayload(w_at, 2 * n, payload.size()) ||
      !InsidePayload(s_at, 4 * static_cast<uint64_t>(l.rows), payload.size())) {
    throw Error(fmt::format("{}: points outside the payload ({} bytes)", layer, payload.size()));
  }
  l.mask.resize(n);
  for (size_t i = 0; i < n; ++i) {
    l.mask[i] = (static_cast<uint8_t>(payload[mask_at + i / 8]) >> (i % 8)) & 1u;
  }
  l.weights.resize(n);
  std::memcpy(l.weights.data(), payload.data() + w_at, 2 * n);
  l.scales.resize(l.rows);
  std::memcpy(l.scales.data(), payload.data() + s_at, 4 * static_cast<size_t>(l.rows));
  const int wmax = (1 << (c.w_bits - 1)) - 1;
  for (size_t i = 0; i < n; ++i) {
    if ((l.mask[i] == 0 && l.weights[i] != 0) || l.weights[i] < -wmax - 1 || l.weights[i] > wmax) {
      throw Error(fmt::format("{}: weight [{}][{}] = {} is {}", layer, i / l.cols, i % l.cols, l.weights[i],
                              l.mask[i] ? fmt::format("outside the {}-bit range", c.w_bits)
                                        : std::string("not 0 where the mask drops it")));
    }
  }
  for (int r = 0; r < l.rows; ++r) {
    if (!std::isfinite(l.scales[r]) || l.scales[r] < 0) {
      throw Error(fmt::format("{}: scale of output {} is {}; must be finite and >= 0", layer, r, l.scales[r]));
    }
  }
  return l;
}

}  // namespace

PrunedContainer ParseContainer(std::string_view file, const std::string& name) {
  if (file.size() < sizeof(kMagic) || std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0) {
    throw Error(fmt::format("{}: not a flexcim pruned container (bad magic)", name));
  }
  if (file.size() < sizeof(kMagic) + 12 + kDigestBytes) {
    throw Error(fmt::format("{}: truncated ({} bytes)", name, file.size()));
  }
  const uint32_t version = ReadU32(file, 8);
  if (version != PrunedContainer::kVersion) {
    throw Error(fmt::format("{}: container version {} is not supported (this build reads {})", name,
                            version, PrunedContainer::kVersion));
  }
  const uint64_t header_len = ReadU32(file, 12);
  const uint64_t payload_at = 16 + header_len + 4;
  if (file.size() < payload_at + kDigestBytes) {
    throw Error(fmt::format("{}: truncated ({} bytes, header says {} header bytes)", name,
                            file.size(), header_len));
  }
  const uint64_t payload_len = ReadU32(file, 16 + header_len);
  if (file.size() != payload_at + payload_len + kDigestBytes) {
    throw Error(fmt::format("{}: size {} bytes does not match its header ({} expected)", name,
                            file.size(), payload_at + payload_len + kDigestBytes));
  }
  const std::string_view body(file.data(), file.size() - kDigestBytes);
  if (RawDigest(body) != file.substr(file.size() - kDigestBytes)) {
    throw Error(fmt::format("{}: checksum mismatch (file corrupt)", name));
  }
  const std::string context = name + ": header";
  const nlohmann::json h = ParseJsonText(file.substr(16, header_len), context);
  if (JsonString(h, "format", context) != "flexcim-pruned") {
    throw Error(fmt::format("{}: 'format' is not \"flexcim-pruned\"", context));
  }
  PrunedContainer c;
  c.config = ConfigFromJson(JsonObject(h, "macro", context), context + " 'macro'");
  c.w_bits = static_cast<int>(JsonInteger(h, "w_bits", 2, c.config.w_bits(), context));
  c.a_bits = static_cast<int>(JsonInteger(h, "a_bits", 2, c.config.a_bits(), context));
  c.hardware_legal = JsonBool(h, "hardware_legal", context);
  c.method = JsonString(h, "method", context);
  c.source_model_sha256 = JsonString(h, "source_model_sha256", context);
  const std::string_view payload = file.substr(payload_at, payload_len);
  const nlohmann::json& layers = JsonArray(h, "layers", context);
  if (layers.empty()) throw Error(fmt::format("{}: no layers", context));
  std::set<std::pair<int, std::string>> seen;
  for (size_t i = 0; i < layers.size(); ++i) {
    c.layers.push_back(ParseLayer(layers[i], i, c, payload, name));
    const PrunedLayer& l = c.layers.back();
    if (!seen.emplace(l.block, l.name).second) {
      throw Error(fmt::format("{}: layer {}.{} appears twice (layer #{} repeats it)", name, l.block, l.name, i));
    }
  }
  return c;
}

}  // namespace flexcim::pruner
