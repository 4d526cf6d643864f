// Metadata: title, city, date, issuer and province from the text.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "grammar_internal.h"
#include "metadata_lines.h"
#include "plancmp/grammar.h"
#include "plancmp/pipeline.h"
#include "test_support.h"

using namespace plancmp;

TEST_CASE("title, city, issuer and date come from the plan's opening lines") {
  Document doc = extract_bytes(
      "某某市生态环境保护委员会\n2023年5月8日\n某某市空气质量持续改善行动实施方案\n一、总体要求\n", "p.txt");
  REQUIRE(doc.title.has_value());
  CHECK(*doc.title == "某某市空气质量持续改善行动实施方案");
  CHECK(doc.city == "某某市");
  CHECK(doc.issuer == "某某市生态环境保护委员会");
  CHECK(doc.date == "2023-05-08");
}

TEST_CASE("the province is the provincial-level name the text mentions most, or null") {
  Document named = extract_bytes(
      "为落实《浙江省深入打好污染防治攻坚战实施意见》和《江苏省…》,按照浙江省部署,制定本方案。\n", "a.txt");
  CHECK(named.province == "浙江省");
  Document none = extract_bytes("为落实省委省政府部署,制定本方案。\n", "b.txt");
  CHECK_FALSE(none.province.has_value());
}

TEST_CASE("a province printed before the city in the title is not part of the city") {
  Document doc = extract_bytes("吉林省磐石市生态环境保护规划\n一、总体要求\n", "p.txt");
  CHECK(doc.city == "磐石市");
  CHECK(doc.province == "吉林省");
}

TEST_CASE("the province count finds names at the very start and end of the text, among other bytes") {
  // 河北省 three times (first and last bytes of the text), 河南省 twice.
  Document doc = extract_bytes("河北省a河南省,河北河南省1北京河北省", "p.txt");
  CHECK(doc.province == "河北省");
  Document end = extract_bytes("按照河南省和湖北省的部署,落实湖北省", "q.txt");
  CHECK(end.province == "湖北省");
}

TEST_CASE("the province count agrees with counting each name's occurrences one by one") {
  // Random texts of province names (whole, cut short, run together) among
  // filler sharing their bytes: the scan's shifts and candidate lists, keyed
  // by a few bits of two bytes, must find what plain find() counts.
  const std::vector<std::string>& names = Grammar::builtin()->impl().list("places.yaml", "provinces");
  REQUIRE(names.size() > 10);
  const std::vector<std::string> filler = {"省", "市", "自治区", "江", "北", "a", "1", ",", "按照", "部署"};
  plancmp_test::Lcg random{20261123};
  for (int round = 0; round < 300; ++round) {
    std::string text;
    // (Every third text long enough to be scanned as several runs.)
    const unsigned pieces = 1 + random.next(round % 3 == 0 ? 900 : 40);
    for (unsigned i = 0; i < pieces; ++i) {
      const std::string& name = names[random.next(static_cast<unsigned>(names.size()))];
      switch (random.next(4)) {
        case 0: text += name; break;
        case 1: text += name.substr(0, name.size() - 3); break;  // one character short
        default: text += filler[random.next(static_cast<unsigned>(filler.size()))];
      }
    }
    std::optional<std::string> expected;
    std::size_t best = 0;
    for (const std::string& name : names) {
      std::size_t count = 0;
      for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + name.size())) ++count;
      if (count > best) {
        best = count;
        expected = name;
      }
    }
    CAPTURE(text);
    CHECK(extract_bytes(text, "p.txt").province == expected);
  }
}

