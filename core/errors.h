// Error types shared by every FlexCiM component.
//
// UsageError: the user asked for something invalid (bad flag, bad value,
// unsupported pattern). The CLI prints it and exits 2.
// Error: a runtime failure (bad file, tool failure, mismatch). Exit 1.
#pragma once

#include <stdexcept>
#include <string>

namespace flexcim {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

class UsageError : public Error {
 public:
  explicit UsageError(const std::string& what) : Error(what) {}
};

}  // namespace flexcim
