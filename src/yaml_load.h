// Loading YAML that users hand us (grammar files, check profiles, extraction
// documents) within bounded memory and time (private to src/).
//
// yaml-cpp shares an aliased node instead of copying it, but any code that
// walks the tree (or converts each alias to a string) pays for every alias:
// nine nested levels of nine aliases each ("billion laughs") are 10^9 nodes
// from a file of a few hundred bytes, and one 1 MB anchored string named by a
// million "*a" is 10^12 bytes. So before YAML::Load, one pass over the parser's
// events counts what a walk of the tree would see, with each alias counted at
// the size of what it names, and refuses the file at the offending alias
// (file:line:col) once that passes the budget. An alias to a node still being
// read (a cycle) and nesting deeper than max_depth are refused too.
#pragma once
#include <cstddef>
#include <istream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include "plancmp/grammar.h"
#include "yaml_error.h"
#include "yaml_tree.h"

namespace plancmp {

struct YamlLimits {
  std::size_t max_file_bytes = 8u << 20;        // the file itself; 0: no limit
  std::size_t max_alias_nodes = 1'000'000;      // nodes aliases may add to a walk
  std::size_t max_alias_bytes = 64u << 20;      // scalar bytes aliases may add
  std::size_t max_depth = 100;                  // nested maps and lists
};

namespace yaml_detail {

class BudgetCheck : public YAML::EventHandler {
 public:
  BudgetCheck(const std::string& path, const std::string& text, const YamlLimits& limits)
      : path_(path), text_(text), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, 0); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    leaf(mark, anchor, value.size());
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    for (const Open& o : open_)
      if (o.anchor == anchor && anchor != YAML::NullAnchor)
        throw_at_mark(path_, text_, mark, "alias to a node that contains it (a cycle)");
    const auto it = sizes_.find(anchor);
    if (it == sizes_.end()) return;  // yaml-cpp reports unknown anchors itself
    alias_nodes_ += it->second.nodes;
    alias_bytes_ += it->second.bytes;
    add(mark, it->second.nodes, it->second.bytes);
    if (alias_nodes_ > limits_.max_alias_nodes || alias_bytes_ > limits_.max_alias_bytes)
      throw_at_mark(path_, text_, mark,
                    fmt::format("YAML aliases expand this file past {} nodes or {} bytes "
                                "(an alias bomb?); write the values out instead",
                                limits_.max_alias_nodes, limits_.max_alias_bytes));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Size {
    std::size_t nodes = 0, bytes = 0;
  };
  struct Open {
    YAML::anchor_t anchor;
    Size at_start;
  };

  void add(const YAML::Mark&, std::size_t nodes, std::size_t bytes) {
    total_.nodes += nodes;
    total_.bytes += bytes;
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, std::size_t bytes) {
    add(mark, 1, bytes);
    if (anchor != YAML::NullAnchor) sizes_[anchor] = {1, bytes};
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= limits_.max_depth)
      throw_at_mark(path_, text_, mark,
                    fmt::format("YAML nested more than {} levels deep", limits_.max_depth));
    open_.push_back({anchor, total_});
    add(mark, 1, 0);
  }
  void close() {
    if (open_.empty()) return;
    const Open o = open_.back();
    open_.pop_back();
    if (o.anchor != YAML::NullAnchor)
      sizes_[o.anchor] = {total_.nodes - o.at_start.nodes, total_.bytes - o.at_start.bytes};
  }

  const std::string& path_;
  const std::string& text_;
  const YamlLimits& limits_;
  std::map<YAML::anchor_t, Size> sizes_;  // what each anchor's node holds, aliases expanded
  std::vector<Open> open_;
  Size total_;
  std::size_t alias_nodes_ = 0, alias_bytes_ = 0;
};

}  // namespace yaml_detail

// The contents of `in` (opened on `path`), refusing more than `max_bytes`
// (0: no limit) without reading past them: /dev/zero or a huge file named as
// a grammar or profile never fills memory.
inline std::string read_bounded(std::istream& in, const std::string& path, std::size_t max_bytes) {
  std::string text;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (max_bytes > 0 && text.size() + got > max_bytes)
      throw InputError(path, fmt::format("file too large: over the limit of {} bytes for this kind of file",
                                         max_bytes));
    text.append(buffer, got);
  }
  if (in.bad()) throw InputError(path, "read error");
  return text;
}

// YAML::Load(text) after the budget check. Throws InputError (file:line:col)
// for a file over the limits, and yaml-cpp's exceptions for malformed YAML, as
// YAML::Load does (callers already turn those into positioned InputErrors).
// plancmp's own embedded grammar files (built in at compile time, tested with
// every build) skip the budget pass, which would double their parsing cost at
// every start-up; anything read from disk goes through load_yaml_bounded.
// They are not even parsed: their trees were, at build time (yaml_tree.h).
inline YAML::Node load_yaml_builtin(const std::string& text) {
  for (const auto& [name, builtin_text] : builtin_grammar_files())
    if (builtin_text.size() == text.size() && builtin_text == text) {
      auto tree = builtin_yaml_trees().find(name);
      if (tree != builtin_yaml_trees().end()) return decode_yaml_tree(tree->second);
    }
  return YAML::Load(text);
}

inline YAML::Node load_yaml_bounded(const std::string& path, const std::string& text,
                                    const YamlLimits& limits = {}) {
  if (limits.max_file_bytes > 0 && text.size() > limits.max_file_bytes)
    throw InputError(path, fmt::format("file too large: {} bytes, over the limit of {} bytes for this "
                                       "kind of file",
                                       text.size(), limits.max_file_bytes));
  {
    std::istringstream in(text);
    YAML::Parser parser(in);
    yaml_detail::BudgetCheck check(path, text, limits);
    parser.HandleNextDocument(check);  // YAML::Load reads the first document only
  }
  return YAML::Load(text);
}

}  // namespace plancmp
