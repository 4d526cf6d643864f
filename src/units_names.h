// Hash tables of short texts (private to src/): units.cc keeps the names
// read in a document's first pass in a NameSet, to trim a later list to a
// name it has seen, and reads each distinct piece of a list once (TextMap).
// Both hold views into the document's text: hashing a text once replaces
// sorting (NameSet) or reading it again (TextMap).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace plancmp::units {

// Names and pieces of lists are a few characters long: their length and
// their first and last eight bytes (all bytes of a shorter one) tell most
// of them apart.
inline std::uint64_t text_hash(std::string_view s) {
  std::uint64_t h = s.size() * 0x9E3779B97F4A7C15ull;
  if (s.size() >= 8) {
    std::uint64_t a, b;
    std::memcpy(&a, s.data(), 8);
    std::memcpy(&b, s.data() + s.size() - 8, 8);
    h ^= (a * 0xC2B2AE3D27D4EB4Full) ^ (b * 0x165667B19E3779F9ull);
  } else {
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  }
  return h ^ (h >> 31);
}

// The first and the last sizeof(Word) bytes of x and y agree (n at least
// sizeof(Word); the two reads overlap when n is under twice that).
template <class Word>
inline bool same_ends(const char* x, const char* y, std::size_t n) {
  Word u, v, w, z;
  std::memcpy(&u, x, sizeof(Word));
  std::memcpy(&v, y, sizeof(Word));
  std::memcpy(&w, x + n - sizeof(Word), sizeof(Word));
  std::memcpy(&z, y + n - sizeof(Word), sizeof(Word));
  return ((u ^ v) | (w ^ z)) == 0;
}

// x[0, n) == y[0, n), for the short texts and words here: a few word
// compares inline, where string_view's == calls memcmp (a plan looks names
// up ~800 times) and a byte loop's exit (at the second or third byte of a
// CJK character mostly) mispredicts. The first and last two, four or eight
// bytes, overlapping when shorter.
inline bool same_bytes(const char* x, const char* y, std::size_t n) {
  if (n >= 8) {
    std::uint64_t u, v;
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&u, x + i, 8);
      std::memcpy(&v, y + i, 8);
      if (u != v) return false;
    }
    std::memcpy(&u, x + n - 8, 8);  // the last eight (again, in part)
    std::memcpy(&v, y + n - 8, 8);
    return u == v;
  }
  if (n >= 4) return same_ends<std::uint32_t>(x, y, n);
  if (n >= 2) return same_ends<std::uint16_t>(x, y, n);
  return n == 0 || x[0] == y[0];
}

// a == b (same_bytes()).
inline bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

// A map from texts (views that outlive it) to values, by open addressing.
template <class V>
class TextMap {
 public:
  // The value of `key`, or null.
  const V* find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const Slot& slot = slots_[slot_of(key)];
    return slot.used ? &slot.value : nullptr;
  }
  // Adds `key` with `value` (the key must not be in yet).
  void add(std::string_view key, V value) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    Slot& slot = slots_[slot_of(key)];
    slot = Slot{key, std::move(value), true};
    ++size_;
  }
  std::size_t size() const { return size_; }
  // Room for n keys without growing (a map's size known beforehand: no
  // rehash of every key at each doubling). A map that holds keys already
  // is left as it is.
  void reserve(std::size_t n) {
    std::size_t size = 16;
    while (size < 2 * n) size *= 2;
    if (size_ == 0 && size > slots_.size()) slots_.assign(size, Slot{});
  }

 private:
  struct Slot {
    std::string_view key;
    V value{};
    bool used = false;
  };
  // The slot that holds key, or the free one where it would go.
  std::size_t slot_of(std::string_view key) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(text_hash(key)) & mask;
    while (slots_[i].used && !same_text(slots_[i].key, key)) i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(16, 2 * old.size()), Slot{});
    for (Slot& s : old)
      if (s.used) slots_[slot_of(s.key)] = std::move(s);
  }

  std::vector<Slot> slots_;  // a power of two of them, at most half used
  std::size_t size_ = 0;
};

// A set of names: is a text one of them?
class NameSet {
 public:
  // The set of `names` (repeats allowed); the views must outlive the set.
  void assign(const std::vector<std::string_view>& names) {
    names_ = TextMap<bool>();
    names_.reserve(names.size());  // (repeats counted: a few slots more)
    longest_ = 0;
    for (const std::string_view name : names) {
      if (names_.find(name)) continue;
      names_.add(name, true);
      longest_ = std::max(longest_, name.size());
    }
  }
  bool contains(std::string_view s) const {
    return s.size() <= longest_ && names_.find(s) != nullptr;  // (no hash of a longer text)
  }

 private:
  TextMap<bool> names_;
  std::size_t longest_ = 0;
};

}  // namespace plancmp::units
