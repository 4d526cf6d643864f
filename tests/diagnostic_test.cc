#include "plancmp/diagnostic.h"

#include <doctest/doctest.h>

#include <string>

using plancmp::format_error;
using plancmp::InputError;

TEST_CASE("format_error prints file, line and column before the message") {
  CHECK(format_error("plan.txt", 12, 5, "bad heading") == "plan.txt:12:5: error: bad heading");
}

TEST_CASE("format_error omits a zero line and a zero column") {
  CHECK(format_error("plan.txt", 0, 0, "not a text file") == "plan.txt: error: not a text file");
  CHECK(format_error("plan.txt", 7, 0, "bad") == "plan.txt:7: error: bad");
  // A column alone would be read as a line number.
  CHECK(format_error("plan.txt", 0, 3, "bad") == "plan.txt: error: bad");
}

TEST_CASE("format_error without a file name starts with error:") {
  CHECK(format_error("", 0, 0, "no input") == "error: no input");
}

TEST_CASE("format_error puts a caret under the column of the source line") {
  CHECK(format_error("a.txt", 2, 5, "unexpected", "abcdefg") ==
        "a.txt:2:5: error: unexpected\nabcdefg\n    ^");
  CHECK(format_error("a.txt", 2, 1, "unexpected", "abc") ==
        "a.txt:2:1: error: unexpected\nabc\n^");
}

TEST_CASE("format_error counts CJK characters as two columns for the caret") {
  // Column 4 is the ideographic space after three wide characters.
  CHECK(format_error("a.txt", 3, 4, "missing title", "第一章　总则") ==
        "a.txt:3:4: error: missing title\n第一章　总则\n      ^");
  // Mixed: "1." is narrow, "总" is wide; column 4 is "则".
  CHECK(format_error("a.txt", 1, 4, "x", "1.总则") == "a.txt:1:4: error: x\n1.总则\n    ^");
}

TEST_CASE("format_error keeps tabs in the caret indent so it lines up") {
  CHECK(format_error("a.txt", 1, 3, "x", "\tab") == "a.txt:1:3: error: x\n\tab\n\t ^");
}

TEST_CASE("format_error strips the source line's line end") {
  CHECK(format_error("a.txt", 1, 2, "x", "ab\r\n") == "a.txt:1:2: error: x\nab\n ^");
}

TEST_CASE("format_error shows the source line without a caret when the column is unknown") {
  CHECK(format_error("a.txt", 4, 0, "x", "abc") == "a.txt:4: error: x\nabc");
}

TEST_CASE("format_error places the caret past the end for a column beyond the line") {
  CHECK(format_error("a.txt", 1, 5, "x", "总") == "a.txt:1:5: error: x\n总\n     ^");
}

TEST_CASE("InputError what() is the formatted error and keeps file and line") {
  const InputError error("plan.txt", "bad numbering", 9, 2, "一、总则");
  CHECK(std::string(error.what()) == "plan.txt:9:2: error: bad numbering\n一、总则\n  ^");
  CHECK(error.file() == "plan.txt");
  CHECK(error.line() == 9);
  const InputError plain("x.txt", "not a text file: NUL");
  CHECK(std::string(plain.what()) == "x.txt: error: not a text file: NUL");
  CHECK(plain.line() == 0);
}
