// Numbers at the extremes (denormals, the largest doubles, -0.0, NaN and
// infinities, random bit patterns) in YAML (append_yaml_number) and JSON
// (to_json_text), against a plain reference of the format: integers below
// 9e15 without a fraction, other values in shortest fixed notation (the
// writer now formats in place, session 11).
#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "plancmp/value.h"

namespace {

// The format, written plainly (as format_number was before it wrote in place).
std::string reference_number(double v) {
  if (v == std::trunc(v) && std::fabs(v) < 9.0e15) return std::to_string(static_cast<long long>(v));
  char buf[400];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (res.ec != std::errc()) return std::to_string(v);
  return std::string(buf, res.ptr);
}

std::string reference_yaml(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  return reference_number(v);
}

}  // namespace

TEST_CASE("YAML and JSON numbers at the extremes are written as the plain reference writes them") {
  std::vector<double> values = {0.0,
                                -0.0,
                                5e-324,
                                -5e-324,
                                std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::min(),
                                std::nextafter(std::numeric_limits<double>::min(), 0.0),
                                std::numeric_limits<double>::max(),
                                -std::numeric_limits<double>::max(),
                                1e308,
                                -1e308,
                                9e15,
                                -9e15,
                                std::nextafter(9e15, 0.0),
                                8999999999999998.5,
                                0.1,
                                0.30000000000000004,
                                1.0 / 3,
                                -2.0 / 3,
                                1e-5,
                                1e22,
                                1e23,
                                std::numeric_limits<double>::quiet_NaN(),
                                std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity()};
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    double d;
    std::memcpy(&d, &state, sizeof d);
    values.push_back(d);
  }
  for (const double v : values) {
    CAPTURE(v);
    std::string yaml = "x";  // appended after what is there
    plancmp::append_yaml_number(yaml, v);
    CHECK(yaml == "x" + reference_yaml(v));
    plancmp::Value array = plancmp::Value::array();
    array.push(plancmp::Value(v));
    std::string json = plancmp::to_json_text(array, 0);
    std::erase_if(json, [](char c) { return c == '\n' || c == ' '; });
    CHECK(json == "[" + (std::isfinite(v) ? reference_number(v) : std::string("null")) + "]");
  }
}
