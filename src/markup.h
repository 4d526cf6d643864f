// Escaping text for XML and HTML output (private to src/).
#pragma once
#include <string>

namespace plancmp {

// & < > " ' as entities; control characters XML 1.0 forbids are dropped.
inline std::string escape_markup(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\n' || ch == '\t') out += ch;
    }
  }
  return out;
}

}  // namespace plancmp
