// A small ordered JSON-like tree. Output code builds one Value listing its
// fields once; to_yaml_text and to_json_text (src/value.cc) print it, so the
// YAML and JSON of every subcommand follow the same conventions.
#pragma once
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plancmp {

class Value {
 public:
  enum class Kind { kNull, kBool, kInteger, kNumber, kString, kArray, kObject };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : kind_(Kind::kBool), bool_(b) {}
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  Value(T i) : kind_(Kind::kInteger), integer_(static_cast<long long>(i)) {}
  template <std::floating_point T>
  Value(T d) : kind_(Kind::kNumber), number_(static_cast<double>(d)) {}
  Value(std::string s) : kind_(Kind::kString), string_(std::move(s)) {}
  Value(std::string_view s) : Value(std::string(s)) {}
  Value(const char* s) : Value(std::string(s)) {}
  // An empty optional is null.
  template <class T>
  Value(const std::optional<T>& v) : Value(v ? Value(*v) : Value()) {}
  // A vector becomes a scalar_array() of its elements.
  template <class T>
  Value(const std::vector<T>& items) : kind_(Kind::kArray), scalar_array_(true) {
    items_.reserve(items.size());
    for (const auto& item : items) items_.emplace_back(item);
  }

  static Value object();
  static Value array();
  // An array declared to hold scalars. YAML cannot tell an empty list of
  // scalars from an empty list of records: it prints the first inline
  // (`key: []`) and an empty array() on the next line (`key:\n  []`).
  static Value scalar_array();
  // A string YAML always double-quotes (numbering as printed, dates, verbatim
  // quotes: text that should read as text at a glance). JSON ignores the mark.
  static Value quoted(std::string s);
  static Value quoted(const char* s) { return quoted(std::string(s)); }
  static Value quoted(const std::optional<std::string>& s);

  // Adds `key` at the end of an object (a null Value becomes an empty
  // object); setting an existing key replaces its value in place.
  Value& set(std::string key, Value v) &;
  // On a temporary (chained builders) it returns the result by value, so
  // nothing can dangle.
  Value set(std::string key, Value v) && { return std::move(set(std::move(key), std::move(v))); }
  // Appends to an array (a null Value becomes an empty array).
  Value& push(Value v) &;
  Value push(Value v) && { return std::move(push(std::move(v))); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_scalar() const { return !is_array() && !is_object(); }
  bool as_bool() const { return bool_; }
  long long as_integer() const { return integer_; }
  double as_number() const { return number_; }
  const std::string& as_string() const { return string_; }
  bool is_quoted() const { return quoted_; }
  bool is_scalar_array() const { return scalar_array_; }

  // Elements of an array, or values of an object (in key order).
  std::size_t size() const { return items_.size(); }
  const Value& operator[](std::size_t i) const { return items_[i]; }
  // Key of an object's i-th member.
  const std::string& key(std::size_t i) const { return keys_[i]; }
  // The member named `key`, or nullptr.
  const Value* find(std::string_view key) const;

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  bool quoted_ = false;
  bool scalar_array_ = false;
  long long integer_ = 0;
  double number_ = 0;
  std::string string_;
  std::vector<Value> items_;       // array elements or object values
  std::vector<std::string> keys_;  // object keys, parallel to items_
};

// YAML in block style (2-space indent), arrays of scalars in flow style;
// strings a YAML reader could misread are double-quoted. Ends with a newline.
std::string to_yaml_text(const Value& v);

// The scalars of to_yaml_text, appended to `out`, for writers that print YAML
// in its layout straight from their own data instead of building a Value
// (render of a Document): a string as a plain scalar, or double-quoted when
// `quoted` or when a reader could misread it (`is_key`: as a mapping key);
// an integer; a number.
void append_yaml_string(std::string& out, std::string_view s, bool quoted, bool is_key = false);
void append_yaml_integer(std::string& out, long long v);
void append_yaml_number(std::string& out, double v);

// JSON with `indent` spaces per level (0: on one line); arrays of scalars on
// one line. Ends with a newline.
std::string to_json_text(const Value& v, int indent = 2);

}  // namespace plancmp
