// A YAML node tree in a compact byte form, for plancmp's built-in grammar
// files: parsed once at build time (src/gen/yaml_tree_gen.cc) and rebuilt at
// run time through yaml-cpp's node API, about six times cheaper than parsing
// the text again at every start-up (yaml-cpp's scanner costs ~1,000
// instructions per byte).
//
// Form (one node): 'N' null | 'S' len bytes (scalar) | 'Q' count node... (sequence)
// | 'M' count (key value)... (map); len and count are LEB128 varints. Marks
// (line/column) are not kept: only errors use them, and the built-in files are
// checked by the tests. Tags and styles are not kept either (plancmp reads
// every scalar as text).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace plancmp {

std::string encode_yaml_tree(const YAML::Node& node);
// Throws std::runtime_error on a malformed form.
YAML::Node decode_yaml_tree(std::string_view form);

// Pre-parsed trees of the built-in grammar files, by file name (generated at
// build time; see CMakeLists.txt).
const std::map<std::string, std::string>& builtin_yaml_trees();

}  // namespace plancmp
