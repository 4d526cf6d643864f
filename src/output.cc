// Output of `plancmp extract`: the *_fields templates list a Document's
// fields once, in output order (see ../shared/gold/SPEC.md for their
// meanings), to a field sink. Two sinks read the list:
// - ValueFields builds the Value tree (document_value) that JSON is printed
//   from, through value.h's serializers;
// - YamlFields writes YAML text straight away, in to_yaml_text's layout and
//   with its scalar writers (append_yaml_*), without the tree: building and
//   freeing the tree cost more than writing the text. tests/render_test.cc
//   checks that to_yaml equals to_yaml_text(document_value(doc)) byte for
//   byte.
#include "plancmp/output.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yaml_scalars.h"

namespace plancmp {
namespace {

// A string YAML always double-quotes: numbering as printed, dates, ops and
// verbatim quotes must read back as text, even when they look like numbers
// or null. JSON ignores the mark.
struct Quoted {
  const std::string* text;  // nullptr: null
};
Quoted quoted(const std::string& s) { return {&s}; }
Quoted quoted(const std::optional<std::string>& s) { return {s ? &*s : nullptr}; }

// Each record lists its fields as out(key, value) calls; a list of records
// as out.records(key, items, fields). Keys are plain YAML words.

template <class Out>
void section_fields(Out& out, const Section& s) {
  out("n", s.n);
  out("printed", quoted(s.printed));
  out("title", s.title);
  out("line", s.line);
  out("column", s.column);
  out("rule", s.rule);
}

template <class Out>
void clause_fields(Out& out, const Clause& c) {
  out("id", c.id);
  out("parent", c.parent);
  out("printed", quoted(c.printed));
  out("section", c.section);
  out("title", c.title);
  out("line", c.line);
  out("column", c.column);
  out("level", c.level);
  out("rule", c.rule);
  out("lead", c.lead);
  out("support", c.support);
}

template <class Out>
void target_fields(Out& out, const Target& t) {
  out("clause", t.clause);
  out("section", t.section);
  out("indicator", t.indicator);
  out("indicator_id", quoted(t.indicator_id));
  out("op", quoted(t.op));
  out("value", t.value);
  out("unit", t.unit);
  out("year", t.year);
  out("baseline_year", t.baseline_year);
  out("line", t.line);
  out("column", t.column);
  out("quote", quoted(t.quote));
  out("rule", t.rule);
}

template <class Out>
void deadline_fields(Out& out, const Deadline& d) {
  out("clause", d.clause);
  out("section", d.section);
  out("date", quoted(d.date));
  out("kind", d.kind);
  out("line", d.line);
  out("column", d.column);
  out("quote", quoted(d.quote));
  out("rule", d.rule);
}

template <class Out>
void warning_fields(Out& out, const Warning& w) {
  out("code", w.code);
  out("message", w.message);
  out("line", w.line);
  out("column", w.column);
  if (w.byte >= 0) out("byte", w.byte);  // only when known
}

template <class Out>
void unit_fields(Out& out, const UnitMention& u) {
  out("unit", u.unit);
  out("role", u.role);
  out("line", u.line);
  out("section", u.section);
}

template <class Out>
void document_fields(Out& out, const Document& doc) {
  out("schema", kSchema);
  out("document", doc.document);
  out("source", doc.source);
  out("encoding", doc.encoding);
  out("city", doc.city);
  out("province", doc.province);
  out("title", doc.title);
  out("issuer", doc.issuer);
  out("date", quoted(doc.date));
  out.records("sections", doc.sections, section_fields<Out>);
  out.records("clauses", doc.clauses, clause_fields<Out>);
  out("implementers", doc.implementers);
  out.records("units", doc.units, unit_fields<Out>);
  out.records("targets", doc.targets, target_fields<Out>);
  out.records("deadlines", doc.deadlines, deadline_fields<Out>);
  out.records("warnings", doc.warnings, warning_fields<Out>);
}

// ---------------------------------------------------------------- Value tree

// Collects the fields into a Value object; a vector of strings becomes a
// scalar array, an empty optional null (value.h's conversions).
struct ValueFields {
  Value value = Value::object();

  template <class T>
  void operator()(std::string_view key, const T& v) {
    value.set(std::string(key), v);
  }
  void operator()(std::string_view key, Quoted q) {
    value.set(std::string(key), q.text ? Value::quoted(*q.text) : Value());
  }
  template <class T>
  void records(std::string_view key, const std::vector<T>& items, void (*fields)(ValueFields&, const T&)) {
    Value list = Value::array();
    for (const T& item : items) {
      ValueFields record;
      fields(record, item);
      list.push(std::move(record.value));
    }
    value.set(std::string(key), std::move(list));
  }
};

// ---------------------------------------------------------------- YAML text

// About how many bytes YamlFields writes for the fields (escapes aside):
// the text is reserved at that size once, instead of growing (each growth
// copies all of it).
class YamlSize {
 public:
  explicit YamlSize(int column) : column_(column) {}
  std::size_t bytes = 0;

