// Metadata: title, city, date, issuer and province from the text.
#include <doctest/doctest.h>

#include "plancmp/pipeline.h"

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
