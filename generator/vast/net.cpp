#include "generator/vast/net.h"

namespace flexcim::gen::vast {

std::string_view RoleName(NetRole role) {
  switch (role) {
    case NetRole::kInput: return "input";
    case NetRole::kOutput: return "output";
    case NetRole::kWire: return "wire";
    case NetRole::kReg: return "reg";
  }
  return "net";
}

NetSelect Net::Bit(Expression* index) const { return {*this, file_->Bit(id_, index)}; }

NetSelect Net::Bit(int index) const {
  return {*this, file_->Bit(id_, file_->Int(static_cast<uint64_t>(index)))};
}

NetSelect Net::Slice(int hi, int lo) const { return {*this, file_->Range(id_, hi, lo)}; }

NetSelect Net::Part(Expression* start, int width) const {
  return {*this, file_->Part(id_, start, width)};
}

}  // namespace flexcim::gen::vast
