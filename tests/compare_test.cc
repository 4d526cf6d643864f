// Compare: equivalent targets share a row, and the verdict says who is stricter.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "plancmp/canonicalize.h"
#include "plancmp/compare.h"
#include "plancmp/document_reader.h"
#include "plancmp/output.h"
#include "plancmp/pipeline.h"

using namespace plancmp;

namespace {

const Catalogue& catalogue() {
  static auto c = Catalogue::from_grammar(*Grammar::builtin());
  return *c;
}

// A one-clause plan whose targets come from `body`, extracted for real.
Document plan(const std::string& id, const std::string& body) {
  return extract_bytes("一、主要目标\n(一)目标。" + body + "\n", id + ".txt");
}

const CompareRow* row_named(const Comparison& c, const std::string& id) {
  for (const CompareRow& r : c.rows)
    if (r.indicator == id) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("targets worded differently but equivalent share one row, with a verdict") {
  auto a = plan("a", "到2025年,细颗粒物(PM2.5)年平均浓度不高于29微克/立方米,农村生活污水处理率达到40%。");
  auto b = plan("b", "到2025年,城市细颗粒物(PM2.5)浓度降至每立方米30微克以下,农村生活污水治理率达到25%。");
  Comparison c = compare({a, b}, catalogue());
  REQUIRE(a.targets.size() == 2);
  REQUIRE(a.targets[0].indicator_id.has_value());
  const CompareRow* pm = row_named(c, *a.targets[0].indicator_id);
  REQUIRE(pm != nullptr);
  CHECK(pm->cells.size() == 2);
  CHECK(pm->verdict.strictest == std::vector<std::string>{"a"});  // lower is better: 29 < 30
  CHECK(pm->verdict.loosest == std::vector<std::string>{"b"});
  const CompareRow* sewage = row_named(c, *a.targets[1].indicator_id);
  REQUIRE(sewage != nullptr);
  CHECK(sewage->cells.size() == 2);
  CHECK(sewage->verdict.strictest == std::vector<std::string>{"a"});  // higher is better: 40 > 25
}

TEST_CASE("a plan that sets an indicator the others lack is named in coverage") {
  auto a = plan("a", "森林覆盖率达到60%,湿地保护率达到50%。");
  auto b = plan("b", "森林覆盖率达到65%。");
  Comparison c = compare({a, b}, catalogue());
  REQUIRE(c.lacking.count("b") == 1);
  CHECK(c.lacking.at("b").size() == 1);
  CHECK(c.lacking.count("a") == 0);
}

TEST_CASE("units are converted before plans are ranked") {
  auto a = plan("a", "新增高效节水灌溉面积3万亩。");
  auto b = plan("b", "新增高效节水灌溉面积20000亩。");
  Comparison c = compare({a, b}, catalogue());
  REQUIRE(a.targets.size() == 1);
  REQUIRE(a.targets[0].indicator_id.has_value());
  const CompareRow* r = row_named(c, *a.targets[0].indicator_id);
  REQUIRE(r != nullptr);
  CHECK(r->verdict.strictest == std::vector<std::string>{"a"});  // 30000 亩 > 20000 亩
  CHECK_FALSE(r->verdict.conversions.empty());
}

TEST_CASE("different deadlines are reported") {
  auto a = plan("a", "到2025年,森林覆盖率达到60%。");
  auto b = plan("b", "到2027年,森林覆盖率达到60%。");
  Comparison c = compare({a, b}, catalogue());
  REQUIRE(a.targets.size() == 1);
  const CompareRow* r = row_named(c, *a.targets[0].indicator_id);
  REQUIRE(r != nullptr);
  CHECK(r->verdict.earliest == std::vector<std::string>{"a"});
  CHECK(r->verdict.latest == std::vector<std::string>{"b"});
}

TEST_CASE("an uncatalogued target keeps its own wording in a row of its own") {
  auto a = plan("a", "智慧环保平台接入率达到80%。");
  Comparison c = compare({a}, catalogue());
  REQUIRE(c.rows.size() == 1);
  CHECK_FALSE(c.rows[0].indicator.has_value());
  CHECK(c.rows[0].name == "智慧环保平台接入率");
}

TEST_CASE("compare reads extraction output back as well as plan texts") {
  auto a = plan("a", "森林覆盖率达到60%。");
  Document back = read_extraction(to_json(a), "a.json");
  CHECK(back.targets.size() == a.targets.size());
  CHECK(back.targets[0].value == 60);
  CHECK(back.targets[0].indicator == a.targets[0].indicator);
  CHECK_THROWS_AS(read_extraction("schema: other/1\n", "x.yaml"), InputError);
  CHECK_THROWS_AS(read_extraction("schema: plancmp/1\ntargets:\n  - value: [1]\n", "x.yaml"), InputError);
  CHECK_THROWS_AS(read_extraction("schema: plancmp/1\ndocument: {a: 1}\n", "x.yaml"), InputError);
}

TEST_CASE("every output format renders the rows") {
  auto a = plan("a", "森林覆盖率达到60%。");
  auto b = plan("b", "森林覆盖率达到65%。");
  Comparison c = compare({a, b}, catalogue());
  for (auto f : {CompareFormat::kTable, CompareFormat::kYaml, CompareFormat::kJson, CompareFormat::kCsv,
                 CompareFormat::kMarkdown, CompareFormat::kHtml}) {
    std::string text = render(c, f);
    CHECK(text.find("65") != std::string::npos);
  }
  std::string html = render(c, CompareFormat::kHtml);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no external resource
}

TEST_CASE("terminal width counts Chinese characters as two columns") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("森林覆盖率") == 10);
  CHECK(display_width("≥60%") == 4);
}

TEST_CASE("a row never holds two differently worded indicators of one plan") {
  auto a = plan("a", "长江干流断面水质保持Ⅱ类,城市内河监测断面水质达到或优于Ⅲ类。");
  REQUIRE(a.targets.size() == 2);
  Comparison c = compare({a}, catalogue());
  for (const CompareRow& r : c.rows) {
    auto it = r.cells.find("a");
    if (it != r.cells.end()) CHECK(it->second.size() == 1);
  }
}
