// render's YAML is written straight from the Document (YamlFields in
// src/output.cc), JSON from the Value tree (document_value). The two must
// stay one output: the direct YAML is compared byte for byte with
// to_yaml_text(document_value(doc)) on the corpus plans, the held-out
// passages and random documents full of awkward strings and values. The
// scalar writer both paths share (append_yaml_string) is checked against a
// slow character-wise reference, and so is the JSON string writer.
#include <doctest/doctest.h>

#include "test_support.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "plancmp/output.h"
#include "plancmp/pipeline.h"
#include "plancmp/value.h"
#include "utf8_util.h"

namespace {

using plancmp::Document;
using plancmp::Value;

using plancmp_test::Lcg;

// Pieces of strings: YAML indicators, reserved words in several cases,
// number and date look-alikes, spaces, controls, C1 controls, NBSP, BOM,
// DEL, line separators, every UTF-8 lead-byte family (valid, truncated,
// overlong, surrogate) and plain Chinese text.
const std::vector<std::string> kPieces = {
    "a", "Z", "_", ".", "/", "-", "+", " ", "1", "2025", "0.5", "中", "文", "、", "。", "（", "）",
    "“", "”", "：", "，", ":", "#", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", "\"",
    "%", "@", "`", "?", "\\", "<<", "=", "~", "\n", "\t", "\r", "\b", "\f", "\x01", "\x1f", "\x7f",
    "yes", "No", "ON", "off", "y", "N", "null", "NULL", "True", "false", "é", "\xc2\x85",
    "\xc2\xa0", "\xc2\xa1", "\xef\xbb\xbf", "\xef\xbb\xbe", "\xef\xbf\xbe", "\xef\xbf\xbf",
    "\xef\xbf\xbd", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xa7", "\xe0\xa0\x80", "\xe0\x80\x80",
    "\xed\x9f\xbf", "\xed\xa0\x80", "\xee\x80\x80", "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80",
    "\xe4\xb8", "\xe2\x80", "\xef\xbb", "\xe4", "\xef", "\xc2", "\x80", "\xbf", "\xff", "\xc0\xaf"};

std::string random_string(Lcg& rng, unsigned max_pieces = 5) {
  std::string s;
  const unsigned n = rng.next(max_pieces + 1);
  for (unsigned i = 0; i < n; ++i) s += kPieces[rng.next(static_cast<unsigned>(kPieces.size()))];
  return s;
}

// ------------------------------------------------------------ reference scalar writer

bool reference_reserved(const std::string& s, bool is_key) {
  std::string lower;
  for (char c : s) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (const char* w : {"~", "null", "true", "false", "yes", "no", "on", "off", "<<", "="}) {
    if (lower == w) return true;
  }
  return !is_key && (lower == "y" || lower == "n");
}

// The characters YAML readers cannot take raw (written as U+FFFD).
bool reference_unwritable(int32_t cp) {
  return cp < 0 || cp == 0x7F || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF;
}

// value.h's rules, one character at a time: repair, then quote when asked or
// when plain text could be misread, then escape inside the quotes.
std::string reference_yaml_string(const std::string& raw, bool quoted, bool is_key) {
  std::u32string text;
  for (std::size_t i = 0; i < raw.size();) {
    const int32_t cp = plancmp::utf8::next_or_invalid(raw, i);
    text += reference_unwritable(cp) ? U'\uFFFD' : static_cast<char32_t>(cp);
  }
  std::string clean;
  for (char32_t c : text) plancmp::utf8::append(clean, c);

  bool plain = !text.empty() && text.front() != U' ' && text.back() != U' ' &&
               !(text.front() >= U'0' && text.front() <= U'9') && text.front() != U'+' &&
               text.front() != U'-' && text.front() != U'.' && !reference_reserved(clean, is_key);
  for (char32_t c : text) {
    if (c < 0x20 || std::u32string_view(U":#,[]{}&*!|>'\"%@`?\\").find(c) != std::u32string_view::npos ||
        (c >= 0x7F && c <= 0xA0) || c == 0xFEFF) {
      plain = false;
    }
  }
  if (plain && !quoted) return clean;

  std::string out = "\"";
  for (char32_t c : text) {
    static const char kHex[] = "0123456789abcdef";
    switch (c) {
      case U'"': out += "\\\""; break;
      case U'\\': out += "\\\\"; break;
      case U'\n': out += "\\n"; break;
      case U'\t': out += "\\t"; break;
      case U'\r': out += "\\r"; break;
      case U'\b': out += "\\b"; break;
      default:
        if (c < 0x20 || (c >= 0x80 && c <= 0xA0)) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else if (c == 0xFEFF) {
          out += "\\ufeff";
        } else {
          plancmp::utf8::append(out, c);
        }
    }
  }
  return out + "\"";
}

// JSON's rules, one character at a time: invalid bytes become U+FFFD; the
// quote, backslash, controls, DEL, U+2028 and U+2029 are escaped.
std::string reference_json_string(const std::string& raw) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < raw.size();) {
    const int32_t cp = plancmp::utf8::next_or_invalid(raw, i);
    switch (cp) {
      case -1: out += "\xEF\xBF\xBD"; break;
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
          for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
        } else {
          plancmp::utf8::append(out, static_cast<char32_t>(cp));
        }
    }
  }
  return out + "\"";
}

