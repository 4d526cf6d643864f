// Document metadata from the opening lines. See include/plancmp/metadata.h.
#include "plancmp/metadata.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "derived_cache.h"

#include "grammar_internal.h"
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
    if (window_ < 2) return;  // too short for a two-byte block: compare everywhere
    shift_.assign(65536, static_cast<std::uint16_t>(window_ - 1));
    ending_.resize(65536);
    for (std::size_t k = 0; k < names.size(); ++k)
      for (std::size_t j = 1; j < window_; ++j) {
        const std::size_t b = block(names[k].data() + j - 1);
        shift_[b] = std::min<std::uint16_t>(shift_[b], static_cast<std::uint16_t>(window_ - 1 - j));
        if (j == window_ - 1) ending_[b].push_back(k);
      }
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
    for (std::size_t end = window_ - 1; end < text.size();) {
      const std::size_t b = block(text.data() + end - 1);
      if (std::size_t s = shift_[b]; s > 0) {
        end += s;
        continue;
      }
      const std::size_t at = end + 1 - window_;
      for (std::size_t k : ending_[b])
        if (text.compare(at, names_[k].size(), names_[k]) == 0) found(k, at);
      ++end;
    }
  }

 private:
  static std::size_t block(const char* p) {
    return static_cast<std::size_t>(static_cast<unsigned char>(p[0])) << 8 | static_cast<unsigned char>(p[1]);
  }
  std::vector<std::string> names_;
  std::size_t window_ = 0;                   // bytes of the shortest name
  std::vector<std::uint16_t> shift_;         // by the block ending a window
  std::vector<std::vector<std::size_t>> ending_;  // names whose window ends in that block
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
  // The patterns are compiled where first needed (start-up of a run that
  // never gets there stays cheap).
  for (const Line& line : lines) {
    if (utf8::length(line.text) > 60) continue;
    // Title: a short line naming a plan document (…方案/规划/计划/意见/办法).
    static const RE2 title_re(R"(^(\S{2,40}?(方案|规划|计划|意见|办法|纲要|措施|通知)))");
    std::string title, kind;
    if (!doc.title && RE2::PartialMatch(line.text, title_re, &title, &kind) &&
        title.size() == line.text.size()) {
      doc.title = nt.display(line.begin, line.end);
      // "吉林省磐石市…方案": the city follows the province, when one is printed.
      std::size_t start = line.begin;
      for (const std::string& province : grammar.impl().list("places.yaml", "provinces"))
        if (line.text.rfind(province, 0) == 0) start += province.size();
      static const RE2 city_re(R"(^(\p{Han}{2,6}?(市|州|县|区|盟)))");
      std::string city, suffix;
      if (RE2::PartialMatch(text.substr(start, line.end - start), city_re, &city, &suffix))
        doc.city = nt.display(start, start + city.size());
    }
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    static const RE2 date_cn_re(R"(((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日)");
    static const RE2 date_iso_re(R"(((?:19|20)\d\d)-(\d{1,2})-(\d{1,2}))");
    int y = 0, m = 0, d = 0;
    if (RE2::PartialMatch(lines[i].text, date_cn_re, &y, &m, &d) ||
        RE2::PartialMatch(lines[i].text, date_iso_re, &y, &m, &d)) {
      if (m < 1 || m > 12 || d < 1 || d > 31) continue;
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
      doc.date = buf;
      // An issuing body stands on the line just above a signature date.
      // Han{2,30} then an issuer suffix, as two small patterns (a repeated
      // \p{Han} class is slow to compile): all Han, and 2-30 characters before
      // the suffix.
      static const RE2 all_han_re(R"(\p{Han}+)");
      static const RE2 issuer_re(R"(.{2,30}(?:委员会|人民政府|办公室|办公厅|领导小组|局|委))");
      if (i > 0 && lines[i].text.size() < 30 && RE2::FullMatch(lines[i - 1].text, all_han_re) &&
          RE2::FullMatch(lines[i - 1].text, issuer_re))
        doc.issuer = nt.display(lines[i - 1].begin, lines[i - 1].end);
      break;
    }
  }
}

}  // namespace plancmp
