// Small UTF-8 helpers shared by the stages (private to src/).
#pragma once
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include <unicode/utf8.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "cpu_features.h"
#ifdef PLANCMP_X86_DISPATCH
#define PLANCMP_UTF8_AVX2 1
#include <immintrin.h>
#endif

namespace plancmp::utf8 {

// What a byte says about the character it starts, for the fast paths of
// the readers below and of the stages: well-formed 2- and 3-byte characters
// (the bulk of a Chinese plan) are read inline, the rest by ICU's U8_NEXT.
enum class Lead : std::uint8_t {
  kOther,  // E0 (overlong forms), ED (surrogates), 4-byte leads, bytes no character starts with
  kLow,    // 0x00-0x20: controls and the space
  kAscii,  // 0x21-0x7F
  kTwo,    // C2-DF: well-formed with any continuation byte
  kThree,  // E1-EC, EE, EF: well-formed with any two continuation bytes
};

inline constexpr std::array<Lead, 256> kLeads = [] {
  std::array<Lead, 256> leads{};
  for (int b = 0; b <= 0x20; ++b) leads[b] = Lead::kLow;
  for (int b = 0x21; b < 0x80; ++b) leads[b] = Lead::kAscii;
  for (int b = 0xC2; b <= 0xDF; ++b) leads[b] = Lead::kTwo;
  for (int b = 0xE1; b <= 0xEF; ++b) leads[b] = b == 0xED ? Lead::kOther : Lead::kThree;
  return leads;
}();

// Are p[0] and p[1] both continuation bytes (10xxxxxx)? (One 16-bit load:
// the mask is the same whichever byte comes first.)
inline bool continuation_2(const unsigned char* p) {
  std::uint16_t two;
  std::memcpy(&two, p, 2);
  return (two & 0xC0C0) == 0x8080;
}

// The four bytes at p, p[0] the lowest.
inline std::uint32_t load_le32(const unsigned char* p) {
  if constexpr (std::endian::native == std::endian::little) {
    std::uint32_t x;
    std::memcpy(&x, p, 4);
    return x;
  } else {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
  }
}

// The code point of the well-formed 3-byte character at p.
inline char32_t decode_3(const unsigned char* p) {
  return (static_cast<char32_t>(p[0] & 0x0F) << 12) | (static_cast<char32_t>(p[1] & 0x3F) << 6) |
         (p[2] & 0x3F);
}

// The same from its bytes as load_le32() gives them.
inline char32_t decode_3(std::uint32_t x) { return ((x & 0x0F) << 12) | ((x >> 2) & 0x0FC0) | ((x >> 16) & 0x3F); }

// next() for what its fast path does not take (kept out of line).
[[gnu::noinline]] inline char32_t next_general(std::string_view s, std::size_t& i) {
  UChar32 c;
  int32_t pos = static_cast<int32_t>(i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, static_cast<int32_t>(s.size()), c);
  i = static_cast<std::size_t>(pos);
  return c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
}

// Decodes the code point at `i` (< s.size()) and advances `i`; invalid bytes
// give U+FFFD, one per sequence as U8_NEXT reads it.
[[gnu::always_inline]] inline char32_t next(std::string_view s, std::size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  if (*p < 0x80) {
    ++i;
    return *p;
  }
  if (kLeads[*p] == Lead::kThree && s.size() - i >= 3 && continuation_2(p + 1)) {
    i += 3;
    return decode_3(p);
  }
  return next_general(s, i);
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
  out.reserve(s.size());  // a code point per byte at most
  for (std::size_t i = 0; i < s.size();) out.push_back(next(s, i));
  return out;
}

// As append() of each code point, into a string sized once.
inline std::string encode(std::u32string_view s) {
  std::size_t size = 0;
  for (char32_t c : s) size += encoded_size(c);
  std::string out(size, '\0');
  char* w = out.data();
  for (char32_t c : s) w = encode_to(w, c);
  return out;
}

// Continuation bytes (10xxxxxx) in the `words` * 8 bytes at p, words < 32.
// With SSE2 sixteen bytes a step: each compare gives -1 per continuation
// byte, subtracted into per-byte counts (at most 15 a byte) that one sum of
// absolute differences adds up. Otherwise (and for an odd last word) bit 7 of
// each byte is set for them, summed over the words (each byte of the sum
// stays below 32) and then across its bytes by one multiply.
inline std::size_t continuation_bytes(const char* p, std::size_t words) {
  std::size_t count = 0, j = 0;
#if defined(__SSE2__)
  __m128i counts = _mm_setzero_si128();
  for (; j + 2 <= words; j += 2) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 8 * j));
    counts = _mm_sub_epi8(counts, _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(0xC0))));
  }
  const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
  count = static_cast<std::size_t>(_mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4));
