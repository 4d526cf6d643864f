// Small UTF-8 helpers shared by the stages (private to src/).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <unicode/utf8.h>

namespace plancmp::utf8 {

// Decodes the code point at `i` and advances `i`; invalid bytes give U+FFFD.
inline char32_t next(std::string_view s, std::size_t& i) {
  UChar32 c;
  int32_t pos = static_cast<int32_t>(i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, static_cast<int32_t>(s.size()), c);
  i = static_cast<std::size_t>(pos);
  return c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
}

// Like next(), but returns -1 for an invalid or truncated sequence and then
// advances one byte only, so each bad byte is seen (and replaced) on its own.
inline int32_t next_or_invalid(std::string_view s, std::size_t& i) {
  UChar32 c;
  int32_t pos = static_cast<int32_t>(i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, static_cast<int32_t>(s.size()), c);
  if (c < 0) {
    ++i;
    return -1;
  }
  i = static_cast<std::size_t>(pos);
  return c;
}

inline void append(std::string& out, char32_t c) {
  uint8_t buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(buf, len, 4, static_cast<UChar32>(c), error);
  if (error) {
    out += "\xEF\xBF\xBD";
    return;
  }
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
}

// append() into a buffer with room: writes c's UTF-8 bytes (U+FFFD for a
// surrogate or a value past U+10FFFF, as append() does) and returns the end.
inline char* encode_to(char* out, char32_t c) {
  if (c < 0x80) {
    *out++ = static_cast<char>(c);
    return out;
  }
  if (c < 0x800) {
    *out++ = static_cast<char>(0xC0 | (c >> 6));
    *out++ = static_cast<char>(0x80 | (c & 0x3F));
    return out;
  }
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = 0xFFFD;
  if (c < 0x10000) {
    *out++ = static_cast<char>(0xE0 | (c >> 12));
  } else {
    *out++ = static_cast<char>(0xF0 | (c >> 18));
    *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
  }
  *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  *out++ = static_cast<char>(0x80 | (c & 0x3F));
  return out;
}

// How many bytes encode_to() writes for c.
inline std::size_t encoded_size(char32_t c) {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0x10000 && c <= 0x10FFFF) return 4;
  return 3;  // the BMP rest, and U+FFFD for what cannot be encoded
}

inline std::u32string decode(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) out.push_back(next(s, i));
  return out;
}

inline std::string encode(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) append(out, c);
  return out;
}

// Number of code points in s: its bytes less the continuation bytes
// (10xxxxxx), counted eight at a time.
inline std::size_t length(std::string_view s) {
  std::size_t continuation = 0, i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    // Bit 7 of each byte: set for 10xxxxxx. Summed by one multiply (each
    // byte holds 0 or 1, so the top byte gets the count).
    const std::uint64_t marks = (w & ~(w << 1) & 0x8080808080808080ULL) >> 7;
    continuation += static_cast<std::size_t>((marks * 0x0101010101010101ULL) >> 56);
  }
  for (; i < s.size(); ++i) continuation += (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  return s.size() - continuation;
}

}  // namespace plancmp::utf8
