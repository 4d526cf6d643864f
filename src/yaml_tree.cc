// See src/yaml_tree.h.
#include "yaml_tree.h"

#include <stdexcept>

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

  YAML::Node node(int depth) {
    if (pos >= form.size() || depth > 256) bad();
    switch (form[pos++]) {
      case 'N':
        return YAML::Node(YAML::NodeType::Null);
      case 'S': {
        const std::size_t n = count();
        if (n > form.size() - pos) bad();
        YAML::Node out(std::string(form.substr(pos, n)));
        pos += n;
        return out;
      }
      case 'Q': {
        YAML::Node out(YAML::NodeType::Sequence);
        for (std::size_t i = count(); i > 0; --i) out.push_back(node(depth + 1));
        return out;
      }
      case 'M': {
        YAML::Node out(YAML::NodeType::Map);
        for (std::size_t i = count(); i > 0; --i) {
          YAML::Node key = node(depth + 1);
          out.force_insert(key, node(depth + 1));
        }
        return out;
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