#endif
  std::uint64_t marks = 0;
  for (; j < words; ++j) {
    std::uint64_t w;
    std::memcpy(&w, p + 8 * j, 8);
    marks += (w & ~(w << 1) & 0x8080808080808080ULL) >> 7;
  }
  return count + static_cast<std::size_t>((marks * 0x0101010101010101ULL) >> 56);
}

#if defined(__SSE2__)
// Continuation bytes among the first n (< 64) of the 64 bytes at p, all of
// which must be readable: a bit per byte, counted at once.
inline std::size_t continuation_bytes_in_64(const char* p, std::size_t n) {
  std::uint64_t bits = 0;
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * q));
    const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(0xC0)))));
    bits |= static_cast<std::uint64_t>(m) << (16 * q);
  }
  return static_cast<std::size_t>(std::popcount(bits & ((std::uint64_t{1} << n) - 1)));
}
#endif

// Number of code points in s: its bytes less the continuation bytes, counted
// 128 bytes at a time.
inline std::size_t length(std::string_view s) {
  constexpr std::size_t kWords = 16;
  std::size_t continuation = 0, i = 0;
  for (; i + 8 * kWords <= s.size(); i += 8 * kWords) continuation += continuation_bytes(s.data() + i, kWords);
  continuation += continuation_bytes(s.data() + i, (s.size() - i) / 8);
  for (i += (s.size() - i) / 8 * 8; i < s.size(); ++i)
    continuation += (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  return s.size() - continuation;
}

// Thirty-two bytes of input as is_valid() sees them. Only printable ASCII,
// controls and 3-byte characters with leads E1-EC, EE, EF are vouched for
// (`other` flags anything else); `lead` and `cont` are the bits of the
// 3-byte leads and of the continuation bytes, `controls` those of the bytes
// below 0x20.
struct Window {
  std::uint32_t other, lead, cont, controls;
};

#if defined(__SSE2__)
// A window with SSE2, sixteen bytes a step.
inline Window window_at(const unsigned char* p) {
  auto bytes = [](int b) { return _mm_set1_epi8(static_cast<char>(b)); };
  auto bits = [](__m128i m) { return static_cast<std::uint32_t>(_mm_movemask_epi8(m)); };
  Window w{};
  __m128i other = _mm_setzero_si128();
  for (int half = 0; half < 2; ++half) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * half));
    // 2-byte leads, 4-byte leads and what no character starts with, E0 and ED.
    other = _mm_or_si128(other, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_and_si128(v, bytes(0xE0)), bytes(0xC0)),
                                                          _mm_cmpeq_epi8(_mm_max_epu8(v, bytes(0xF0)), v)),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, bytes(0xE0)), _mm_cmpeq_epi8(v, bytes(0xED)))));
    // Signed compares: 0x80-0xFF are the negative bytes.
    const std::uint32_t high = bits(v);
    const int at = 16 * half;
    w.lead |= (bits(_mm_cmpgt_epi8(v, bytes(0xDF))) & high) << at;
    w.cont |= bits(_mm_cmplt_epi8(v, bytes(0xC0))) << at;
    w.controls |= (bits(_mm_cmplt_epi8(v, bytes(0x20))) & ~high) << at;
  }
  w.other = bits(other);
  return w;
}
#endif

#ifdef PLANCMP_UTF8_AVX2
// window_at() in one 32-byte step.
__attribute__((target("avx2"))) inline Window window_at_avx2(const unsigned char* p) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i other = _mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v, _mm256_set1_epi8(static_cast<char>(0xE0))),
                                        _mm256_set1_epi8(static_cast<char>(0xC0))),
                      _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(static_cast<char>(0xF0))), v)),
      _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(static_cast<char>(0xE0))),
                      _mm256_cmpeq_epi8(v, _mm256_set1_epi8(static_cast<char>(0xED)))));
  // Signed compares: 0x80-0xFF are the negative bytes.
  const auto high = static_cast<std::uint32_t>(_mm256_movemask_epi8(v));
  Window w{};
  w.lead = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(static_cast<char>(0xDF))))) & high;
  w.cont = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(0xC0)), v)));
  w.controls = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v))) & ~high;
  w.other = static_cast<std::uint32_t>(_mm256_movemask_epi8(other));
  return w;
}

#endif

// How is_valid() reads its 32-byte windows: the widest way the CPU allows,
// or (for the tests) with SSE2.
enum class WindowWay { kWidest, kSse2 };