  template <std::size_t N, class T>
  void operator()(const char (&)[N], const T& v) {
    bytes += static_cast<std::size_t>(column_) + N + 2 + size(v);
  }
  template <std::size_t N, class T>
  void records(const char (&)[N], const std::vector<T>& items, void (*fields)(YamlSize&, const T&)) {
    bytes += static_cast<std::size_t>(column_) + N + 6;
    for (const T& item : items) {
      YamlSize record(column_ + 4);
      fields(record, item);
      bytes += record.bytes;
    }
  }

 private:
  static std::size_t size(int) { return 11; }
  static std::size_t size(long long) { return 20; }
  static std::size_t size(double) { return 24; }
  static std::size_t size(const char* s) { return std::strlen(s) + 2; }
  static std::size_t size(const std::string& s) { return s.size() + 2; }
  static std::size_t size(Quoted q) { return q.text ? q.text->size() + 2 : 4; }
  template <class T>
  static std::size_t size(const std::optional<T>& v) { return v ? size(*v) : 4; }
  static std::size_t size(const std::vector<std::string>& items) {
    std::size_t n = 2;
    for (const std::string& item : items) n += item.size() + 4;
    return n;
  }
  int column_;
};

// The text being written, through a small buffer on the stack: room(n)
// makes room for n more bytes (n <= kStage), which the caller writes and
// then marks written with done(end); a full buffer is appended to the text
// at once. Pieces thus go in by plain stores and fixed-size copies instead
// of an append call each, which cost more than the YAML itself, and the
// text is never zero-filled ahead of the writing.
class TextBuffer {
 public:
  // Below the size from which glibc's memcpy copies by `rep movsb`.
  static constexpr std::size_t kStage = 4000;

  TextBuffer(std::string& text, std::size_t size_hint) : text_(text) { text_.reserve(text_.size() + size_hint); }
  char* room(std::size_t n) {
    if (kStage - used_ < n) flush();
    return stage_ + used_;
  }
  void done(const char* end) { used_ = static_cast<std::size_t>(end - stage_); }
  // The text itself, everything before written (for pieces past kStage).
  std::string& text() {
    flush();
    return text_;
  }
  void flush() {
    text_.append(stage_, used_);
    used_ = 0;
  }

 private:
  std::string& text_;
  std::size_t used_ = 0;
  char stage_[kStage];
};

// Writes the fields as to_yaml_text writes the tree ValueFields builds: a
// mapping whose keys start at `column` (the first where the text stands:
// after `- ` for a record), `key: scalar` and `key: [a, b]` on one line, a
// list of records as `- ` items indented by two below its key, an empty one
// as `[]` on the next line.
class YamlFields {
 public:
  YamlFields(TextBuffer& out, int column) : out_(out), column_(column) {}

  template <std::size_t N, class T>
  [[gnu::always_inline]] void operator()(const char (&key)[N], const T& v) {
    // A field whose value has a known bound (most) is written under one
    // room() call: the line break, `key: ` and the value.
    if constexpr (requires { bound(v); }) {
      const std::size_t room = break_room(column_) + (N - 1) + 2 + bound(v);
      if (room <= TextBuffer::kStage) {
        out_.done(put(key_at(out_.room(room), key, /*space=*/true), v));
        return;
      }
    }
    start(key, /*space=*/true);
    scalar(v);
  }

  template <std::size_t N, class T>
  void records(const char (&key)[N], const std::vector<T>& items, void (*fields)(YamlFields&, const T&)) {
    start(key, /*space=*/false);
    if (items.empty()) {
      char* p = newline(out_.room(break_room(column_ + 2) + 2), column_ + 2);
      p[0] = '[';
      p[1] = ']';
      out_.done(p + 2);
      return;
    }
    for (const T& item : items) {
      char* p = newline(out_.room(break_room(column_ + 2) + 2), column_ + 2);
      p[0] = '-';
      p[1] = ' ';
      out_.done(p + 2);
      YamlFields record(out_, column_ + 4);
      fields(record, item);
    }
  }

 private:
  static constexpr std::string_view kBreak = "\n        ";  // a break and up to 8 spaces

  // The start of a field: a line break and the indentation (none for the
  // first field, which goes where the text stands), `key:`, and a space
  // before a scalar. Keys are this file's literals: plain words, which the
  // tree's writer prints as they are, of a length known at compile time
  // (fixed-size copies).
  template <std::size_t N>
  void start(const char (&key)[N], bool space) {
    out_.done(key_at(out_.room(break_room(column_) + (N - 1) + 2), key, space));
  }
  // The same at p, which has that room; returns the end.
  template <std::size_t N>
  [[gnu::always_inline]] char* key_at(char* p, const char (&key)[N], bool space) {
    constexpr std::size_t kKey = N - 1;  // without the terminating NUL
    static_assert(kKey > 0 && kKey <= 32, "keys are short words");
    if (!first_) p = newline(p, column_);
    first_ = false;
    std::memcpy(p, key, kKey);
    p += kKey;
    *p++ = ':';
    if (space) *p++ = ' ';
    return p;
  }

