// Stage 2: decoded text -> the text rules see, with an offset map back to the source.
//
// Steps (each keeps the map, so every byte of text() points at the source
// character it came from):
//  1. conversion artefacts out: per-line page/segment markers ("12、" opening
//     every line of an OCR dump), detected from their own running sequence, not
//     a fixed list; the line breaks they sit on are soft (joined), and lines that
//     are only a page number ("- 3 -", "第3页") are dropped;
//  2. full-width ASCII (（）％０-９Ａ-Ｚ，：；) and the ideographic space fold to
//     half-width; Roman numerals Ⅰ–Ⅻ are kept as they are;
//  3. spaces OCR leaves inside Chinese text are removed ("市生 态环境局");
//  4. Traditional -> Simplified (ICU), code point by code point, so one rule set
//     serves both; display() keeps the original script.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "plancmp/diagnostic.h"

namespace plancmp {

struct SourcePosition {
  int line = 0;                  // 1-based
  int column = 0;                // 1-based, in code points
  std::size_t source_byte = 0;   // byte offset in the decoded source (UTF-8)
};

namespace detail {

// Leaves new elements uninitialized (default-initialized): the offset maps are
// sized once and then written through, with no zeroing pass before.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using OffsetMap = std::vector<std::uint32_t, UninitializedAllocator<std::uint32_t>>;
using BitWords = std::vector<std::uint64_t, UninitializedAllocator<std::uint64_t>>;  // a bit per byte, written whole

}  // namespace detail

class NormalizedText {
 public:
  // `source` is the decoded UTF-8 (LF line ends). It is copied (or moved in).
  static NormalizedText build(std::string_view source);
  static NormalizedText build_from(std::string&& source);  // takes the string over

  // UTF-8; '\n' only at hard paragraph breaks.
  const std::string& text() const { return text_; }
  const std::string& source() const { return source_; }

  // Byte offset in source() of the character at text byte `text_byte`
  // (text().size() maps to the end of the last character).
  std::size_t source_offset(std::size_t text_byte) const;
  // The first text byte whose character comes from `source_byte` or later.
  std::size_t text_offset(std::size_t source_byte) const;
  int line_count() const { return static_cast<int>(line_starts_.size()); }
  SourcePosition position(std::size_t text_byte) const;
  SourcePosition source_position(std::size_t source_byte) const;

  // The cleaned text of [begin, end) in its original script (folded, OCR spaces
  // and artefacts removed, but not converted to Simplified).
  std::string display(std::size_t begin, std::size_t end) const;
  // display(begin, end) with no copy: a view of source() when the text there
  // is the source's own bytes (the usual case), else nullopt.
  std::optional<std::string_view> display_view(std::size_t begin, std::size_t end) const;
  // Appends display(begin, end) to out.
  void display_append(std::string& out, std::size_t begin, std::size_t end) const;
  // The exact raw source substring covering text [begin, end), clipped to the
  // source line where it starts (quotes are substrings of one raw line).
  std::string quote(std::size_t begin, std::size_t end) const;
  // The whole raw source line `line` (1-based), without its '\n'.
  std::string_view source_line(int line) const;

  bool had_page_markers() const { return had_page_markers_; }
  const std::vector<Warning>& warnings() const { return warnings_; }

 private:
  void build_from_source();
  // The run that holds text byte `text_byte` (< text size).
  std::size_t run_of(std::size_t text_byte) const;
  bool single_run(std::size_t run) const { return (single_runs_[run / 64] >> (run % 64) & 1) != 0; }
  // display()'s bytes of run r (first..last: the runs of [begin, end)).
  std::string_view source_span(std::size_t r, std::size_t first, std::size_t last, std::size_t begin,
                               std::size_t end) const;
  // Code points (bytes that are no continuation byte) in source_[0, source_byte).
  std::size_t source_cps_before(std::size_t source_byte) const;

  // Offsets are 32-bit (decode refuses inputs over 2 GB). The text is kept
  // as runs of the source: most of it is the source's own bytes, and a map
  // per character would cost 8 bytes each. Run r is the text bytes
  // [run_text_[r], run_text_[r + 1]) from source byte run_source_[r] on:
  // either the source's bytes as they are (characters the rules read as
  // printed), or one character the rules read otherwise (folded,
  // simplified, a tab, U+FFFD), a "single" run. Characters taken out lie
  // between runs. Both have an end entry (text size, source size).
  std::string source_;
  std::string text_;
  std::vector<std::uint32_t> run_text_;
  std::vector<std::uint32_t> run_source_;
  std::vector<std::uint64_t> single_runs_;    // bit r: run r is a single run
  // Entry k: the run holding text byte k * kRunIndexStep. A plan's text has
  // a run every twenty bytes or so (each full-width comma is one): a short
  // walk from there, not a search of thousands.
  static constexpr std::size_t kRunIndexStep = 64;
  detail::OffsetMap run_index_;
  std::vector<std::size_t> line_starts_;      // source byte of each line start
  detail::BitWords lead_bits_;               // bit b: source byte b is no continuation byte
  detail::OffsetMap cp_checkpoints_;          // lead bits in source_ before each 64 bytes
  bool had_page_markers_ = false;
  std::vector<Warning> warnings_;
};

// Exposed for tests and for other stages that need the same classification.
bool is_han(char32_t c);
bool is_cjk_punct(char32_t c);
char32_t fold_fullwidth(char32_t c);

}  // namespace plancmp