namespace detail {
#if defined(__SSE2__)
struct Sse2Windows {
  static Window at(const unsigned char* p) { return window_at(p); }
};
#endif
#ifdef PLANCMP_UTF8_AVX2
struct Avx2Windows {
  __attribute__((target("avx2"))) static Window at(const unsigned char* p) { return window_at_avx2(p); }
};
#endif
struct NoWindows {};

// is_valid(), reading its windows with Windows::at (NoWindows: none).
// Thirty-two bytes of ASCII and 3-byte characters (most of a plan) are
// checked a step (one AVX2 step, or two with SSE2); elsewhere 2- and 3-byte
// characters take one table look-up each, and the rest is left to U8_NEXT.
template <class Windows, typename OnControl>
[[gnu::always_inline]] inline bool is_valid_in(std::string_view s, OnControl& on_control) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = begin + s.size();
  const auto* p = begin;
  // One character; past `fast_end` (where reads could leave s) as U8_NEXT
  // reads it, before it in the common cases inline.
  const auto* const fast_end = s.size() >= 3 ? end - 3 : begin;
  auto step = [&] {
    if (p < fast_end) {
      const Lead lead = kLeads[*p];
      if (lead == Lead::kThree) {
        std::uint16_t next2;
        std::memcpy(&next2, p + 1, 2);
        if ((next2 & 0xC0C0) != 0x8080) return false;
        p += 3;
        return true;
      }
      if (lead == Lead::kTwo) {
        if ((p[1] & 0xC0) != 0x80) return false;
        p += 2;
        return true;
      }
    }
    if (*p < 0x80) {
      if (*p < 0x20) on_control(static_cast<std::size_t>(p - begin));
      ++p;
      return true;
    }
    UChar32 c;
    auto i = static_cast<int32_t>(p - begin);
    U8_NEXT(begin, i, static_cast<int32_t>(s.size()), c);
    p = begin + i;
    return c >= 0;
  };
  if constexpr (!std::is_same_v<Windows, NoWindows>) {
    // Continuation bytes the leads of one window want: those past it are
    // `pending` for the next one.
    constexpr std::size_t kWindow = 32;
    const auto* const window_end = s.size() >= kWindow ? end - kWindow : begin;
    std::uint64_t pending = 0;
    for (; p < window_end; p += kWindow) {
      const Window w = Windows::at(p);
      const std::uint64_t wanted = (std::uint64_t{w.lead} << 1) | (std::uint64_t{w.lead} << 2) | pending;
      if (w.other != 0 || static_cast<std::uint32_t>(wanted) != w.cont) {
        // The scalar path takes it from the start of the character p is in
        // (a lead one or two bytes back when some are pending).
        p -= pending == 0 ? 0 : pending == 1 ? 2 : 1;
        for (const auto* const stop = p + kWindow; p < stop;)
          if (!step()) return false;
        pending = 0;
        p -= kWindow;  // the loop's step
        continue;
      }
      for (std::uint32_t c = w.controls; c != 0; c &= c - 1)
        on_control(static_cast<std::size_t>(p - begin) + static_cast<std::size_t>(std::countr_zero(c)));
      pending = wanted >> 32;
    }
    p -= pending == 0 ? 0 : pending == 1 ? 2 : 1;
  }
  while (p < end)
    if (!step()) return false;
  return true;
}

#ifdef PLANCMP_UTF8_AVX2
template <typename OnControl>
__attribute__((target("avx2"))) bool is_valid_avx2(std::string_view s, OnControl& on_control) {
  return is_valid_in<Avx2Windows>(s, on_control);
}
#endif

}  // namespace detail

// Is s strictly well-formed UTF-8: does U8_NEXT read all of it without an
// error (no overlong forms, surrogates, values past U+10FFFF or truncated
// sequences)? Calls on_control(offset) for each byte below 0x20 on the way;
// when s is not well-formed, for those before the first error only.
template <typename OnControl>
bool is_valid(std::string_view s, OnControl&& on_control, WindowWay way = WindowWay::kWidest) {
#ifdef PLANCMP_UTF8_AVX2
  if (way == WindowWay::kWidest && cpu::has_avx2()) return detail::is_valid_avx2(s, on_control);
#endif
#if defined(__SSE2__)
  (void)way;
  return detail::is_valid_in<detail::Sse2Windows>(s, on_control);
#else
  (void)way;
  return detail::is_valid_in<detail::NoWindows>(s, on_control);
#endif
}

}  // namespace plancmp::utf8
