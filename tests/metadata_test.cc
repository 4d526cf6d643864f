// Metadata: title, city, date, issuer and province from the text.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "grammar_internal.h"
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
    const unsigned pieces = 1 + random.next(40);
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
