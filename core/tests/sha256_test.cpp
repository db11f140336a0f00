#include "core/sha256.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace flexcim {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, MissingFileNamesPath) {
  try {
    Sha256OfFile("/nonexistent/x.bin");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/x.bin: cannot read");
  }
}

}  // namespace
}  // namespace flexcim
