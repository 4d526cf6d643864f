// src/yaml_tree.h: the built-in grammar files' pre-parsed trees must be what
// yaml-cpp reads from their text, and the form must round-trip any tree.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include <yaml-cpp/yaml.h>

#include "plancmp/grammar.h"
#include "yaml_tree.h"

namespace {

// Same shape, scalars and key order; path names the first difference.
bool same_tree(const YAML::Node& a, const YAML::Node& b, std::string& path) {
  if (a.Type() != b.Type()) return false;
  switch (a.Type()) {
    case YAML::NodeType::Scalar:
      return a.Scalar() == b.Scalar();
    case YAML::NodeType::Sequence:
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_tree(a[i], b[i], path)) {
          path = "[" + std::to_string(i) + "]" + path;
          return false;
        }
      }
      return true;
    case YAML::NodeType::Map: {
      if (a.size() != b.size()) return false;
      auto ia = a.begin(), ib = b.begin();
      for (; ia != a.end(); ++ia, ++ib) {
        if (!same_tree(ia->first, ib->first, path) || !same_tree(ia->second, ib->second, path)) {
          path = "." + (ia->first.IsScalar() ? ia->first.Scalar() : std::string("?")) + path;
          return false;
        }
      }
      return true;
    }
    default:
      return true;
  }
}

}  // namespace

TEST_CASE("every built-in grammar file has a pre-parsed tree equal to its parsed text") {
  int files = 0;
  for (const auto& file : plancmp::builtin_grammar_files()) {
    // Named copies: doctest's message macros capture them in lambdas.
    const std::string& name = file.first;
    const std::string& text = file.second;
    if (name.find('/') != std::string::npos) continue;
    auto tree = plancmp::builtin_yaml_trees().find(name);
    REQUIRE_MESSAGE(tree != plancmp::builtin_yaml_trees().end(), name);
    std::string path;
    CHECK_MESSAGE(same_tree(plancmp::decode_yaml_tree(tree->second), YAML::Load(text), path), name, " differs at ", path);
    ++files;
  }
  CHECK(files >= 7);
}

TEST_CASE("the tree form round-trips maps, sequences, nulls and awkward scalars") {
  const char* docs[] = {
      "a: 1\nb: [x, '', ~]\nc: {d: {e: [[], {}]}}\n",
      "- \"引号\\\"里\"\n- 'multi\n\n  line'\n- |\n  block\n  text\n- null\n- 0x1F\n",
      "key with spaces: value\n\"\\0\": nul byte\n? [complex, key]\n: v\n",
      "plain",
      // A repeated key stays a pair of its own (its first value is the one found).
      "a: 1\nb: 2\na: 3\nb: [x]\n",
      "- {a: 1, b: ~}\n- {b: [2, {c: ~, d: {}}]}\n- []\n- [[], [~, [y]]]\n",
  };
  for (const char* doc : docs) {
    const YAML::Node parsed = YAML::Load(doc);
    std::string path;
    CHECK_MESSAGE(same_tree(plancmp::decode_yaml_tree(plancmp::encode_yaml_tree(parsed)), parsed, path), doc, path);
  }
  const YAML::Node repeated = plancmp::decode_yaml_tree(plancmp::encode_yaml_tree(YAML::Load("a: 1\nb: 2\na: 3\n")));
  CHECK(repeated.size() == 3);
  CHECK(repeated["a"].as<std::string>() == "1");
  // A changed scalar is noticed (the comparison is not vacuous).
  std::string path;
  CHECK_FALSE(same_tree(YAML::Load("a: [1, 2]"), YAML::Load("a: [1, 3]"), path));
}

TEST_CASE("a malformed tree form is rejected, not read past its end") {
  const std::string form = plancmp::encode_yaml_tree(YAML::Load("a: [b, c]"));
  for (std::size_t cut = 0; cut < form.size(); ++cut)
    CHECK_THROWS_AS(plancmp::decode_yaml_tree(std::string_view(form).substr(0, cut)), std::runtime_error);
  CHECK_THROWS_AS(plancmp::decode_yaml_tree(form + "N"), std::runtime_error);
  CHECK_THROWS_AS(plancmp::decode_yaml_tree("X"), std::runtime_error);
  CHECK_THROWS_AS(plancmp::decode_yaml_tree("S\xff\xff\xff\xff\x0f"), std::runtime_error);
}
