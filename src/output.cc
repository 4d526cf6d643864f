// Writers for `plancmp extract`: one Document as YAML (yaml-cpp's Emitter,
// block style) or JSON (a small hand-written writer). Both print the same keys
// in the same order; see ../shared/gold/SPEC.md for their meanings.
#include "plancmp/output.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plancmp {
namespace {

// ---------------------------------------------------------------- text helpers

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i,
// or returns -1 (and advances one byte) for an invalid or truncated sequence.
long next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  long cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++i;
    return -1;
  }
  if (i + len > s.size()) {
    ++i;
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return -1;
  }
  i += len;
  return cp;
}

void append_utf8(std::string& out, long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr long kReplacement = 0xFFFD;

// Characters yaml-cpp writes raw even inside double quotes although YAML
// readers refuse them (DEL, U+FFFE/U+FFFF) or read them as line breaks
// (U+2028, U+2029). The YAML writer prints U+FFFD instead; JSON escapes them.
bool yaml_unwritable(long cp) {
  return cp == 0x7F || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF;
}

// `s` as valid UTF-8 for YAML: invalid bytes and unwritable characters become
// U+FFFD. Returns s unchanged (the common case) without copying twice.
std::string yaml_clean(std::string_view s) {
  bool clean = true;
  for (std::size_t i = 0; i < s.size();) {
    const long cp = next_code_point(s, i);
    if (cp < 0 || yaml_unwritable(cp)) {
      clean = false;
      break;
    }
  }
  if (clean) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const long cp = next_code_point(s, i);
    append_utf8(out, cp < 0 || yaml_unwritable(cp) ? kReplacement : cp);
  }
  return out;
}

// ---------------------------------------------------------------- numbers

// Integers without ".0" (29, not 29.0); other values in the shortest decimal
// form that reads back as the same double, never in exponent notation (PyYAML
// reads "1e-05" as a string).
std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
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

// Would `s` written as a plain scalar read back as this same string in YAML
// 1.1 and 1.2 readers (PyYAML, yaml-cpp), also inside a flow sequence? Errs on
// the side of quoting: anything starting like a number, a reserved word, or
// holding YAML indicator characters is quoted.
bool plain_is_safe(std::string_view s) {
  if (s.empty()) return false;
  const char first = s.front();
  if (first == ' ' || s.back() == ' ') return false;
  if ((first >= '0' && first <= '9') || first == '+' || first == '-' || first == '.') {
    return false;  // numbers, dates, times, "-" and ".inf" look-alikes
  }
  static constexpr std::string_view kReserved[] = {
      "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "="};
  for (auto w : kReserved) {
    if (ascii_ieq(s, w)) return false;
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return false;
    switch (c) {
      case ':': case '#': case ',': case '[': case ']': case '{': case '}':
      case '&': case '*': case '!': case '|': case '>': case '\'': case '"':
      case '%': case '@': case '`': case '?': case '\\':
        return false;
      default:
        break;
    }
  }
  return true;
}

void emit_string(YAML::Emitter& out, std::string_view raw, bool force_quotes = false) {
  const std::string s = yaml_clean(raw);
  if (force_quotes || !plain_is_safe(s)) {
    out << YAML::DoubleQuoted << s;
  } else {
    out << s;
  }
}

void emit_opt_string(YAML::Emitter& out, const std::optional<std::string>& s,
                     bool force_quotes = false) {
  if (s) {
    emit_string(out, *s, force_quotes);
  } else {
    out << YAML::Null;
  }
}

void emit_opt_int(YAML::Emitter& out, const std::optional<int>& v) {
  if (v) {
    out << *v;
  } else {
    out << YAML::Null;
  }
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

void emit_string_list(YAML::Emitter& out, const std::vector<std::string>& items) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const auto& item : items) emit_string(out, item);
  out << YAML::EndSeq;
}

// ---------------------------------------------------------------- JSON

void json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const long cp = next_code_point(s, i);
    if (cp < 0) {  // invalid UTF-8: JSON text must be valid UTF-8
      append_utf8(out, kReplacement);
      continue;
    }
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029) {
          out += "\\u";
          out += kHex[(cp >> 12) & 0xF];
          out += kHex[(cp >> 8) & 0xF];
          out += kHex[(cp >> 4) & 0xF];
          out += kHex[cp & 0xF];
        } else {
          out.append(s.substr(start, i - start));  // non-ASCII as UTF-8
        }
    }
  }
  out += '"';
}

// A pretty-printing JSON writer with 2-space indentation; arrays of scalars
// are kept on one line.
class JsonWriter {
 public:
  std::string take() { return std::move(out_); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view k) {
    separator();
    json_string(out_, k);
    out_ += ": ";
    after_key_ = true;
  }

  void string(std::string_view s) {
    value_prefix();
    json_string(out_, s);
  }
  void opt_string(const std::optional<std::string>& s) {
    if (s) {
      string(*s);
    } else {
      null();
    }
  }
  void integer(long long v) {
    value_prefix();
    out_ += std::to_string(v);
  }
  void opt_int(const std::optional<int>& v) {
    if (v) {
      integer(*v);
    } else {
      null();
    }
  }
  void number(double v) {
    if (!std::isfinite(v)) return null();  // JSON has no NaN / Infinity
    value_prefix();
    out_ += format_number(v);
  }
  void null() {
    value_prefix();
    out_ += "null";
  }

