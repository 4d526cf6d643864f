// See inputs.h.
#include "inputs.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include <re2/re2.h>

namespace plancmp::cli {
namespace {

namespace fs = std::filesystem;

bool is_pattern(const std::string& arg) { return arg.find_first_of("*?[") != std::string::npos; }

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 1 && name[0] == '.' && name != "..";
}

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  if (!ext.empty() && ext[0] == '.') ext.erase(0, 1);
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext;
}

bool wanted(const fs::path& p, const InputFilter& filter) {
  const std::string ext = lower_extension(p);
  return std::find(filter.extensions.begin(), filter.extensions.end(), ext) != filter.extensions.end();
}

std::uintmax_t size_of(const fs::path& p) {
  std::error_code ec;
  const std::uintmax_t n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

std::string without_extension(const fs::path& relative) {
  fs::path p = relative;
  p.replace_extension();
  return p.generic_string();
}

// Regular files below `root` (not following folder links) at most
// `max_depth` folders down (-1: any), in path order, hidden entries skipped;
// unreadable folders are reported in `errors`.
std::vector<fs::path> walk(const fs::path& root, int max_depth, std::vector<std::string>& errors) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) {
    errors.push_back(root.string() + ": error: cannot read folder: " + ec.message());
    return files;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      errors.push_back(root.string() + ": error: cannot read folder: " + ec.message());
      break;
    }
    const fs::directory_entry& entry = *it;
    if (hidden(entry.path()) || (max_depth >= 0 && it.depth() >= max_depth)) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      if (hidden(entry.path())) continue;
    }
    if (entry.is_regular_file(ec)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The folder a pattern's matches live under: its components before the first
// one holding a wildcard ("." when the first one does).
fs::path fixed_prefix(const std::string& pattern, std::string& rest) {
  fs::path prefix;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = pattern.find('/', start);
    if (slash == std::string::npos) break;
    const std::string component = pattern.substr(start, slash - start);
    if (is_pattern(component)) break;
    prefix /= component.empty() ? "/" : component;
    start = slash + 1;
  }
  rest = pattern.substr(start);
  return prefix.empty() ? fs::path(".") : prefix;
}

std::string extension_list(const InputFilter& filter) {
  std::string out;
  for (const std::string& e : filter.extensions) out += (out.empty() ? "." : ", .") + e;
  return out;
}

// How many folders below its root a pattern can reach (-1: any, for `**`).
int pattern_depth(const std::string& rest) {
  if (rest.find("**") != std::string::npos) return -1;
  return static_cast<int>(std::count(rest.begin(), rest.end(), '/'));
}

}  // namespace

InputFilter plan_text_filter() { return {{"txt", "text", "md"}}; }

InputFilter plan_or_output_filter() { return {{"txt", "text", "md", "yaml", "yml", "json"}}; }

std::string glob_to_regex(const std::string& pattern) {
  std::string re;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      const bool folder = i + 2 < pattern.size() && pattern[i + 2] == '/';
      re += folder ? "(?:[^/]*/)*" : ".*";  // `**/` is zero or more folders
      i += folder ? 2 : 1;
    } else if (c == '*') {
      re += "[^/]*";
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[') {
      const std::size_t close = pattern.find(']', i + 2);
      if (close == std::string::npos) {
        re += "\\[";
        continue;
      }
      std::string body = pattern.substr(i + 1, close - i - 1);
      if (!body.empty() && body[0] == '!') body[0] = '^';
      std::string escaped;
      for (char b : body) {
        if (b == '\\' || b == ']' || b == '[') escaped += '\\';
        escaped += b;
      }
      re += "[" + escaped + "]";
      i = close;
    } else {
      re += RE2::QuoteMeta(std::string(1, c));
    }
  }
  return re;
}

InputList expand_inputs(const std::vector<std::string>& args, const InputFilter& filter) {
  InputList list;
  std::set<std::string> seen;  // normalised paths already listed
  auto add = [&](const fs::path& path, std::string output_name) {
    const std::string key = path == "-" ? "-" : fs::absolute(path).lexically_normal().string();
    if (!seen.insert(key).second) return;
    list.inputs.push_back({path.string(), std::move(output_name), path == "-" ? 0 : size_of(path)});
  };

  for (const std::string& arg : args) {
    std::error_code ec;
    if (arg == "-") {
      add("-", "stdin");
    } else if (fs::is_directory(arg, ec)) {
      std::size_t before = list.inputs.size();
      for (const fs::path& file : walk(arg, -1, list.errors))
        if (wanted(file, filter)) add(file, without_extension(file.lexically_relative(arg)));
      if (list.inputs.size() == before)
        list.errors.push_back(arg + ": error: no plan files (" + extension_list(filter) + ") in this folder");
    } else if (!fs::exists(arg, ec) && is_pattern(arg)) {
      std::string rest;
      const fs::path root = fixed_prefix(arg, rest);
      const RE2 matcher(glob_to_regex(rest));
      std::size_t before = list.inputs.size();
      if (matcher.ok() && fs::is_directory(root, ec)) {
        for (const fs::path& file : walk(root, pattern_depth(rest), list.errors)) {
          const fs::path relative = file.lexically_relative(root);
          if (RE2::FullMatch(relative.generic_string(), matcher)) add(file, without_extension(relative));
        }
      }
      if (list.inputs.size() == before) list.errors.push_back(arg + ": error: no file matches this pattern");
    } else {
      add(arg, fs::path(arg).stem().string());  // a missing file is reported when read
    }
  }
  return list;
}

}  // namespace plancmp::cli
