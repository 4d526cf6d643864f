// canonicalize() over a document: it matches each distinct (indicator, unit)
// once and copies that id to the later targets with the same pair (a table
// of first targets, src/canonicalize.cc). Every target must end with the id
// Catalogue::match gives its own pair, whatever the repeats and their order.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "plancmp/canonicalize.h"
#include "plancmp/document.h"
#include "plancmp/grammar.h"

using plancmp::Catalogue;
using plancmp::Document;
using plancmp::Grammar;

TEST_CASE("canonicalize gives every target the id of its own (indicator, unit), repeats included") {
  const auto cat = Catalogue::from_grammar(*Grammar::builtin());
  const std::vector<std::string> phrases = {
      "地级及以上城市PM2.5年均浓度", "森林覆盖率", "森林覆盖", "城市生活污水集中收集率", "农村生活污水治理率",
      "单位GDP二氧化碳排放", "空气质量优良天数比率", "不是指标的短语", "", "覆盖率", "PM2.5", "率"};
  const std::vector<std::string> units = {"", "%", "微克/立方米", "万吨", "个百分点", "μg/m3", "天"};
  std::mt19937 rng(12);
  for (const std::size_t count : {0u, 1u, 2u, 7u, 8u, 9u, 31u, 64u, 300u}) {
    Document doc;
    for (std::size_t i = 0; i < count; ++i) {
      plancmp::Target t;
      t.indicator = phrases[rng() % phrases.size()];
      t.unit = units[rng() % units.size()];
      if (rng() % 3 == 0) t.indicator_id = "stale";  // overwritten either way
      doc.targets.push_back(t);
    }
    plancmp::canonicalize(*cat, doc);
    for (const plancmp::Target& t : doc.targets) {
      CAPTURE(t.indicator);
      CAPTURE(t.unit);
      CHECK(t.indicator_id == cat->match(t.indicator, t.unit));
    }
  }
}
