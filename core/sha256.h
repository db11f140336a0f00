// SHA-256 through OpenSSL's libcrypto (EVP), as lowercase hex.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace flexcim {

std::string Sha256Hex(std::string_view bytes);
// Throws flexcim::Error naming the path when it cannot be read.
std::string Sha256OfFile(const std::filesystem::path& path);

}  // namespace flexcim