// ------------------------------------------------------------ random documents

std::optional<std::string> maybe_string(Lcg& rng) {
  if (rng.next(4) == 0) return std::nullopt;
  return random_string(rng);
}

std::optional<int> maybe_int(Lcg& rng) {
  if (rng.next(3) == 0) return std::nullopt;
  return static_cast<int>(rng.next(5000)) - 100;
}

double random_number(Lcg& rng) {
  static const double kSpecial[] = {0.0, -0.0, 29.0, 0.604, 1e-5, -12.5, 1e15, 123456789012.25,
                                    std::numeric_limits<double>::quiet_NaN(),
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity()};
  if (rng.next(2) == 0) return kSpecial[rng.next(std::size(kSpecial))];
  return (static_cast<double>(rng.next(2000000)) - 1000000.0) / 64.0;
}

std::vector<std::string> random_strings(Lcg& rng) {
  std::vector<std::string> out(rng.next(4));
  for (auto& s : out) s = random_string(rng);
  return out;
}

// A document with every field set at random, lists of 0 to 3 records (all
// empty in about one document of six).
Document random_document(Lcg& rng) {
  Document doc;
  doc.document = random_string(rng);
  doc.source = random_string(rng);
  doc.encoding = random_string(rng);
  doc.city = maybe_string(rng);
  doc.province = maybe_string(rng);
  doc.title = maybe_string(rng);
  doc.issuer = maybe_string(rng);
  doc.date = maybe_string(rng);
  const bool empty = rng.next(6) == 0;
  auto count = [&] { return empty ? 0u : rng.next(4); };
  for (unsigned i = count(); i > 0; --i) {
    plancmp::Section s;
    s.n = static_cast<int>(rng.next(30));
    s.printed = random_string(rng);
    s.title = random_string(rng);
    s.line = static_cast<int>(rng.next(900));
    s.column = static_cast<int>(rng.next(9));
    s.rule = random_string(rng);
    doc.sections.push_back(s);
  }
  for (unsigned i = count(); i > 0; --i) {
    plancmp::Clause c;
    c.id = static_cast<int>(rng.next(40));
    c.parent = maybe_int(rng);
    c.printed = random_string(rng);
    c.section = static_cast<int>(rng.next(10));
    c.title = random_string(rng);
    c.line = static_cast<int>(rng.next(900));
    c.column = static_cast<int>(rng.next(9));
    c.level = static_cast<int>(rng.next(5));
    c.rule = random_string(rng);
    c.lead = random_strings(rng);
    c.support = random_strings(rng);
    doc.clauses.push_back(c);
  }
  doc.implementers = random_strings(rng);
  for (unsigned i = count(); i > 0; --i) {
    doc.units.push_back({random_string(rng), random_string(rng), static_cast<int>(rng.next(900)),
                         static_cast<int>(rng.next(10))});
  }
  for (unsigned i = count(); i > 0; --i) {
    plancmp::Target t;
    t.clause = maybe_int(rng);
    t.section = static_cast<int>(rng.next(10));
    t.indicator = random_string(rng);
    t.indicator_id = maybe_string(rng);
    t.op = random_string(rng);
    t.value = random_number(rng);
    t.unit = random_string(rng);
    t.year = maybe_int(rng);
    t.baseline_year = maybe_int(rng);
    t.line = static_cast<int>(rng.next(900));
    t.column = static_cast<int>(rng.next(9));
    t.quote = random_string(rng, 12);
    t.rule = random_string(rng);
    doc.targets.push_back(t);
  }
  for (unsigned i = count(); i > 0; --i) {
    plancmp::Deadline d;
    d.clause = maybe_int(rng);
    d.section = static_cast<int>(rng.next(10));
    d.date = random_string(rng);
    d.kind = random_string(rng);
    d.line = static_cast<int>(rng.next(900));
    d.column = static_cast<int>(rng.next(9));
    d.quote = random_string(rng, 12);
    d.rule = random_string(rng);
    doc.deadlines.push_back(d);
  }
  for (unsigned i = count(); i > 0; --i) {
    const long long byte = rng.next(3) == 0 ? -1 : static_cast<long long>(rng.next(100000)) * 100000;
    doc.warnings.push_back({random_string(rng), random_string(rng, 12), static_cast<int>(rng.next(900)),
                            static_cast<int>(rng.next(9)), byte});
  }
  return doc;
}

// The direct YAML and the tree's YAML, compared; false (with the texts in
// the report) when they differ.
bool same_yaml(const Document& doc) {
  const std::string direct = plancmp::to_yaml(doc);
  const std::string tree = plancmp::to_yaml_text(plancmp::document_value(doc));
  if (direct == tree) return true;
  INFO("direct:\n" << direct << "\ntree:\n" << tree);
  CHECK(direct == tree);
  return false;
}