TEST_CASE("the opening-line tests answer as the counted patterns they stand for") {
  // metadata_lines.h writes each counted repeat open-ended and checks its
  // bound after: random lines of pieces around the bounds (2, 6, 30, 40
  // characters before a plan word, city or body suffix, spaces, Latin,
  // repeated suffixes) must get the counted pattern's answer.
  static const RE2 title_re(R"(^(\S{2,40}?(方案|规划|计划|意见|办法|纲要|措施|通知)))");
  static const RE2 city_re(R"(^(\p{Han}{2,6}?(市|州|县|区|盟)))");
  static const RE2 all_han_re(R"(\p{Han}+)");
  static const RE2 issuer_re(R"(.{2,30}(?:委员会|人民政府|办公室|办公厅|领导小组|局|委))");
  const std::vector<std::string> pieces = {"某", "市", "州", "县", "区", "盟", "方案", "计划", "通知", "委", "局",
                                           "委员会", "人民政府", "办公", "室", " ", "\t", "a", "1", ",", "。",
                                           "生态环境保护", "吉林省磐石"};
  plancmp_test::Lcg random{20261124};
  int titles = 0, cities = 0, issuers = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string line;
    // Runs of one piece reach the bounds; a few pieces mix.
    const unsigned parts = 1 + random.next(5);
    for (unsigned p = 0; p < parts; ++p) {
      const std::string& piece = pieces[random.next(static_cast<unsigned>(pieces.size()))];
      const unsigned times = random.next(3) == 0 ? 1 + random.next(45) : 1;
      for (unsigned t = 0; t < times; ++t) line += piece;
    }
    CAPTURE(line);
    std::string title, kind;
    const bool title_expected =
        RE2::PartialMatch(line, title_re, &title, &kind) && title.size() == line.size();
    CHECK(metadata::is_title_line(line) == title_expected);
    titles += title_expected;
    std::string city, suffix;
    std::optional<std::size_t> city_expected;
    if (RE2::PartialMatch(line, city_re, &city, &suffix)) city_expected = city.size();
    CHECK(metadata::city_length(line) == city_expected);
    cities += city_expected.has_value();
    const bool issuer_expected = RE2::FullMatch(line, all_han_re) && RE2::FullMatch(line, issuer_re);
    CHECK(metadata::is_issuer_line(line) == issuer_expected);
    issuers += issuer_expected;
  }
  // Both answers came up often enough to mean something.
  CHECK(titles > 50);
  CHECK(cities > 100);
  CHECK(issuers > 100);
  // The bounds themselves.
  auto times = [](int n, const std::string& s) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  CHECK(metadata::is_title_line(times(40, "某") + "方案"));
  CHECK_FALSE(metadata::is_title_line(times(41, "某") + "方案"));
  CHECK_FALSE(metadata::is_title_line("某方案"));
  CHECK(metadata::city_length(times(6, "某") + "市") == 21);
  CHECK_FALSE(metadata::city_length(times(7, "某") + "市").has_value());
  CHECK(metadata::is_issuer_line(times(30, "某") + "委员会"));
  CHECK_FALSE(metadata::is_issuer_line(times(31, "某") + "局"));
  CHECK(metadata::is_issuer_line(times(27, "某") + "委员会委"));  // 30 before the last 委
}

TEST_CASE("the date test answers as the two date patterns run on every line") {
  // metadata::read_date runs a pattern only on lines holding its literals:
  // random lines of date pieces (some cut short, some out of order, some
  // out of range) must read as RE2 reads them with no such test first.
  static const RE2 date_cn_re(R"(((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日)");
  static const RE2 date_iso_re(R"(((?:19|20)\d\d)-(\d{1,2})-(\d{1,2}))");
  const std::vector<std::string> pieces = {"2023", "1999", "20", "19", "7", "12", "345", "年", "月", "日", "-",
                                           "某", "时间:", " ", "a", ",", "。", "99999999999"};
  plancmp_test::Lcg random{20261125};
  int found = 0, missed = 0;
  for (int round = 0; round < 6000; ++round) {
    std::string line;
    auto some = [&] {
      const unsigned parts = random.next(5);
      for (unsigned p = 0; p < parts; ++p) line += pieces[random.next(static_cast<unsigned>(pieces.size()))];
    };
    // A year, month and day with their marks (each mark sometimes another
    // piece), among random pieces.
    const std::vector<std::string> years = {"2023", "1999", "2100", "203", "20231"};
    const std::vector<std::string> numbers = {"5", "12", "09", "345", ""};
    some();
    if (random.next(4) != 0) {
      const bool iso = random.next(2) == 0;
      auto mark = [&](const char* usual) {
        line += random.next(6) == 0 ? pieces[random.next(static_cast<unsigned>(pieces.size()))] : std::string(usual);
      };
      line += years[random.next(static_cast<unsigned>(years.size()))];
      mark(iso ? "-" : "年");
      line += numbers[random.next(static_cast<unsigned>(numbers.size()))];
      mark(iso ? "-" : "月");
      line += numbers[random.next(static_cast<unsigned>(numbers.size()))];
      if (!iso) mark("日");
    }
    some();
    CAPTURE(line);
    int y = -1, m = -1, d = -1;
    const bool expected = RE2::PartialMatch(line, date_cn_re, &y, &m, &d) ||
                          RE2::PartialMatch(line, date_iso_re, &y, &m, &d);
    int y2 = -1, m2 = -1, d2 = -1;
    CHECK(metadata::read_date(line, y2, m2, d2) == expected);
    if (expected) {
      CHECK(y2 == y);
      CHECK(m2 == m);
      CHECK(d2 == d);
    }
    (expected ? found : missed) += 1;
  }
  CHECK(found > 300);
  CHECK(missed > 300);
  int y = 0, m = 0, d = 0;
  REQUIRE(metadata::read_date("发布时间:2022年9月15日", y, m, d));
  CHECK((y == 2022 && m == 9 && d == 15));
  REQUIRE(metadata::read_date("时间: 2022-09-15 10:57", y, m, d));
  CHECK((y == 2022 && m == 9 && d == 15));
  CHECK_FALSE(metadata::read_date("到2025年,全市生态环境质量持续改善", y, m, d));
}
