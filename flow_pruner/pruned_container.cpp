#include "flow_pruner/pruned_container.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/sha256.h"

namespace flexcim::pruner {

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

uint32_t ReadU32(const std::string& in, size_t at) {
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

  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(file.data(), static_cast<std::streamsize>(file.size()));
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw Error(fmt::format("{}: cannot write", path.string()));
    }
  }
  // A failed rename (e.g. the target is a non-empty directory) must not
  // leave the temporary behind either.
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw Error(fmt::format("{}: cannot write ({})", path.string(), ec.message()));
  }
}

PrunedContainer ReadContainer(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read", path.string()));
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string name = path.string();
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
  const size_t header_len = ReadU32(file, 12);
  const size_t payload_at = 16 + header_len + 4;
  if (file.size() < payload_at + kDigestBytes) {
    throw Error(fmt::format("{}: truncated ({} bytes, header says {} header bytes)", name,
                            file.size(), header_len));
  }
  const size_t payload_len = ReadU32(file, 16 + header_len);
  if (file.size() != payload_at + payload_len + kDigestBytes) {
    throw Error(fmt::format("{}: size {} bytes does not match its header ({} expected)", name,
                            file.size(), payload_at + payload_len + kDigestBytes));
  }
  const std::string_view body(file.data(), file.size() - kDigestBytes);
  if (RawDigest(body) != file.substr(file.size() - kDigestBytes)) {
    throw Error(fmt::format("{}: checksum mismatch (file corrupt)", name));
  }
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(file.substr(16, header_len));
    PrunedContainer c;
    const auto& m = h.at("macro");
    c.config = MacroConfig::Create(m.at("P"), m.at("R"), m.at("C"), m.at("G"), m.at("A"), m.at("W"));
    c.w_bits = h.at("w_bits");
    c.a_bits = h.at("a_bits");
    c.hardware_legal = h.at("hardware_legal");
    c.method = h.at("method");
    c.source_model_sha256 = h.at("source_model_sha256");
    const char* payload = file.data() + payload_at;
    for (const auto& e : h.at("layers")) {
      PrunedLayer l;
      l.block = e.at("block");
      l.name = e.at("name");
      l.rows = e.at("rows");
      l.cols = e.at("cols");
      l.pattern = {e.at("n").get<int>(), e.at("m").get<int>()};
      const size_t n = static_cast<size_t>(l.rows) * l.cols;
      const size_t mask_at = e.at("mask_offset"), w_at = e.at("weights_offset"),
                   s_at = e.at("scales_offset");
      if (mask_at + (n + 7) / 8 > payload_len || w_at + 2 * n > payload_len ||
          s_at + 4 * static_cast<size_t>(l.rows) > payload_len) {
        throw Error(fmt::format("{}: layer {}.{} points outside the payload", name, l.block, l.name));
      }
      l.mask.resize(n);
      for (size_t i = 0; i < n; ++i) {
        l.mask[i] = (static_cast<uint8_t>(payload[mask_at + i / 8]) >> (i % 8)) & 1u;
      }
      l.weights.resize(n);
      std::memcpy(l.weights.data(), payload + w_at, 2 * n);
      l.scales.resize(l.rows);
      std::memcpy(l.scales.data(), payload + s_at, 4 * static_cast<size_t>(l.rows));
      c.layers.push_back(std::move(l));
    }
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: bad header: {}", name, e.what()));
  }
}

}  // namespace flexcim::pruner
