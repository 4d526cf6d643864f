// Document metadata from the opening lines. See include/plancmp/metadata.h.
#include "plancmp/metadata.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "derived_cache.h"

#include "grammar_internal.h"
#include "metadata_lines.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr int kHeaderLines = 12;  // metadata lives in the first lines of a plan

struct Line {
  std::size_t begin, end;
  std::string text;
};

std::vector<Line> first_lines(const std::string& text, int count) {
  std::vector<Line> out;
  std::size_t start = 0;
  while (start < text.size() && static_cast<int>(out.size()) < count) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    if (nl > start) out.push_back({start, nl, text.substr(start, nl - start)});
    start = nl + 1;
  }
  return out;
}

}  // namespace

namespace metadata {

// The patterns are compiled where first needed (start-up of a run that
// never gets there stays cheap). A lazy repeat x{n,m}? finds the match with
// the fewest x; written x{n,}? it finds the same one when that one takes at
// most m x, and else there is no match with at most m: hence the check.

bool is_title_line(std::string_view line) {
  // The words a title ends in, which the pattern alternates.
  static constexpr std::string_view kKinds[] = {"方案", "规划", "计划", "意见", "办法", "纲要", "措施", "通知"};
  static const RE2 title_re([] {
    std::string pattern = R"(^(\S{2,}?()";
    for (std::string_view kind : kKinds) (pattern += kind) += '|';
    pattern.back() = ')';
    return pattern + ")";
  }());
  // The match must take the whole line, and it ends in one of the words: a
  // line ending otherwise is no title, without RE2's pass over it.
  if (std::none_of(std::begin(kKinds), std::end(kKinds), [&](std::string_view kind) { return line.ends_with(kind); }))
    return false;
  re2::StringPiece title, kind;
  return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), title_re, &title, &kind) &&
         title.size() == line.size() &&
         utf8::length(std::string_view(title.data(), title.size() - kind.size())) <= 40;
}

std::optional<std::size_t> city_length(std::string_view s) {
  static const RE2 city_re(R"(^(\p{Han}{2,}?(市|州|县|区|盟)))");
  re2::StringPiece city, suffix;
  if (!RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), city_re, &city, &suffix) ||
      utf8::length(std::string_view(city.data(), city.size() - suffix.size())) > 6)
    return std::nullopt;
  return city.size();
}

bool is_issuer_line(std::string_view line) {
  // Han{2,30} then an issuer suffix, as two small patterns (a repeated
  // \p{Han} class is slow to compile): all Han, and 2-30 characters before
  // the suffix. The fewest characters before a suffix that ends the line
  // (the lazy group) are at most 30 when any are.
  static const RE2 all_han_re(R"(\p{Han}+)");
  static const RE2 issuer_re(R"((.{2,}?)(?:委员会|人民政府|办公室|办公厅|领导小组|局|委))");
  const re2::StringPiece text(line.data(), line.size());
  re2::StringPiece before;
  return RE2::FullMatch(text, all_han_re) && RE2::FullMatch(text, issuer_re, &before) &&
         utf8::length(std::string_view(before.data(), before.size())) <= 30;
}

// The opening lines are often whole paragraphs without a date: a pattern
// runs only on a line holding every literal its matches hold (年, 月, 日;
// "-"), a scan far cheaper than RE2's pass over the line.
bool read_date(std::string_view line, int& y, int& m, int& d) {
  static const RE2 date_cn_re(R"(((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日)");
  static const RE2 date_iso_re(R"(((?:19|20)\d\d)-(\d{1,2})-(\d{1,2}))");
  const re2::StringPiece text(line.data(), line.size());
  auto holds = [&](std::string_view literal) { return line.find(literal) != std::string_view::npos; };
  return (holds("月") && holds("日") && holds("年") && RE2::PartialMatch(text, date_cn_re, &y, &m, &d)) ||
         (holds("-") && RE2::PartialMatch(text, date_iso_re, &y, &m, &d));
}

}  // namespace metadata

