#include "core/json_input.h"

#include <fmt/format.h>

#include <cmath>

#include "core/errors.h"
#include "core/input_file.h"

namespace flexcim {

namespace {

const nlohmann::json& Field(const nlohmann::json& object, std::string_view key, std::string_view context) {
  if (!object.is_object()) throw Error(fmt::format("{}: expected a JSON object, found {}", context, object.type_name()));
  const auto it = object.find(key);
  if (it == object.end()) throw Error(fmt::format("{}: missing '{}'", context, key));
  return *it;
}

std::string Shown(const nlohmann::json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

}  // namespace

std::string JsonErrorText(const std::exception& e) {
  std::string what = e.what();
  if (const size_t close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
    what = what.substr(close + 2);
  }
  return what;
}

nlohmann::json ParseJsonText(std::string_view text, std::string_view source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    std::string what = e.what();
    if (const size_t close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
      what = what.substr(close + 2);
    }
    throw Error(fmt::format("{}: not valid JSON: {}", source, what));
  }
}

nlohmann::json ReadJsonFile(const std::filesystem::path& path) {
  return ParseJsonText(ReadRegularFile(path), path.string());
}

int64_t JsonIntegerValue(const nlohmann::json& v, int64_t lo, int64_t hi, std::string_view what) {
  bool ok = false;
  int64_t value = 0;
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    ok = u <= static_cast<uint64_t>(INT64_MAX);
    value = static_cast<int64_t>(u);
  } else if (v.is_number_integer()) {
    ok = true;
    value = v.get<int64_t>();
  }
  if (!ok || value < lo || value > hi) {
    throw Error(fmt::format("{} is {}; must be an integer in [{}, {}]", what, Shown(v), lo, hi));
  }
  return value;
}

int64_t JsonInteger(const nlohmann::json& object, std::string_view key, int64_t lo, int64_t hi,
                    std::string_view context) {
  return JsonIntegerValue(Field(object, key, context), lo, hi, fmt::format("{}: '{}'", context, key));
}

double JsonNumberValue(const nlohmann::json& v, double lo, double hi, std::string_view what) {
  const double value = v.is_number() ? v.get<double>() : NAN;
  if (!std::isfinite(value) || value < lo || value > hi) {
    throw Error(fmt::format("{} is {}; must be a number in [{}, {}]", what, Shown(v), lo, hi));
  }
  return value;
}

double JsonNumber(const nlohmann::json& object, std::string_view key, double lo, double hi,
                  std::string_view context) {
  return JsonNumberValue(Field(object, key, context), lo, hi, fmt::format("{}: '{}'", context, key));
}

std::string JsonString(const nlohmann::json& object, std::string_view key, std::string_view context) {
  const nlohmann::json& v = Field(object, key, context);
  if (!v.is_string()) throw Error(fmt::format("{}: '{}' is {}; must be a string", context, key, Shown(v)));
  return v.get<std::string>();
}

bool JsonBool(const nlohmann::json& object, std::string_view key, std::string_view context) {
  const nlohmann::json& v = Field(object, key, context);
  if (!v.is_boolean()) throw Error(fmt::format("{}: '{}' is {}; must be true or false", context, key, Shown(v)));
  return v.get<bool>();
}

const nlohmann::json& JsonArray(const nlohmann::json& object, std::string_view key, std::string_view context) {
  const nlohmann::json& v = Field(object, key, context);
  if (!v.is_array()) throw Error(fmt::format("{}: '{}' is {}; must be an array", context, key, Shown(v)));
  return v;
}

const nlohmann::json& JsonObject(const nlohmann::json& object, std::string_view key,
                                 std::string_view context) {
  const nlohmann::json& v = Field(object, key, context);
  if (!v.is_object()) throw Error(fmt::format("{}: '{}' is {}; must be an object", context, key, Shown(v)));
  return v;
}

}  // namespace flexcim
