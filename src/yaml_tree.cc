// See src/yaml_tree.h.
#include "yaml_tree.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace plancmp {

namespace {

void put_count(std::string& out, std::size_t n) {
  do {
    unsigned char byte = n & 0x7F;
    n >>= 7;
    if (n) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (n);
}

void encode(const YAML::Node& node, std::string& out) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out.push_back('S');
      put_count(out, node.Scalar().size());
      out += node.Scalar();
      return;
    case YAML::NodeType::Sequence:
      out.push_back('Q');
      put_count(out, node.size());
      for (const YAML::Node& item : node) encode(item, out);
      return;
    case YAML::NodeType::Map:
      out.push_back('M');
      put_count(out, node.size());
      for (const auto& kv : node) {
        encode(kv.first, out);
        encode(kv.second, out);
      }
      return;
    default:
      out.push_back('N');
  }
}

struct Reader {
  std::string_view form;
  std::size_t pos = 0;

  [[noreturn]] static void bad() { throw std::runtime_error("malformed YAML tree form"); }

  std::size_t count() {
    std::size_t n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= form.size()) bad();
      const auto byte = static_cast<unsigned char>(form[pos++]);
      n |= static_cast<std::size_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return n;
    }
    bad();
  }

  std::string_view scalar() {
    const std::size_t n = count();
    if (n > form.size() - pos) bad();
    const std::string_view out = form.substr(pos, n);
    pos += n;
    return out;
  }

  // The node at pos as a Node of its own (for a map key that is not a
  // scalar, which then goes in by force_insert).
  YAML::Node node(int depth) {
    YAML::Node out(YAML::NodeType::Null);  // a node and memory for fill to write through
    fill(out, depth);
    return out;
  }

  // The node at pos written into `target`, a node (maybe not yet defined)
  // of the tree being built. Children are made through target[key] and
  // target[index], which create them in the tree's own memory: a Node made
  // apart and then inserted brings a memory of its own, which yaml-cpp
  // merges into the tree's (node by node, at every level above it), most of
  // the cost of building the tree.
  void fill(YAML::Node target, int depth) {
    if (pos >= form.size() || depth > 256) bad();
    switch (form[pos++]) {
      case 'N':
        target = YAML::Null;
        return;
      case 'S':
        target = std::string(scalar());
        return;
      case 'Q': {
        const std::size_t n = count();
        if (n == 0) {
          target = YAML::Node(YAML::NodeType::Sequence);
          return;
        }
        for (std::size_t i = 0; i < n; ++i) fill(target[i], depth + 1);
        return;
      }
      case 'M': {
        const std::size_t n = count();
        if (n == 0) {
          target = YAML::Node(YAML::NodeType::Map);
          return;
        }
        std::vector<std::string_view> keys;  // target[key] finds an earlier equal key
        keys.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
          if (pos < form.size() && form[pos] == 'S') {
            ++pos;
            const std::string_view key = scalar();
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
              keys.push_back(key);
              fill(target[std::string(key)], depth + 1);
              continue;
            }
            target.force_insert(std::string(key), node(depth + 1));  // a repeated key: a pair of its own
            continue;
          }
          YAML::Node key = node(depth + 1);
          target.force_insert(key, node(depth + 1));
        }
        return;
      }
      default:
        bad();
    }
  }
};

}  // namespace

std::string encode_yaml_tree(const YAML::Node& node) {
  std::string out;
  encode(node, out);
  return out;
}

YAML::Node decode_yaml_tree(std::string_view form) {
  Reader reader{form};
  YAML::Node out = reader.node(0);
  if (reader.pos != form.size()) Reader::bad();
  return out;
}

}  // namespace plancmp
