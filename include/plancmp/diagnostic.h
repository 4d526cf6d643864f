// Diagnostics shared by every stage: warnings that travel with a document,
// and the error that refuses an input (exit status 2).
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace plancmp {

// Something plancmp repaired or could not read cleanly. It does not stop the
// document; it is printed under `warnings:` in the output and on stderr.
struct Warning {
  std::string code;     // stable kebab-case id, e.g. "numbering-repaired"
  std::string message;  // one sentence for a human
  int line = 0;         // 1-based line in the source, 0 when not tied to one
  int column = 0;       // 1-based column in code points, 0 when unknown
  long long byte = -1;  // byte offset in the input file, -1 when unknown
};

// An input plancmp refuses (not text, unreadable, malformed grammar...).
// `what()` is the full `file:line:col: error: ...` message.
class InputError : public std::runtime_error {
 public:
  InputError(const std::string& file, const std::string& message, int line = 0,
             int column = 0, const std::string& source_line = {});
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string file_;
  int line_;
};

// `file:line:col: error: message`, followed (when source_line is given) by the
// offending line and a caret under the column, as ninja and compilers print.
std::string format_error(const std::string& file, int line, int column,
                         const std::string& message, const std::string& source_line = {});

// An InputError at `line`:`column` (1-based; 0 = unknown) of `text`, the
// contents of `file`, quoting that line with a caret under the column.
InputError error_in_text(const std::string& file, std::string_view text, int line, int column,
                         const std::string& message);

// Exit statuses of the plancmp command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitInputError = 2;

}  // namespace plancmp