// Where the names of a list occur (Wu-Manber): a window of the shortest
// name's length slides over the text, and the two bytes that end it say how
// far it may move before some name could end there; only where no move is
// safe are the names ending in those two bytes compared. Most steps skip
// most of a window, so the text costs about a table lookup per few bytes.
class NameScan {
 public:
  explicit NameScan(const std::vector<std::string>& names) : names_(names) {
    window_ = names.empty() ? 0 : names[0].size();
    for (const std::string& n : names) window_ = std::min(window_, n.size());
    if (window_ < 2 || window_ > kMaxWindow || names.size() >= kEnding) return;  // compare everywhere
    head_size_ = window_ >= 4 ? 4 : 0;
    shift_.assign(65536, static_cast<std::uint16_t>(window_ - 1));
    for (std::size_t k = 0; k < names.size(); ++k)
      for (std::size_t j = 1; j + 1 < window_; ++j) {
        const std::size_t b = block(names[k].data() + j - 1);
        shift_[b] = std::min<std::uint16_t>(shift_[b], static_cast<std::uint16_t>(window_ - 1 - j));
      }
    // The names by the block their window ends in (a slot per block), each
    // with its first bytes as a word: most candidates differ there.
    std::vector<std::vector<std::uint32_t>> by_slot;
    for (std::size_t k = 0; k < names.size(); ++k) {
      const std::size_t b = block(names[k].data() + window_ - 2);
      if (shift_[b] < kEnding) {
        shift_[b] = static_cast<std::uint16_t>(kEnding | by_slot.size());
        by_slot.emplace_back();
      }
      by_slot[shift_[b] & ~kEnding].push_back(static_cast<std::uint32_t>(k));
    }
    for (const auto& slot : by_slot) {
      slot_start_.push_back(static_cast<std::uint32_t>(candidates_.size()));
      for (std::uint32_t k : slot) candidates_.push_back({k, head(names[k].data())});
    }
    slot_start_.push_back(static_cast<std::uint32_t>(candidates_.size()));
  }

  // Calls found(k, at) for every name k that occurs at byte `at`, by
  // increasing `at`.
  template <class Found>
  void each(std::string_view text, Found&& found) const {
    if (shift_.empty()) {
      for (std::size_t at = 0; at < text.size(); ++at)
        for (std::size_t k = 0; k < names_.size(); ++k)
          if (text.compare(at, names_[k].size(), names_[k]) == 0) found(k, at);
      return;
    }
    if (text.size() < window_) return;
    // The window ends are cut into kRuns runs scanned in lockstep: a run's
    // step waits on two loads (the text, then its shift), so one run alone
    // leaves the core idle while independent runs overlap. Each end is in
    // exactly one run, and a run's hits are reported after the runs before
    // it, so the calls still come by increasing `at`.
    const std::size_t first_end = window_ - 1, ends = text.size() - first_end;
    if (ends < kRuns * kShortestRun) {
      scan_run(text, first_end, text.size(), found);
      return;
    }
    std::size_t end[kRuns], stop[kRuns];
    for (std::size_t r = 0; r < kRuns; ++r) {
      end[r] = first_end + ends * r / kRuns;
      stop[r] = first_end + ends * (r + 1) / kRuns;
    }
    std::vector<std::pair<std::size_t, std::size_t>> later[kRuns];  // (name, at) of runs 1.. until their turn
    auto keep = [&later](std::size_t r) {
      return [&later, r](std::size_t k, std::size_t at) { later[r].emplace_back(k, at); };
    };
    auto step = [&](std::size_t r, auto&& sink) {
      const std::size_t s = shift_[block(text.data() + end[r] - 1)];
      if (s < kEnding) {
        end[r] += s;
      } else {
        compare_slot(text, end[r], s - kEnding, sink);
        ++end[r];
      }
    };
    // A step moves at most window_ - 1 bytes, so `safe` steps of every run
    // stay below its stop without a test each.
    auto safe_steps = [&] {
      std::size_t room = stop[0] - end[0];
      for (std::size_t r = 1; r < kRuns; ++r) room = std::min(room, stop[r] - end[r]);
      return room / window_;
    };
    static_assert(kRuns == 4, "the lockstep loop below steps four runs");
    for (std::size_t steps = safe_steps(); steps > 0; steps = safe_steps())
      for (; steps > 0; --steps) {
        step(0, found);
        step(1, keep(1));
        step(2, keep(2));
        step(3, keep(3));
      }
    scan_run(text, end[0], stop[0], found);
    for (std::size_t r = 1; r < kRuns; ++r) {
      scan_run(text, end[r], stop[r], keep(r));
      for (const auto& [k, at] : later[r]) found(k, at);
    }
  }

 private:
  static constexpr std::size_t kRuns = 4;
  static constexpr std::size_t kShortestRun = 256;  // window ends; shorter texts are one run

  // The window ends in [end, stop), one after the other.
  template <class Found>
  void scan_run(std::string_view text, std::size_t end, std::size_t stop, Found&& found) const {
    while (end < stop) {
      const std::size_t s = shift_[block(text.data() + end - 1)];
      if (s < kEnding) {
        end += s;
        continue;
      }
      compare_slot(text, end, s - kEnding, found);
      ++end;
    }
  }