// append_yaml_string on `s` (quoted or not, key or not, at random) against
// the character-wise reference; a difference is reported with its inputs.
bool agrees_with_reference(Lcg& rng, const std::string& s) {
  const bool quoted = rng.next(4) == 0, is_key = rng.next(4) == 0;
  std::string ours;
  plancmp::append_yaml_string(ours, s, quoted, is_key);
  const std::string expected = reference_yaml_string(s, quoted, is_key);
  INFO("string: " << s << " quoted: " << quoted << " key: " << is_key);
  CHECK(ours == expected);
  return ours == expected;
}

}  // namespace

TEST_CASE("append_yaml_string agrees with a character-wise reference on random strings") {
  Lcg rng{20261124};
  int agreed = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string s = random_string(rng, 4);
    if (!agrees_with_reference(rng, s)) break;
    ++agreed;
  }
  CHECK(agreed == 20000);
}

TEST_CASE("append_yaml_string agrees with the reference on Chinese text with awkward pieces anywhere") {
  // Long runs of common 3-byte characters and plain ASCII (scan_string's
  // fast cases) with one or two pieces of any kind (a truncated lead, a
  // stray continuation byte, a control, an indicator, U+2028...) anywhere.
  static const char* const kCommon[] = {"中", "文", "、", "。", "《", "》", "a", "1", "_"};
  Lcg rng{20261126};
  int agreed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    const unsigned pieces = 4 + rng.next(40);
    const unsigned odd1 = rng.next(pieces + 1), odd2 = rng.next(3) == 0 ? rng.next(pieces + 1) : pieces + 1;
    for (unsigned k = 0; k <= pieces; ++k) {
      if (k == odd1 || k == odd2) s += kPieces[rng.next(static_cast<unsigned>(kPieces.size()))];
      s += kCommon[rng.next(static_cast<unsigned>(std::size(kCommon)))];
    }
    if (rng.next(4) == 0) s.resize(rng.next(static_cast<unsigned>(s.size()) + 1));  // may cut a character
    if (!agrees_with_reference(rng, s)) break;
    ++agreed;
  }
  CHECK(agreed == 20000);
}

TEST_CASE("JSON strings agree with a character-wise reference on random strings") {
  Lcg rng{20261125};
  int agreed = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string s = random_string(rng, 4);
    const std::string ours = plancmp::to_json_text(Value(s), 0);
    const std::string expected = reference_json_string(s) + "\n";
    if (ours != expected) {
      INFO("string: " << s);
      CHECK(ours == expected);
      break;
    }
    ++agreed;
  }
  CHECK(agreed == 20000);
}

TEST_CASE("append_yaml_string quotes reserved words as values and keeps them apart from their neighbours") {
  for (const std::string s : {"~", "null", "Null", "NULL", "true", "False", "yes", "NO", "on", "Off",
                              "<<", "=", "y", "N"}) {
    CAPTURE(s);
    std::string value, key;
    plancmp::append_yaml_string(value, s, false);
    plancmp::append_yaml_string(key, s, false, true);
    CHECK(value == "\"" + s + "\"");
    CHECK(key == ((s == "y" || s == "N") ? s : "\"" + s + "\""));
  }
  for (const std::string s : {"nulls", "tru", "yess", "o", "f", "n_", "<", "==", "~x", "title", "op"}) {
    CAPTURE(s);
    std::string value;
    plancmp::append_yaml_string(value, s, false);
    CHECK(value == s);
  }
}

TEST_CASE("direct YAML equals the Value tree's YAML on the corpus and held-out plans") {
  int documents = 0;
  for (const auto& file : plancmp_test::sample_plan_files()) {
    CAPTURE(file.string());
    const Document doc = plancmp::extract_file(file.string());
    CHECK(same_yaml(doc));
    CHECK(plancmp::render(doc, plancmp::OutputFormat::kYaml) == plancmp::to_yaml(doc));
    ++documents;
  }
  CHECK(documents >= 3);
}

TEST_CASE("direct YAML equals the Value tree's YAML on random documents with awkward strings") {
  Lcg rng{77};
  int compared = 0;
  for (int i = 0; i < 2000; ++i) {
    if (!same_yaml(random_document(rng))) break;
    ++compared;
  }
  CHECK(compared == 2000);
  CHECK(same_yaml(Document{}));  // every list empty, every optional null
}

TEST_CASE("direct YAML equals the Value tree's YAML with strings longer than its write buffer") {
  // A string of n bytes may need 4n + 2 bytes written: past ~1000 bytes it
  // no longer fits the writer's stack buffer and is appended another way.
  Lcg rng{91};
  auto long_string = [&] { return random_string(rng, 2000); };
  int compared = 0;
  for (int i = 0; i < 40; ++i) {
    Document doc = random_document(rng);
    doc.title = long_string();
    doc.implementers.push_back(long_string());
    doc.implementers.push_back(long_string());
    plancmp::Clause c;
    c.title = long_string();
    c.printed = long_string();
    c.lead = {long_string(), "a", long_string()};
    doc.clauses.push_back(c);
    if (!same_yaml(doc)) break;
    ++compared;
  }
  CHECK(compared == 40);
}
