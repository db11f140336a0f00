// Safetensors: the Hugging Face tensor file format, read and written here
// without any third-party code.
//
// Layout: 8-byte little-endian u64 N, then N bytes of UTF-8 JSON
//   {"__metadata__": {"k": "v", ...},                         (optional)
//    "NAME": {"dtype": "BF16", "shape": [r, c], "data_offsets": [b, e]}, ...}
// then the data buffer; [b, e) are byte offsets into it, row-major,
// little-endian. Tensors tile the buffer with no gap or overlap and the
// buffer ends at the end of the file. This code reads and writes F32, F16 and
// BF16 (converted to and from fp32); any other dtype is an error.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "flow_pruner/mapped_file.h"

namespace flexcim::pruner {

enum class TensorDtype { kF32, kF16, kBF16 };

// "F32", "F16", "BF16".
std::string_view DtypeName(TensorDtype dtype);
int DtypeBytes(TensorDtype dtype);

struct SafetensorsTensor {
  std::string name;
  TensorDtype dtype = TensorDtype::kF32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets into the data buffer
  uint64_t end = 0;
  int64_t elements() const;
};

struct SafetensorsHeader {
  uint64_t data_start = 0;  // 8 + N: where the data buffer begins in the file
  std::vector<SafetensorsTensor> tensors;  // in header order
  std::map<std::string, std::string> metadata;
  // The tensor called `name`, or nullptr.
  const SafetensorsTensor* Find(std::string_view name) const;
};

// Parses and validates the header of a file image of `file_size` bytes, of
// which `bytes` are available (the whole image, or at least 8 + N bytes).
// Every problem is one flexcim::Error naming `source` and, where there is
// one, the tensor, e.g.
//   "m.safetensors: tensor lm_head.weight: data_offsets [0, 96] end beyond the
//    data buffer (64 bytes): the file is truncated".
SafetensorsHeader ParseSafetensorsHeader(std::string_view bytes, uint64_t file_size,
                                         std::string_view source);

// One memory-mapped .safetensors file with its parsed header.
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);
  const std::string& path() const { return file_.path(); }
  const SafetensorsHeader& header() const { return header_; }

  // Converts tensor `t` (of this file) to fp32, row by row: tensor row r
  // (the tensor seen as [shape[0]][rest], 1-D as one row) goes to
  // out + destination_row(r) * row_elements. Pages of the mapping already
  // converted are released as it goes, so resident memory grows by the fp32
  // output only. Throws Error naming the tensor and the file for a
  // non-finite value.
  void ReadFp32(const SafetensorsTensor& t, float* out,
                const std::function<int64_t(int64_t)>& destination_row = {}) const;

 private:
  MappedFile file_;
  SafetensorsHeader header_;
};

// One tensor to write: fp32 rows (row(r) returns the r-th row of
// shape[0] rows of product(shape[1:]) elements; 1-D tensors have one row)
// converted to `dtype` (round to nearest even).
struct SafetensorsOutput {
  std::string name;
  TensorDtype dtype = TensorDtype::kF32;
  std::vector<int64_t> shape;
  std::function<const float*(int64_t row)> row;
};

// The header text (8-byte length + JSON padded with spaces to a multiple of
// 8, so the data buffer is 8-byte aligned). Tensors are laid out in
// decreasing element size, then in the given order, so each tensor starts at
// a multiple of its element size.
std::string SafetensorsHeaderBytes(const std::vector<SafetensorsOutput>& tensors,
                                   const std::map<std::string, std::string>& metadata);

// Writes a complete .safetensors file to `path`, streaming tensor by tensor
// (Error naming the path when writing fails). Not atomic by itself: write
// into a staging directory (core/output_directory.h).
void WriteSafetensors(const std::string& path, const std::vector<SafetensorsOutput>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Element conversions used by the reader and writer.
float Bf16ToFloat(uint16_t bits);
uint16_t FloatToBf16(float value);  // round to nearest even; NaN stays NaN
float F16ToFloat(uint16_t bits);
uint16_t FloatToF16(float value);  // round to nearest even; overflow -> inf

}  // namespace flexcim::pruner
