// Reading JSON the user hands us (manifests, reports, activity files,
// container headers): every failure is one flexcim::Error naming the file
// (or `source`) and the key, never a raw nlohmann exception; every number is
// range-checked before use (no wraparound, no NaN, no truncated floats).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>


namespace flexcim {

// nlohmann's message without its "[json.exception.type_error.302] " prefix:
// library text is not for users.
std::string JsonErrorText(const std::exception& e);

// Parses `text`; Error "SOURCE: not valid JSON: <where>" on failure.
nlohmann::json ParseJsonText(std::string_view text, std::string_view source);
// Reads a regular file (core/input_file.h) and parses it.
nlohmann::json ReadJsonFile(const std::filesystem::path& path);

// `object[key]` as an integer in [lo, hi]. Error "CONTEXT: missing 'KEY'",
// "CONTEXT: 'KEY' is <value>; must be an integer in [lo, hi]".
int64_t JsonInteger(const nlohmann::json& object, std::string_view key, int64_t lo, int64_t hi,
                    std::string_view context);
// An integer in [lo, hi] that is `value` itself (an array element, a map
// value); `what` names it in the error ("WHAT is 1.5; must be an integer
// in [0, 10]"). Floats are refused, never truncated; unsigned values above
// INT64_MAX are refused, never wrapped.
int64_t JsonIntegerValue(const nlohmann::json& value, int64_t lo, int64_t hi, std::string_view what);
// `object[key]` as a finite number in [lo, hi].
double JsonNumber(const nlohmann::json& object, std::string_view key, double lo, double hi,
                  std::string_view context);
// A finite number in [lo, hi] that is `value` itself (e.g. an array element
// or a map value); `what` names it in the error.
double JsonNumberValue(const nlohmann::json& value, double lo, double hi, std::string_view what);
std::string JsonString(const nlohmann::json& object, std::string_view key, std::string_view context);
bool JsonBool(const nlohmann::json& object, std::string_view key, std::string_view context);
// `object[key]` that must be an array / an object.
const nlohmann::json& JsonArray(const nlohmann::json& object, std::string_view key, std::string_view context);
const nlohmann::json& JsonObject(const nlohmann::json& object, std::string_view key,
                                 std::string_view context);
}  // namespace flexcim