  // The most bytes put(p, v) writes, for these types only (no conversions:
  // other types, bool among them, take start() and scalar()).
  template <class T>
  static std::size_t bound(const T&) = delete;
  static std::size_t bound(int) { return kYamlIntegerRoom; }
  static std::size_t bound(long long) { return kYamlIntegerRoom; }
  static std::size_t bound(double) { return kYamlNumberRoom; }
  static std::size_t bound(const std::string& s) { return yaml_string_room(s.size()); }
  static std::size_t bound(Quoted q) { return q.text ? yaml_string_room(q.text->size()) : 4; }
  template <class T>
  static auto bound(const std::optional<T>& v) -> decltype(bound(*v)) { return v ? bound(*v) : 4; }
  static std::size_t bound(const std::vector<std::string>& items) {
    std::size_t n = 2;
    for (const std::string& item : items) n += yaml_string_room(item.size()) + 2;
    return n;
  }
  // What scalar(v) writes, at p; returns the end.
  static char* put(char* p, int v) { return write_yaml_integer(p, v); }
  static char* put(char* p, long long v) { return write_yaml_integer(p, v); }
  static char* put(char* p, double v) { return write_yaml_number(p, v); }
  static char* put(char* p, const std::string& s) { return write_yaml_string(p, s, false); }
  static char* put_null(char* p) {
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  static char* put(char* p, Quoted q) { return q.text ? write_yaml_string(p, *q.text, true) : put_null(p); }
  template <class T>
  static char* put(char* p, const std::optional<T>& v) { return v ? put(p, *v) : put_null(p); }
  static char* put(char* p, const std::vector<std::string>& items) {
    *p++ = '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) {
        p[0] = ',';
        p[1] = ' ';
        p += 2;
      }
      p = write_yaml_string(p, items[i], false);
    }
    *p++ = ']';
    return p;
  }

  // A line break and `column` spaces at p, which has break_room(column).
  static std::size_t break_room(int column) {
    return std::max(static_cast<std::size_t>(column), kBreak.size() - 1) + 1;
  }
  [[gnu::always_inline]] static char* newline(char* p, int column) {
    const auto n = static_cast<std::size_t>(column);
    if (n < kBreak.size()) {
      std::memcpy(p, kBreak.data(), kBreak.size());  // a fixed-size copy: may write past the n + 1 kept
      return p + n + 1;
    }
    *p++ = '\n';
    std::memset(p, ' ', n);
    return p + n;
  }

  void literal(std::string_view s) {
    char* p = out_.room(s.size());
    std::memcpy(p, s.data(), s.size());
    out_.done(p + s.size());
  }
  void string(std::string_view s, bool quoted) {
    const std::size_t room = yaml_string_room(s.size());
    if (room > TextBuffer::kStage) {
      append_yaml_string(out_.text(), s, quoted);
    } else {
      out_.done(write_yaml_string(out_.room(room), s, quoted));
    }
  }

  // Each field type has its overload below; others do not compile rather
  // than convert (a bool would print as 1, the tree's writer prints true).
  template <class T>
  void scalar(const T&) = delete;
  void scalar(int v) { out_.done(write_yaml_integer(out_.room(kYamlIntegerRoom), v)); }
  void scalar(long long v) { out_.done(write_yaml_integer(out_.room(kYamlIntegerRoom), v)); }
  void scalar(double v) { out_.done(write_yaml_number(out_.room(kYamlNumberRoom), v)); }
  void scalar(const char* s) { string(s, false); }
  void scalar(const std::string& s) { string(s, false); }
  void scalar(Quoted q) {
    if (q.text) {
      string(*q.text, true);
    } else {
      literal("null");
    }
  }
  template <class T>
  void scalar(const std::optional<T>& v) {
    if (v) {
      scalar(*v);
    } else {
      literal("null");
    }
  }
  // A scalar array: flow style, also when empty.
  void scalar(const std::vector<std::string>& items) {
    literal("[");
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) literal(", ");
      string(items[i], false);
    }
    literal("]");
  }

  TextBuffer& out_;
  int column_;
  bool first_ = true;
};

}  // namespace

Value document_value(const Document& doc) {
  ValueFields fields;
  document_fields(fields, doc);
  return std::move(fields.value);
}

std::string to_yaml(const Document& doc) {
  YamlSize size(0);
  document_fields(size, doc);
  std::string text;
  TextBuffer buffer(text, size.bytes + 1);
  YamlFields fields(buffer, 0);
  document_fields(fields, doc);
  char* end = buffer.room(1);
  *end = '\n';
  buffer.done(end + 1);
  buffer.flush();
  return text;
}

std::string to_json(const Document& doc) { return to_json_text(document_value(doc)); }

std::string render(const Document& doc, OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson: return to_json(doc);
    case OutputFormat::kJsonLines: return to_json_text(document_value(doc), 0);
    case OutputFormat::kYaml: break;
  }
  return to_yaml(doc);
}

}  // namespace plancmp
