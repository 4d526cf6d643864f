// The tests find_metadata (metadata.cc) puts to a plan's opening lines,
// private to src/ and its tests. Each is an RE2 pattern whose counted
// repeat ("\S{2,40}?", "\p{Han}{2,6}?", ".{2,30}") is written open-ended and
// its bound checked on the characters RE2 read for it: the same answers,
// for a small part of the compile cost (a counted repeat of a Unicode class
// compiles to a copy of the class per count).
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace plancmp::metadata {

// The line is a title: 2-40 non-space characters and a plan word (方案, 规划,
// 计划, 意见, 办法, 纲要, 措施, 通知), the first such ending being the line's end:
// ^(\S{2,40}?(方案|…)) matches the whole line.
bool is_title_line(std::string_view line);

// The bytes of the city opening `s`: 2-6 Han characters and the first city
// suffix after them (市, 州, 县, 区, 盟), as ^(\p{Han}{2,6}?(市|州|县|区|盟))
// reads it; nullopt when none opens it.
std::optional<std::size_t> city_length(std::string_view s);

// The line names an issuing body: all Han characters, 2-30 characters and
// then a body's suffix (委员会, 人民政府, …, 局, 委) ending the line.
bool is_issuer_line(std::string_view line);

// A date ((19|20)yy年m月d日 or (19|20)yy-m-d) somewhere in the line: the
// first match's year, month and day, as RE2::PartialMatch reads them into
// ints (false when none matches or a number does not fit).
bool read_date(std::string_view line, int& y, int& m, int& d);

}  // namespace plancmp::metadata
