// Area and energy per bit of an SRAM on sky130, from a published macro
// (docs/ACCEL.md "SRAM cost"): OpenRAM's sky130_sram_1kbyte_1rw1r_32x256_8
// (VLSIDA/sky130_sram_macros): 256 words x 32 bits, one read/write and one
// read port. Its LEF footprint is 479.78 x 397.5 µm (periphery included)
// for 8,192 bits; its liberty (TT, 1.8 V, 25 °C) gives the clock-pin
// internal energy of a read on the read port as 2.843456 (rise) +
// 2.581878 (fall) pJ per 32-bit access, and of a write on the
// read/write port as 2.226912 + 2.371604 pJ.
#pragma once

namespace flexcim::synth {

struct SramCost {
  double area_um2_per_bit;
  double read_pj_per_bit;
  double write_pj_per_bit;
  const char* source;
};

inline constexpr SramCost kSky130SramCost{
    .area_um2_per_bit = 479.78 * 397.5 / 8192.0,                // 23.280 µm²/bit
    .read_pj_per_bit = (2.843456 + 2.581878) / 32.0,            // 0.1695 pJ/bit
    .write_pj_per_bit = (2.226912 + 2.371604) / 32.0,           // 0.1437 pJ/bit
    .source = "OpenRAM sky130_sram_1kbyte_1rw1r_32x256_8 (github.com/VLSIDA/sky130_sram_macros): LEF "
              "479.78 x 397.5 um for 8192 bits; liberty TT 1.8 V 25 C clock-pin energy per access, read "
              "port 2.843456 + 2.581878 pJ, write 2.226912 + 2.371604 pJ per 32-bit word"};

}  // namespace flexcim::synth
