// Reading numbers out of plan text: one reader for Chinese numerals, used by
// item numbers and target values alike; nothing here may throw.
#include <doctest/doctest.h>

#include <string>

#include "markers.h"
#include "numbers.h"

using namespace plancmp;

TEST_CASE("Chinese numerals read as numbers, decimals and 两 included") {
  CHECK(parse_chinese_number("三") == 3);
  CHECK(parse_chinese_number("二十五") == 25);
  CHECK(parse_chinese_number("一百二十") == 120);
  CHECK(parse_chinese_number("九十五点五") == doctest::Approx(95.5));
  CHECK(parse_chinese_number("两") == 2);
}

TEST_CASE("digit runs and repeated magnitudes are not Chinese numerals") {
  CHECK_FALSE(parse_chinese_number("二三").has_value());
  CHECK_FALSE(parse_chinese_number("十十").has_value());
  CHECK_FALSE(parse_chinese_number("十四五规划").has_value());
  CHECK_FALSE(parse_chinese_numeral("五点五").has_value());  // item numbers are whole
  CHECK(parse_chinese_numeral("三十六") == 36);
}

TEST_CASE("Arabic numbers with thousands separators; out-of-range text is no number") {
  CHECK(parse_number("1,200") == 1200);
  CHECK(parse_number("29.5") == doctest::Approx(29.5));
  CHECK_FALSE(parse_number(std::string(400, '9')).has_value());
  CHECK_FALSE(parse_number("12a").has_value());
}

TEST_CASE("water-quality classes in Roman numerals of either script") {
  CHECK(water_class_number("Ⅲ") == 3);
  CHECK(water_class_number("IV") == 4);
  CHECK(water_class_number("类") == 0);
}
