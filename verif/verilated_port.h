// VerilatedPort: writes and reads a Verilator port of any width from
// 32-bit words, so one testbench drives every configuration (Verilator
// picks CData/SData/IData/QData/VlWide<N> by width).
#pragma once

#include <verilated.h>

#include <cstdint>
#include <type_traits>

#include "verif/lane_packing.h"

namespace flexcim::verif {

template <typename T>
  requires std::is_integral_v<T>
void WritePort(T& port, const Words& words) {
  uint64_t v = words.empty() ? 0 : words[0];
  if constexpr (sizeof(T) > 4) {
    if (words.size() > 1) v |= static_cast<uint64_t>(words[1]) << 32;
  }
  port = static_cast<T>(v);
}

template <std::size_t N>
void WritePort(VlWide<N>& port, const Words& words) {
  for (std::size_t i = 0; i < N; ++i) port.at(i) = i < words.size() ? words[i] : 0u;
}

template <typename T>
  requires std::is_integral_v<T>
Words ReadPort(const T& port) {
  const uint64_t v = static_cast<uint64_t>(port);
  if constexpr (sizeof(T) > 4) {
    return {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)};
  } else {
    return {static_cast<uint32_t>(v)};
  }
}

template <std::size_t N>
Words ReadPort(const VlWide<N>& port) {
  Words w(N);
  for (std::size_t i = 0; i < N; ++i) w[i] = port.at(i);
  return w;
}

}  // namespace flexcim::verif
