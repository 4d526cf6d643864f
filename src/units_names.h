// A set of names to look text up in (private to src/; units.cc keeps the
// names read in a document's first pass in one, to trim a later list to a
// name it has seen). A flat hash table of views into the text: building it
// hashes each name once, where sorting compared names a dozen times each.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace plancmp::units {

class NameSet {
 public:
  // The set of `names` (repeats allowed); the views must outlive the set.
  void assign(const std::vector<std::string_view>& names) {
    std::size_t size = 16;
    while (size < 2 * names.size()) size *= 2;
    slots_.assign(size, std::string_view());
    longest_ = 0;
    for (std::string_view name : names) {
      if (name.data() == nullptr) name = std::string_view("", 0);  // (a null view marks a free slot)
      std::string_view& slot = slots_[slot_of(name)];
      if (slot.data() != nullptr) continue;  // already in
      slot = name;
      longest_ = std::max(longest_, name.size());
    }
  }
  bool contains(std::string_view s) const {
    if (slots_.empty() || s.size() > longest_) return false;  // (no hash of a longer text)
    return slots_[slot_of(s)].data() != nullptr;
  }

 private:
  // Names are a few characters long: the length and the first and last
  // eight bytes (or all bytes of a shorter one) tell most of them apart.
  static std::uint64_t hash(std::string_view s) {
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
  // The slot that holds s, or the free one where it would go.
  std::size_t slot_of(std::string_view s) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(hash(s)) & mask;
    while (slots_[i].data() != nullptr && slots_[i] != s) i = (i + 1) & mask;
    return i;
  }

  std::vector<std::string_view> slots_;  // a null view: free
  std::size_t longest_ = 0;
};

}  // namespace plancmp::units
