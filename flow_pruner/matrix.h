// Matrix: a dense row-major float matrix stored like nn.Linear.weight,
// [out][in], so y[i] = sum_j at(i, j) * x[j].
#pragma once

#include <cstddef>
#include <vector>

namespace flexcim::pruner {

struct Matrix {
  int rows = 0;  // out features
  int cols = 0;  // in features
  std::vector<float> data;

  Matrix() = default;
  Matrix(int r, int c) : rows(r), cols(c), data(static_cast<size_t>(r) * c, 0.0f) {}

  float& at(int r, int c) { return data[static_cast<size_t>(r) * cols + c]; }
  float at(int r, int c) const { return data[static_cast<size_t>(r) * cols + c]; }
  float* row(int r) { return data.data() + static_cast<size_t>(r) * cols; }
  const float* row(int r) const { return data.data() + static_cast<size_t>(r) * cols; }
  size_t size() const { return data.size(); }
};

}  // namespace flexcim::pruner
