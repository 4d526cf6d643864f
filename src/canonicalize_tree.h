// A read-only view of a YAML tree in the compact form of yaml_tree.h, with
// the part of YAML::Node's interface the catalogue reader (canonicalize.cc)
// uses, so the built-in indicators.yaml is read straight from its pre-parsed
// form: rebuilding and then walking yaml-cpp's nodes cost ~25M instructions
// at start-up, this ~1M. Private to src/.
//
// The view answers only where it answers as YAML::Node would; elsewhere
// (a scalar that is not a plain decimal where a number is read, a key that is
// not a scalar, an error to report, which needs a position the form does not
// keep) it throws TreeViewFallback, and the caller reads the file again
// through yaml-cpp, which gives the answer or the error as before.
#pragma once
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace plancmp {

struct TreeViewFallback {};

class TreeView {
 public:
  class Node;

  // Throws TreeViewFallback on a malformed form.
  explicit TreeView(std::string_view form) : form_(form) {
    root_ = read(0);
    if (pos_ != form_.size()) throw TreeViewFallback{};
  }
  Node root() const;

 private:
  struct Item {
    char kind;                   // 'N', 'S', 'Q', 'M' as in the form
    std::uint32_t first = 0;     // containers: their children at kids_[first ..]
    std::uint32_t count = 0;     // children (a map's keys and values, in turn)
    std::string_view text;       // scalars
  };

  std::size_t count() {
    std::size_t n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= form_.size()) throw TreeViewFallback{};
      const auto byte = static_cast<unsigned char>(form_[pos_++]);
      n |= static_cast<std::size_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return n;
    }
    throw TreeViewFallback{};
  }

  // Reads one node, its children first; returns its index in items_.
  std::uint32_t read(int depth) {
    if (pos_ >= form_.size() || depth > 256) throw TreeViewFallback{};
    Item item{form_[pos_++], 0, 0, {}};
    if (item.kind == 'S') {
      const std::size_t n = count();
      if (n > form_.size() - pos_) throw TreeViewFallback{};
      item.text = form_.substr(pos_, n);
      pos_ += n;
    } else if (item.kind == 'Q' || item.kind == 'M') {
      std::size_t children = count();
      if (item.kind == 'M') children *= 2;
      if (children > form_.size() - pos_) throw TreeViewFallback{};  // a byte each at least
      // The children's indices gather on a stack (their own children come
      // and go above them) and then move to kids_ together.
      const std::size_t base = stack_.size();
      for (std::size_t i = 0; i < children; ++i) stack_.push_back(read(depth + 1));
      item.first = static_cast<std::uint32_t>(kids_.size());
      item.count = static_cast<std::uint32_t>(children);
      kids_.insert(kids_.end(), stack_.begin() + static_cast<std::ptrdiff_t>(base), stack_.end());
      stack_.resize(base);
    } else if (item.kind != 'N') {
      throw TreeViewFallback{};
    }
    items_.push_back(item);
    return static_cast<std::uint32_t>(items_.size() - 1);
  }

  std::string_view form_;
  std::size_t pos_ = 0;
  std::vector<Item> items_;
  std::vector<std::uint32_t> kids_, stack_;
  std::uint32_t root_ = 0;
};

class TreeView::Node {
 public:
  Node() = default;  // no node (a missing key), as a zombie YAML::Node
  Node(const TreeView* tree, std::uint32_t index) : tree_(tree), index_(index) {}

  explicit operator bool() const { return tree_ != nullptr; }
  bool IsMap() const { return kind() == 'M'; }
  bool IsSequence() const { return kind() == 'Q'; }
  bool IsScalar() const { return kind() == 'S'; }
  std::size_t size() const { return IsMap() ? item().count / 2 : IsSequence() ? item().count : 0; }

  // The value of the first key that is `key`; no node when none is.
  Node operator[](std::string_view key) const {
    if (!IsMap()) throw TreeViewFallback{};
    for (std::uint32_t k = 0; k < item().count; k += 2) {
      const Node name = child(k);
      if (name.IsScalar() && name.item().text == key) return child(k + 1);
    }
    return {};
  }
  Node operator[](std::size_t i) const {
    if (!IsSequence() || i >= item().count) throw TreeViewFallback{};
    return child(static_cast<std::uint32_t>(i));
  }

  template <class T>
  T as() const;

  class Iterator;
  Iterator begin() const;
  Iterator end() const;

 private:
  const Item& item() const { return tree_->items_[index_]; }
  char kind() const { return tree_ ? item().kind : '\0'; }
  Node child(std::uint32_t k) const { return {tree_, tree_->kids_[item().first + k]}; }
  std::string_view text() const {
    if (!IsScalar()) throw TreeViewFallback{};
    return item().text;
  }

  const TreeView* tree_ = nullptr;
  std::uint32_t index_ = 0;
};

// An item of a sequence (the node itself) or of a map (first, second), as
// YAML::Node's iterators give them.
struct TreeViewEntry : TreeView::Node {
  TreeView::Node first, second;
};

class TreeView::Node::Iterator {
 public:
  Iterator(Node parent, std::uint32_t k) : parent_(parent), k_(k) {}
  TreeViewEntry operator*() const {
    TreeViewEntry e;
    if (parent_.IsMap()) {
      e.first = parent_.child(k_);
      e.second = parent_.child(k_ + 1);
    } else {
      static_cast<Node&>(e) = parent_.child(k_);
    }
    return e;
  }
  Iterator& operator++() {
    k_ += parent_.IsMap() ? 2 : 1;
    return *this;
  }
  bool operator!=(const Iterator& other) const { return k_ != other.k_; }

 private:
  Node parent_;
  std::uint32_t k_;
};

inline TreeView::Node::Iterator TreeView::Node::begin() const { return {*this, 0}; }
inline TreeView::Node::Iterator TreeView::Node::end() const {
  return {*this, IsMap() || IsSequence() ? item().count : 0};
}

inline TreeView::Node TreeView::root() const { return {this, root_}; }

template <>
inline std::string TreeView::Node::as<std::string>() const {
  return std::string(text());
}

template <>
inline std::string_view TreeView::Node::as<std::string_view>() const {
  return text();
}

// A plain decimal ("0.66", "-12", "2025") reads as the nearest double, as
// yaml-cpp's stream conversion reads it; anything else is left to yaml-cpp
// (which throws YAML::BadConversion where it is no number).
template <>
inline double TreeView::Node::as<double>() const {
  const std::string_view s = text();
  std::size_t i = s.starts_with('-') ? 1 : 0;
  const std::size_t digits_from = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  bool plain = i > digits_from;
  if (plain && i < s.size() && s[i] == '.') {
    const std::size_t fraction_from = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    plain = i > fraction_from;
  }
  double value = 0;
  if (plain && i == s.size() && std::from_chars(s.data(), s.data() + s.size(), value).ec == std::errc())
    return value;
  return YAML::Node(std::string(s)).as<double>();
}

template <>
inline bool TreeView::Node::as<bool>() const {
  return YAML::Node(std::string(text())).as<bool>();
}

}  // namespace plancmp
