// to_yaml_text's scalar writers (src/value.cc) writing into a buffer the
// caller has made room in, for render's YAML (src/output.cc), which writes a
// whole document into one buffer without an append call per piece (private
// to src/). value.h's append_yaml_* are these, appended to a string.
#pragma once
#include <charconv>
#include <cstddef>
#include <string_view>

namespace plancmp {

// The most bytes write_yaml_string writes for a string of n bytes: 4 per
// byte (a control escaped as \x01; a repaired byte becomes 3) and 2 quotes.
constexpr std::size_t yaml_string_room(std::size_t n) { return 4 * n + 2; }
// ... and write_yaml_integer for any long long.
constexpr std::size_t kYamlIntegerRoom = 24;
// ... and write_yaml_number for any double (the fixed form of the longest,
// 5e-324, is 326 bytes).
constexpr std::size_t kYamlNumberRoom = 400;

// append_yaml_string, append_yaml_integer and append_yaml_number (value.h),
// written at `out`; each returns the end of what it wrote.
char* write_yaml_string(char* out, std::string_view s, bool quoted, bool is_key = false);
// (inline: render writes ~1,500 a plan, mostly of two or three digits)
inline char* write_yaml_integer(char* out, long long v) { return std::to_chars(out, out + kYamlIntegerRoom, v).ptr; }
char* write_yaml_number(char* out, double v);

}  // namespace plancmp
