// Error formatting shared by every stage.
#include "plancmp/diagnostic.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <string_view>

namespace plancmp {

namespace {

// Terminal columns taken by a code point: CJK wide/fullwidth take two,
// combining marks and format characters take none.
int display_width(UChar32 c) {
  if (c < 0) return 1;  // invalid UTF-8 byte: the terminal shows one cell
  const int8_t category = static_cast<int8_t>(u_charType(c));
  if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK ||
      category == U_FORMAT_CHAR) {
    return 0;
  }
  const int width = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  return (width == U_EA_WIDE || width == U_EA_FULLWIDTH) ? 2 : 1;
}

// Drops a trailing line end so the caret line follows the source line directly.
std::string_view without_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// Whitespace that puts a caret under the `column`-th code point (1-based) of
// `line`. Tabs are copied so the caret lines up whatever the tab width.
std::string caret_indent(std::string_view line, int column) {
  std::string indent;
  int32_t i = 0;
  const auto length = static_cast<int32_t>(line.size());
  for (int cp = 1; cp < column; ++cp) {
    if (i >= length) {  // column past the end of the line: one cell each
      indent.append(static_cast<size_t>(column - cp), ' ');
      break;
    }
    UChar32 c;
    U8_NEXT(line.data(), i, length, c);
    if (c == '\t') {
      indent += '\t';
    } else {
      indent.append(static_cast<size_t>(display_width(c)), ' ');
    }
  }
  return indent;
}

}  // namespace

std::string format_error(const std::string& file, int line, int column,
                         const std::string& message, const std::string& source_line) {
  std::string out = file;
  // A column without a line would read as a line number, so it needs both.
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  if (!out.empty()) out += ": ";
  out += "error: ";
  out += message;
  if (!source_line.empty()) {
    const std::string_view shown = without_line_end(source_line);
    out += '\n';
    out += shown;
    if (column > 0) {
      out += '\n';
      out += caret_indent(shown, column);
      out += '^';
    }
  }
  return out;
}

InputError::InputError(const std::string& file, const std::string& message, int line,
                       int column, const std::string& source_line)
    : std::runtime_error(format_error(file, line, column, message, source_line)),
      file_(file),
      line_(line) {}

InputError error_in_text(const std::string& file, std::string_view text, int line, int column,
                         const std::string& message) {
  std::string_view source_line;
  if (line > 0) {
    std::size_t start = 0;
    for (int i = 1; i < line && start != std::string_view::npos; ++i) {
      start = text.find('\n', start);
      if (start != std::string_view::npos) ++start;
    }
    if (start != std::string_view::npos && start <= text.size()) {
      std::size_t end = text.find('\n', start);
      source_line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    }
  }
  return InputError(file, message, line, column, std::string(source_line));
}

}  // namespace plancmp