  void string_list(const std::vector<std::string>& items) {
    value_prefix();
    out_ += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out_ += ", ";
      json_string(out_, items[i]);
    }
    out_ += ']';
  }

 private:
  struct Level {
    bool empty = true;
  };

  void newline_indent() {
    out_ += '\n';
    out_.append(2 * levels_.size(), ' ');
  }
  // Before a key, or before a value in an array.
  void separator() {
    if (levels_.empty()) return;
    if (!levels_.back().empty) out_ += ',';
    levels_.back().empty = false;
    newline_indent();
  }
  void value_prefix() {
    if (after_key_) {
      after_key_ = false;
    } else {
      separator();
    }
  }
  void open(char c) {
    value_prefix();
    out_ += c;
    levels_.push_back({});
  }
  void close(char c) {
    const bool empty = levels_.back().empty;
    levels_.pop_back();
    if (!empty) newline_indent();
    out_ += c;
  }

  std::string out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

}  // namespace

std::string to_yaml(const Document& doc) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetNullFormat(YAML::LowerNull);
  out.SetOutputCharset(YAML::EmitNonAscii);

  out << YAML::BeginMap;
  out << YAML::Key << "schema" << YAML::Value;
  emit_string(out, kSchema);
  out << YAML::Key << "document" << YAML::Value;
  emit_string(out, doc.document);
  out << YAML::Key << "source" << YAML::Value;
  emit_string(out, doc.source);
  out << YAML::Key << "encoding" << YAML::Value;
  emit_string(out, doc.encoding);
  out << YAML::Key << "city" << YAML::Value;
  emit_opt_string(out, doc.city);
  out << YAML::Key << "province" << YAML::Value;
  emit_opt_string(out, doc.province);
  out << YAML::Key << "title" << YAML::Value;
  emit_opt_string(out, doc.title);
  out << YAML::Key << "issuer" << YAML::Value;
  emit_opt_string(out, doc.issuer);
  out << YAML::Key << "date" << YAML::Value;
  emit_opt_string(out, doc.date, /*force_quotes=*/true);

  out << YAML::Key << "sections" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : doc.sections) {
    out << YAML::BeginMap;
    out << YAML::Key << "n" << YAML::Value << s.n;
    out << YAML::Key << "printed" << YAML::Value;
    emit_string(out, s.printed, true);
    out << YAML::Key << "title" << YAML::Value;
    emit_string(out, s.title);
    out << YAML::Key << "line" << YAML::Value << s.line;
    out << YAML::Key << "column" << YAML::Value << s.column;
    out << YAML::Key << "rule" << YAML::Value;
    emit_string(out, s.rule);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "clauses" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : doc.clauses) {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << c.id;
    out << YAML::Key << "parent" << YAML::Value;
    emit_opt_int(out, c.parent);
    out << YAML::Key << "printed" << YAML::Value;
    emit_string(out, c.printed, true);
    out << YAML::Key << "section" << YAML::Value << c.section;
    out << YAML::Key << "title" << YAML::Value;
    emit_string(out, c.title);
    out << YAML::Key << "line" << YAML::Value << c.line;
    out << YAML::Key << "column" << YAML::Value << c.column;
    out << YAML::Key << "level" << YAML::Value << c.level;
    out << YAML::Key << "rule" << YAML::Value;
    emit_string(out, c.rule);
    out << YAML::Key << "lead" << YAML::Value;
    emit_string_list(out, c.lead);
    out << YAML::Key << "support" << YAML::Value;
    emit_string_list(out, c.support);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "implementers" << YAML::Value;
  emit_string_list(out, doc.implementers);

  out << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
  for (const auto& t : doc.targets) {
    out << YAML::BeginMap;
    out << YAML::Key << "clause" << YAML::Value;
    emit_opt_int(out, t.clause);
    out << YAML::Key << "section" << YAML::Value << t.section;
    out << YAML::Key << "indicator" << YAML::Value;
    emit_string(out, t.indicator);
    out << YAML::Key << "op" << YAML::Value;
    emit_string(out, t.op, true);
    out << YAML::Key << "value" << YAML::Value;
    emit_number(out, t.value);
    out << YAML::Key << "unit" << YAML::Value;
    emit_string(out, t.unit);
    out << YAML::Key << "year" << YAML::Value;
    emit_opt_int(out, t.year);
    out << YAML::Key << "baseline_year" << YAML::Value;
    emit_opt_int(out, t.baseline_year);
    out << YAML::Key << "line" << YAML::Value << t.line;
    out << YAML::Key << "column" << YAML::Value << t.column;
    out << YAML::Key << "quote" << YAML::Value;
    emit_string(out, t.quote, true);
    out << YAML::Key << "rule" << YAML::Value;
    emit_string(out, t.rule);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "deadlines" << YAML::Value << YAML::BeginSeq;
  for (const auto& d : doc.deadlines) {
    out << YAML::BeginMap;
    out << YAML::Key << "clause" << YAML::Value;
    emit_opt_int(out, d.clause);
    out << YAML::Key << "section" << YAML::Value << d.section;
    out << YAML::Key << "date" << YAML::Value;
    emit_string(out, d.date, true);
    out << YAML::Key << "kind" << YAML::Value;
    emit_string(out, d.kind);
    out << YAML::Key << "line" << YAML::Value << d.line;
    out << YAML::Key << "column" << YAML::Value << d.column;
    out << YAML::Key << "quote" << YAML::Value;
    emit_string(out, d.quote, true);
    out << YAML::Key << "rule" << YAML::Value;
    emit_string(out, d.rule);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "warnings" << YAML::Value << YAML::BeginSeq;
  for (const auto& w : doc.warnings) {
    out << YAML::BeginMap;
    out << YAML::Key << "code" << YAML::Value;
    emit_string(out, w.code);
    out << YAML::Key << "message" << YAML::Value;
    emit_string(out, w.message);
    out << YAML::Key << "line" << YAML::Value << w.line;
    out << YAML::Key << "column" << YAML::Value << w.column;
    if (w.byte >= 0) out << YAML::Key << "byte" << YAML::Value << w.byte;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;

  std::string text(out.c_str(), out.size());
  text += '\n';
  return text;
}

std::string to_json(const Document& doc) {
  JsonWriter w;
  w.begin_object();
  w.key("schema");
  w.string(kSchema);
  w.key("document");
  w.string(doc.document);
  w.key("source");
  w.string(doc.source);
  w.key("encoding");
  w.string(doc.encoding);
  w.key("city");
  w.opt_string(doc.city);
  w.key("province");
  w.opt_string(doc.province);
  w.key("title");
  w.opt_string(doc.title);
  w.key("issuer");
  w.opt_string(doc.issuer);
  w.key("date");
  w.opt_string(doc.date);

  w.key("sections");
  w.begin_array();
  for (const auto& s : doc.sections) {
    w.begin_object();
    w.key("n");
    w.integer(s.n);
    w.key("printed");
    w.string(s.printed);
    w.key("title");
    w.string(s.title);
    w.key("line");
    w.integer(s.line);
    w.key("column");
    w.integer(s.column);
    w.key("rule");
    w.string(s.rule);
    w.end_object();
  }
  w.end_array();

  w.key("clauses");
  w.begin_array();
  for (const auto& c : doc.clauses) {
    w.begin_object();
    w.key("id");
    w.integer(c.id);
    w.key("parent");
    w.opt_int(c.parent);
    w.key("printed");
    w.string(c.printed);
    w.key("section");
    w.integer(c.section);
    w.key("title");
    w.string(c.title);
    w.key("line");
    w.integer(c.line);
    w.key("column");
    w.integer(c.column);
    w.key("level");
    w.integer(c.level);
    w.key("rule");
    w.string(c.rule);
    w.key("lead");
    w.string_list(c.lead);
    w.key("support");
    w.string_list(c.support);
    w.end_object();
  }
  w.end_array();

  w.key("implementers");
  w.string_list(doc.implementers);

  w.key("targets");
  w.begin_array();
  for (const auto& t : doc.targets) {
    w.begin_object();
    w.key("clause");
    w.opt_int(t.clause);
    w.key("section");
    w.integer(t.section);
    w.key("indicator");
    w.string(t.indicator);
    w.key("op");
    w.string(t.op);
    w.key("value");
    w.number(t.value);
    w.key("unit");
    w.string(t.unit);
    w.key("year");
    w.opt_int(t.year);
    w.key("baseline_year");
    w.opt_int(t.baseline_year);
    w.key("line");
    w.integer(t.line);
    w.key("column");
    w.integer(t.column);
    w.key("quote");
    w.string(t.quote);
    w.key("rule");
    w.string(t.rule);
    w.end_object();
  }
  w.end_array();

  w.key("deadlines");
  w.begin_array();
  for (const auto& d : doc.deadlines) {
    w.begin_object();
    w.key("clause");
    w.opt_int(d.clause);
    w.key("section");
    w.integer(d.section);
    w.key("date");
    w.string(d.date);
    w.key("kind");
    w.string(d.kind);
    w.key("line");
    w.integer(d.line);
    w.key("column");
    w.integer(d.column);
    w.key("quote");
    w.string(d.quote);
    w.key("rule");
    w.string(d.rule);
    w.end_object();
  }
  w.end_array();

  w.key("warnings");
  w.begin_array();
  for (const auto& x : doc.warnings) {
    w.begin_object();
    w.key("code");
    w.string(x.code);
    w.key("message");
    w.string(x.message);
    w.key("line");
    w.integer(x.line);
    w.key("column");
    w.integer(x.column);
    if (x.byte >= 0) {
      w.key("byte");
      w.integer(x.byte);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();

  std::string text = w.take();
  text += '\n';
  return text;
}

std::string render(const Document& doc, OutputFormat format) {
  return format == OutputFormat::kJson ? to_json(doc) : to_yaml(doc);
}

}  // namespace plancmp
