// Value and its two serializers: YAML through yaml-cpp's Emitter, JSON by a
// small pretty-printer. Both write invalid UTF-8 as U+FFFD, integers without
// ".0" and doubles in their shortest round-trip form without an exponent.
#include "plancmp/value.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "utf8_util.h"

namespace plancmp {

// ---------------------------------------------------------------- Value

Value Value::object() {
  Value v;
  v.kind_ = Kind::kObject;
  return v;
}

Value Value::array() {
  Value v;
  v.kind_ = Kind::kArray;
  return v;
}

Value Value::scalar_array() {
  Value v = array();
  v.scalar_array_ = true;
  return v;
}

Value Value::quoted(std::string s) {
  Value v(std::move(s));
  v.quoted_ = true;
  return v;
}

Value Value::quoted(const std::optional<std::string>& s) { return s ? quoted(*s) : Value(); }

Value& Value::set(std::string key, Value v) & {
  if (is_null()) kind_ = Kind::kObject;
  if (!is_object()) throw std::logic_error("Value::set on a non-object");
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      items_[i] = std::move(v);
      return *this;
    }
  }
  keys_.push_back(std::move(key));
  items_.push_back(std::move(v));
  return *this;
}

Value& Value::push(Value v) & {
  if (is_null()) kind_ = Kind::kArray;
  if (!is_array()) throw std::logic_error("Value::push on a non-array");
  items_.push_back(std::move(v));
  return *this;
}

const Value* Value::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

namespace {

bool all_scalars(const Value& array) {
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_scalar()) return false;
  }
  return true;
}

// ---------------------------------------------------------------- text helpers

constexpr char32_t kReplacement = 0xFFFD;

// Characters yaml-cpp writes raw even inside double quotes although YAML
// readers refuse them (DEL, U+FFFE/U+FFFF) or read them as line breaks
// (U+2028, U+2029). YAML prints U+FFFD instead; JSON escapes them.
bool yaml_unwritable(int32_t cp) {
  return cp == 0x7F || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF;
}

bool yaml_clean_already(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const int32_t cp = utf8::next_or_invalid(s, i);
    if (cp < 0 || yaml_unwritable(cp)) return false;
  }
  return true;
}

// `s` as valid UTF-8 for YAML: invalid bytes and unwritable characters become
// U+FFFD.
std::string yaml_clean(std::string_view s) {
  if (yaml_clean_already(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const int32_t cp = utf8::next_or_invalid(s, i);
    utf8::append(out, cp < 0 || yaml_unwritable(cp) ? kReplacement : static_cast<char32_t>(cp));
  }
  return out;
}

// Finite values only. Integers without ".0" (29, not 29.0); others in the
// shortest decimal form that reads back as the same double, never with an
// exponent (PyYAML reads "1e-05" as a string).
std::string format_number(double v) {
  if (v == std::trunc(v) && std::fabs(v) < 9.0e15) {
    return std::to_string(static_cast<long long>(v));  // also turns -0 into 0
  }
  char buf[400];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (res.ec != std::errc()) return std::to_string(v);
  return std::string(buf, res.ptr);
}

// ---------------------------------------------------------------- YAML

bool ascii_ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Plain words YAML 1.1 or 1.2 readers take for null, booleans or merge keys.
// y and n are booleans only in YAML 1.1's tables, which PyYAML does not
// apply: values quote them to be safe, keys (`n`) stay plain.
bool reserved_word(std::string_view s, bool is_key) {
  static constexpr std::string_view kReserved[] = {
      "~", "null", "true", "false", "yes", "no", "on", "off", "<<", "="};
  for (auto w : kReserved) {
    if (ascii_ieq(s, w)) return true;
  }
  return !is_key && (ascii_ieq(s, "y") || ascii_ieq(s, "n"));
}

bool yaml_indicator(unsigned char c) {
  switch (c) {
    case ':': case '#': case ',': case '[': case ']': case '{': case '}':
    case '&': case '*': case '!': case '|': case '>': case '\'': case '"':
    case '%': case '@': case '`': case '?': case '\\':
      return true;
    default:
      return c < 0x20 || c == 0x7F;
  }
}

// Would `s` written as a plain scalar read back as this same string in YAML
// 1.1 and 1.2 readers (PyYAML, yaml-cpp), also inside a flow sequence? Errs on
// the side of quoting: anything starting like a number, a reserved word, or
// holding YAML indicator characters is quoted.
bool plain_is_safe(std::string_view s, bool is_key) {
  if (s.empty()) return false;
  const char first = s.front();
  if (first == ' ' || s.back() == ' ') return false;
  if ((first >= '0' && first <= '9') || first == '+' || first == '-' || first == '.') {
    return false;  // numbers, dates, times, "-" and ".inf" look-alikes
  }
  if (reserved_word(s, is_key)) return false;
  for (unsigned char c : s) {
    if (yaml_indicator(c)) return false;
  }
  return true;
}

void emit_string(YAML::Emitter& out, std::string_view raw, bool force_quotes, bool is_key) {
  const std::string s = yaml_clean(raw);
  if (force_quotes || !plain_is_safe(s, is_key)) out << YAML::DoubleQuoted;
  out << s;
}

void emit_number(YAML::Emitter& out, double v) {
  if (std::isnan(v)) {
    out << ".nan";
  } else if (std::isinf(v)) {
    out << (v > 0 ? ".inf" : "-.inf");
  } else {
    out << format_number(v);  // digits only: plain, read back as a number
  }
}

void emit(YAML::Emitter& out, const Value& v);

void emit_array(YAML::Emitter& out, const Value& v) {
  if (all_scalars(v) && (v.size() > 0 || v.is_scalar_array())) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (std::size_t i = 0; i < v.size(); ++i) emit(out, v[i]);
  out << YAML::EndSeq;
}

void emit_object(YAML::Emitter& out, const Value& v) {
  out << YAML::BeginMap;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out << YAML::Key;
    emit_string(out, v.key(i), false, /*is_key=*/true);
    out << YAML::Value;
    emit(out, v[i]);
  }
  out << YAML::EndMap;
}