  // Compares the names of `slot` with the window that ends at `end`.
  template <class Found>
  void compare_slot(std::string_view text, std::size_t end, std::size_t slot, Found&& found) const {
    const std::size_t at = end + 1 - window_;
    const std::uint32_t first = head(text.data() + at);
    for (std::size_t c = slot_start_[slot]; c < slot_start_[slot + 1]; ++c) {
      const Candidate& cand = candidates_[c];
      const std::string& name = names_[cand.name];
      if (cand.head == first && name.size() <= text.size() - at &&
          std::memcmp(text.data() + at + head_size_, name.data() + head_size_, name.size() - head_size_) == 0)
        found(cand.name, at);
    }
  }

  static std::size_t block(const char* p) {
    return static_cast<std::size_t>(static_cast<unsigned char>(p[0])) << 8 | static_cast<unsigned char>(p[1]);
  }
  // The first four bytes at p, when a window holds them (else 0).
  std::uint32_t head(const char* p) const {
    std::uint32_t x = 0;
    if (head_size_ == 4) std::memcpy(&x, p, 4);
    return x;
  }
  // shift_[b] is the move (>= 1, below kEnding) for a block that ends no
  // name's window, or kEnding | the slot of the names whose window ends in
  // it: their candidates are candidates_[slot_start_[slot], slot_start_[slot + 1]).
  static constexpr std::uint16_t kEnding = 0x8000;
  // A shift is at most window_ - 1 and must stay below kEnding (the bit
  // that marks a slot); longer shortest names are compared everywhere.
  static constexpr std::size_t kMaxWindow = kEnding / 2;
  struct Candidate {
    std::uint32_t name;  // index in names_
    std::uint32_t head;  // its first four bytes
  };
  std::vector<std::string> names_;
  std::size_t window_ = 0;             // bytes of the shortest name
  std::size_t head_size_ = 0;          // bytes compared as a word first: 4, or 0
  std::vector<std::uint16_t> shift_;   // by the block ending a window
  std::vector<std::uint32_t> slot_start_;
  std::vector<Candidate> candidates_;
};

// The provincial-level name the text mentions most often: for each name, its
// non-overlapping occurrences (as repeated std::string::find counts them).
std::optional<std::string> most_named_province(const std::string& text, const Grammar& grammar) {
  const auto& names = grammar.impl().list("places.yaml", "provinces");
  std::vector<std::size_t> counts(names.size(), 0), free_from(names.size(), 0);
  // No alternation (a list RE2 cannot compile) has always meant no province.
  if (grammar.impl().list_alternation("places.yaml", "provinces")) {
    std::string key;
    for (const std::string& n : names) key += n + '\0';
    static DerivedCache<NameScan> scans;
    scans.get(key, [&] { return std::make_shared<const NameScan>(names); })->each(text, [&](std::size_t k, std::size_t at) {
      if (at >= free_from[k]) {
        ++counts[k];
        free_from[k] = at + names[k].size();
      }
    });
  }
  std::optional<std::string> best;
  std::size_t best_count = 0;
  for (std::size_t k = 0; k < names.size(); ++k)
    if (counts[k] > best_count) {
      best = names[k];
      best_count = counts[k];
    }
  return best;
}

void find_metadata(const NormalizedText& nt, const Grammar& grammar, Document& doc) {
  doc.province = most_named_province(nt.text(), grammar);
  const std::string& text = nt.text();
  std::vector<Line> lines = first_lines(text, kHeaderLines);
  for (const Line& line : lines) {
    if (utf8::length(line.text) > 60) continue;
    // Title: a short line naming a plan document (…方案/规划/计划/意见/办法).
    if (!doc.title && metadata::is_title_line(line.text)) {
      doc.title = nt.display(line.begin, line.end);
      // "吉林省磐石市…方案": the city follows the province, when one is printed.
      std::size_t start = line.begin;
      for (const std::string& province : grammar.impl().list("places.yaml", "provinces"))
        if (line.text.rfind(province, 0) == 0) start += province.size();
      if (const auto city = metadata::city_length(std::string_view(text).substr(start, line.end - start)))
        doc.city = nt.display(start, start + *city);
    }
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    int y = 0, m = 0, d = 0;
    if (metadata::read_date(lines[i].text, y, m, d)) {
      if (m < 1 || m > 12 || d < 1 || d > 31) continue;
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
      doc.date = buf;
      // An issuing body stands on the line just above a signature date.
      if (i > 0 && lines[i].text.size() < 30 && metadata::is_issuer_line(lines[i - 1].text))
        doc.issuer = nt.display(lines[i - 1].begin, lines[i - 1].end);
      break;
    }
  }
}

}  // namespace plancmp