void emit(YAML::Emitter& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: out << YAML::Null; break;
    case Value::Kind::kBool: out << v.as_bool(); break;
    case Value::Kind::kInteger: out << v.as_integer(); break;
    case Value::Kind::kNumber: emit_number(out, v.as_number()); break;
    case Value::Kind::kString: emit_string(out, v.as_string(), v.is_quoted(), false); break;
    case Value::Kind::kArray: emit_array(out, v); break;
    case Value::Kind::kObject: emit_object(out, v); break;
  }
}

// ---------------------------------------------------------------- JSON

void json_escape(std::string& out, int32_t cp) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (cp) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default:
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
  }
}

// Control characters, DEL and the two separators JavaScript reads as line
// breaks are escaped; other non-ASCII text stays raw UTF-8.
bool json_needs_escape(int32_t cp) {
  return cp < 0x20 || cp == '"' || cp == '\\' || cp == 0x7F || cp == 0x2028 || cp == 0x2029;
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const int32_t cp = utf8::next_or_invalid(s, i);
    if (cp < 0) {
      utf8::append(out, kReplacement);  // JSON text must be valid UTF-8
    } else if (json_needs_escape(cp)) {
      json_escape(out, cp);
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  out += '"';
}

class JsonWriter {
 public:
  explicit JsonWriter(int indent) : indent_(indent) {}
  std::string take() { return std::move(out_); }

  void write(const Value& v, int depth) {
    switch (v.kind()) {
      case Value::Kind::kNull: out_ += "null"; break;
      case Value::Kind::kBool: out_ += v.as_bool() ? "true" : "false"; break;
      case Value::Kind::kInteger: out_ += std::to_string(v.as_integer()); break;
      case Value::Kind::kNumber: number(v.as_number()); break;
      case Value::Kind::kString: json_string(out_, v.as_string()); break;
      case Value::Kind::kArray: container(v, depth, '[', ']'); break;
      case Value::Kind::kObject: container(v, depth, '{', '}'); break;
    }
  }

 private:
  void number(double v) {
    out_ += std::isfinite(v) ? format_number(v) : "null";  // JSON has no NaN / Infinity
  }

  // Arrays of scalars (and everything when indent_ is 0) stay on one line.
  void container(const Value& v, int depth, char open, char close) {
    const bool one_line = indent_ <= 0 || (v.is_array() && all_scalars(v));
    out_ += open;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out_ += one_line ? ", " : ",";
      if (!one_line) newline(depth + 1);
      if (v.is_object()) {
        json_string(out_, v.key(i));
        out_ += ": ";
      }
      write(v[i], depth + 1);
    }
    if (!one_line && v.size()) newline(depth);
    out_ += close;
  }

  void newline(int depth) {
    out_ += '\n';
    out_.append(static_cast<std::size_t>(indent_ * depth), ' ');
  }

  int indent_;
  std::string out_;
};

}  // namespace

std::string to_yaml_text(const Value& v) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetNullFormat(YAML::LowerNull);
  out.SetOutputCharset(YAML::EmitNonAscii);
  emit(out, v);
  std::string text(out.c_str(), out.size());
  text += '\n';
  return text;
}

std::string to_json_text(const Value& v, int indent) {
  JsonWriter w(indent);
  w.write(v, 0);
  std::string text = w.take();
  text += '\n';
  return text;
}

}  // namespace plancmp
