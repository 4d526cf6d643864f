// Stage 5: the indicator catalogue (grammars/indicators.yaml) and matching of
// extracted indicator phrases to catalogue ids.
#include <doctest/doctest.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>
#include <yaml-cpp/yaml.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "plancmp/canonicalize.h"
#include "plancmp/diagnostic.h"
#include "plancmp/grammar.h"
#include "plancmp/pipeline.h"

using plancmp::Catalogue;
using plancmp::Grammar;
using plancmp::Indicator;

namespace {

std::shared_ptr<const Catalogue> builtin() { return Catalogue::from_grammar(*Grammar::builtin()); }

std::string id_of(const std::string& phrase, const std::string& unit = {}) {
  return builtin()->match(phrase, unit).value_or("");
}

struct Case {
  const char* phrase;
  const char* unit;
  const char* id;  // "" : must stay unmatched
};

// Real-world wordings that are NOT aliases (held out): variants other plans
// print, then phrases of indicators the catalogue does not have. They test the
// fuzzy match and are the measurement behind `match.threshold` (see the test
// "the fuzzy threshold sits in the gap ..." below).
const Case kHeldOut[] = {
    {"地级及以上城市PM2.5年均浓度", "微克/立方米", "pm25_annual_concentration"},
    {"中心城区细颗粒物(PM2.5)平均浓度", "微克/立方米", "pm25_annual_concentration"},
    {"PM2.5年平均浓度值", "μg/m3", "pm25_annual_concentration"},
    {"城市环境空气质量优良天数比率", "%", "good_air_quality_days_ratio"},
    {"全年空气质量优良天数比例", "%", "good_air_quality_days_ratio"},
    {"空气质量优良天数占比", "%", "good_air_quality_days_ratio"},
    {"城市重度及以上污染天数比率", "%", "heavy_pollution_days_ratio"},
    {"重度及以上污染天气比例", "%", "heavy_pollution_days_ratio"},
    {"PM2.5浓度较2020年下降比例", "%", "pm25_concentration_reduction"},
    {"细颗粒物浓度下降", "%", "pm25_concentration_reduction"},
    {"可吸入颗粒物年平均浓度值", "微克/立方米", "pm10_annual_concentration"},
    {"地表水国考断面水质优良(达到或优于Ⅲ类)比例", "%", "surface_water_class_i_iii_ratio"},
    {"地表水省控及以上断面水质优良比例", "%", "surface_water_class_i_iii_ratio"},
    {"国控断面水质达到或好于Ⅲ类比例", "%", "surface_water_class_i_iii_ratio"},
    {"国省控断面劣Ⅴ类水质比例", "%", "surface_water_worse_than_v_ratio"},
    {"县级城市集中式饮用水水源地水质达标率", "%", "drinking_water_source_compliance_ratio"},
    {"城市集中式饮用水水源地水质达到或优于Ⅲ类比例", "%", "drinking_water_source_compliance_ratio"},
    {"农村千吨万人集中式饮用水水源地水质达标率", "%", "rural_drinking_water_source_compliance_ratio"},
    {"地级城市建成区黑臭水体消除比例", "%", "urban_black_odorous_water_elimination_ratio"},
    {"城市黑臭水体消除率", "%", "urban_black_odorous_water_elimination_ratio"},
    {"农村黑臭水体整治比例", "%", "rural_black_odorous_water_remediation_ratio"},
    {"县城区污水处理率", "%", "county_sewage_treatment_ratio"},
    {"市中心城区生活污水处理率", "%", "urban_sewage_treatment_ratio"},
    {"城市污水处理厂集中处理率", "%", "urban_sewage_treatment_ratio"},
    {"乡镇镇区生活污水处理率", "%", "town_sewage_treatment_ratio"},
    {"农村生活污水治理(管控)率", "%", "rural_domestic_sewage_treatment_ratio"},
    {"农村生活污水有效管控率", "%", "rural_domestic_sewage_treatment_ratio"},
    {"行政村生活污水治理率", "%", "rural_domestic_sewage_treatment_ratio"},
    {"城市污泥无害化处理处置比例", "%", "urban_sludge_safe_disposal_ratio"},
    {"城区生活污水集中收集率", "%", "urban_sewage_collection_ratio"},
    {"污水再生利用率", "%", "reclaimed_water_utilization_ratio"},
    {"万元地区生产总值用水量降低率", "%", "water_use_per_gdp_reduction"},
    {"农田灌溉用水有效利用系数", "", "irrigation_water_use_coefficient"},
    {"轻中度污染耕地安全利用率", "%", "contaminated_farmland_safe_use_ratio"},
    {"重点建设用地安全利用", "%", "contaminated_land_safe_use_ratio"},
    {"县级以上城市生活垃圾无害化处理率", "%", "urban_domestic_waste_safe_treatment_ratio"},
    {"城市生活垃圾无害化处理比例", "%", "urban_domestic_waste_safe_treatment_ratio"},
    {"农村生活垃圾收运处置率", "%", "rural_domestic_waste_treatment_ratio"},
    {"城市生活垃圾回收利用比例", "%", "domestic_waste_recycling_ratio"},
    {"危险废物综合利用处置率", "%", "hazardous_waste_safe_disposal_ratio"},
    {"医疗废物无害化处置比例", "%", "medical_waste_safe_disposal_ratio"},
    {"一般工业固体废物综合利用比例", "%", "industrial_solid_waste_utilization_ratio"},
    {"大宗工业固废综合利用率", "%", "bulk_solid_waste_utilization_ratio"},
    {"建筑垃圾综合利用比例", "%", "construction_waste_utilization_ratio"},
    {"森林覆盖率(含灌木)", "%", "forest_coverage"},
    {"林草植被覆盖度", "%", "forest_grassland_coverage"},
    {"活立木总蓄积量", "万立方米", "forest_stock_volume"},
    {"草原综合植被覆盖率", "%", "grassland_vegetation_coverage"},
    {"湿地保护面积占比", "%", "wetland_protection_ratio"},
    {"自然保护地占国土面积比例", "%", "nature_reserve_area_share"},
    {"生态保护红线面积占国土面积比例", "%", "ecological_redline_share"},
    {"水土流失综合治理", "平方公里", "soil_erosion_control_area"},
    {"区域水土保持率", "%", "soil_conservation_ratio"},
    {"万元GDP二氧化碳排放下降率", "%", "co2_intensity_reduction"},
    {"万元GDP能耗降低率", "%", "energy_intensity_reduction"},
    {"规上工业单位增加值能耗下降率", "%", "industrial_energy_intensity_reduction"},
    {"非化石能源消费量占能源消费总量比重", "%", "non_fossil_energy_share"},
    {"煤炭消费量占能源消费总量比重", "%", "coal_consumption_share"},
    {"新能源公交车辆比例", "%", "new_energy_bus_share"},
    {"中心城区绿地率", "%", "urban_green_space_ratio"},
    {"城市人均公园绿地", "平方米/人", "park_green_space_per_capita"},
    {"城镇新建建筑绿色建筑比例", "%", "green_building_share"},
    {"城市绿色出行分担率", "%", "green_travel_share"},
    {"声环境功能区夜间质量达标率", "%", "night_noise_compliance_ratio"},
    {"生态文明建设考核占党政实绩考核比例", "%", "eco_civilization_assessment_weight"},
    {"公众对生态环境的满意度", "%", "public_satisfaction_eco_environment"},
    {"秸秆综合利用比例", "%", "straw_utilization_ratio"},
    {"畜禽粪污资源化综合利用率", "%", "livestock_manure_utilization_ratio"},
    {"农药化肥利用率", "%", "fertilizer_pesticide_utilization_ratio"},
    {"废旧农膜回收利用率", "%", "agricultural_film_recovery_ratio"},
    {"农村无害化卫生户厕普及率", "%", "rural_sanitary_toilet_ratio"},
    {"重点行业重金属污染物排放量下降", "%", "heavy_metal_emission_reduction"},
    {"二氧化碳排放强度下降", "%", "co2_intensity_reduction"},
    {"近岸海域优良水质面积比例", "%", "coastal_water_good_quality_ratio"},
    {"公交出行分担比例", "%", "public_transport_share"},
    {"化学需氧量排放总量削减", "吨", "cod_emissions"},
    {"氮氧化物排放量下降", "%", "nox_emissions"},
    {"城市细颗粒物平均浓度", "微克/立方米", "pm25_annual_concentration"},
    {"县城生活垃圾无害化处理比例", "%", "county_domestic_waste_safe_treatment_ratio"},
    {"生活垃圾分类覆盖比例", "%", "domestic_waste_sorting_coverage"},
    {"规模化养殖场粪污处理设施装备配套率", "%", "livestock_farm_manure_facility_ratio"},
    {"主要农作物绿色防控覆盖率", "%", "green_pest_control_coverage"},
    {"历史遗留矿山生态修复治理率", "%", "mine_restoration_ratio"},
    {"新污染物治理能力", "", ""},
    {"绿色矿山建成率", "%", ""},
    {"城市生活垃圾分类收运能力", "万吨/日", ""},
    {"工业园区污水集中处理设施覆盖率", "%", ""},
    {"土壤污染重点监管单位隐患排查完成率", "%", ""},
    {"农村集中供水率", "%", ""},
    {"城市燃气普及率", "%", ""},
    {"危险废物经营单位规范化管理抽查合格率", "%", ""},
    {"机动车尾气检测率", "%", ""},
    {"化学需氧量浓度", "毫克/升", ""},
    {"氨氮浓度", "毫克/升", ""},
    {"森林火灾受害率", "‰", ""},
    {"湿地面积", "万亩", ""},
    {"耕地保有量", "万亩", ""},
    {"城市建成区面积", "平方公里", ""},
    {"建设用地总规模", "万亩", ""},
    {"水土流失面积", "平方公里", ""},
    {"城市污水处理能力", "万吨/日", ""},
    {"生活污水收集管网长度", "公里", ""},
    {"清洁能源供暖面积", "万平方米", ""},
    {"空气质量综合指数", "", ""},
    {"声环境质量昼间平均等效声级", "分贝", ""},
    {"饮用水水源保护区划定率", "%", ""},
    {"工业固体废物产生量", "万吨", ""},
    {"危险废物产生量", "吨", ""},
    {"农村卫生厕所改造户数", "户", ""},
    {"城镇化率", "%", ""},
    {"人均GDP", "元", ""},
    {"二氧化碳排放总量", "万吨", "co2_emissions"},
    {"能源消费总量", "万吨标准煤", ""},
    {"地表水监测断面数量", "个", ""},
    {"农村污水处理设施正常运行率", "%", ""},
    {"城市供水普及率", "%", ""},
    {"森林抚育面积", "万亩", ""},
    {"造林绿化面积", "万亩", ""},
    {"PM2.5浓度", "%", "pm25_concentration_reduction"},
    {"重污染天数", "%", "heavy_pollution_days_ratio"},
    {"污水处理率", "%", "urban_sewage_treatment_ratio"},
    {"生活垃圾无害化处理率", "%", "urban_domestic_waste_safe_treatment_ratio"},
    {"农村生活垃圾", "%", "rural_domestic_waste_treatment_ratio"},
};

// Output of a shell command (stdout), and its exit status.
struct Run {
  int status = -1;
  std::string out;
};

Run run_binary(const std::string& args) {
  Run r;
  const std::string cmd = std::string("'") + PLANCMP_BINARY + "' " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int rc = ::pclose(p);
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return r;
}

// A copy of the built-in indicators.yaml with `from` replaced by `to`.
std::string edited_catalogue(const std::string& from, const std::string& to) {
  std::string text = plancmp::builtin_grammar_files().at("indicators.yaml");
  auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("the built-in catalogue has at least 60 indicators in the nine categories") {
  auto cat = builtin();
  CHECK(cat->indicators().size() >= 60);
  const std::set<std::string> categories{"air",   "water", "soil",  "solid_waste", "ecology", "climate_energy",
                                         "rural", "urban", "governance"};
  std::set<std::string> seen;
  for (const Indicator& ind : cat->indicators()) {
    CAPTURE(ind.id);
    CHECK(categories.count(ind.category));
    CHECK((ind.better == "higher" || ind.better == "lower"));
    CHECK(!ind.name.empty());
    CHECK(!ind.aliases.empty());
    seen.insert(ind.category);
  }
  CHECK(seen == categories);
}

TEST_CASE("every alias of every indicator maps to its own id, with and without its unit") {
  auto cat = builtin();
  for (const Indicator& ind : cat->indicators()) {
    for (const std::string& alias : ind.aliases) {
      CAPTURE(ind.id);
      CAPTURE(alias);
      auto m = cat->match_detail(alias, ind.unit);
      CHECK(m.id.value_or("") == ind.id);
      CHECK(m.method == "alias");
      CHECK(cat->match(alias).value_or("") == ind.id);
      REQUIRE(cat->find(alias) != nullptr);
      CHECK(cat->find(alias)->id == ind.id);
    }
    CHECK(cat->match(ind.name, ind.unit).value_or("") == ind.id);
    REQUIRE(cat->find(ind.id) != nullptr);
    CHECK(cat->find(ind.id)->id == ind.id);
  }
}

TEST_CASE("no alias (once normalized) belongs to two indicators, and ids are unique") {
  auto cat = builtin();
  std::map<std::string, std::string> owner;
  std::set<std::string> ids;
  for (const Indicator& ind : cat->indicators()) {
    CHECK(ids.insert(ind.id).second);
    std::vector<std::string> all = ind.aliases;
    all.push_back(ind.name);
    for (const std::string& alias : all) {
      const std::string key = cat->normalize(alias);
      auto [it, fresh] = owner.emplace(key, ind.id);
      CAPTURE(alias);
      CAPTURE(key);
      CHECK(it->second == ind.id);
    }
  }
}

TEST_CASE("loading a catalogue where one alias names two indicators fails at that alias") {
  // 城市污水处理率 is an alias of urban_sewage_treatment_ratio; give it to the county one too.
  const std::string text =
      edited_catalogue("aliases: [县城污水处理率,", "aliases: [城市污水处理率, 县城污水处理率,");
  try {
    Catalogue::from_text(text, "g/indicators.yaml");
    FAIL("expected InputError");
  } catch (const plancmp::InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("g/indicators.yaml:") == 0);
    CHECK(what.find("already belongs to `urban_sewage_treatment_ratio`") != std::string::npos);
  }
}

TEST_CASE("acceptance: PM2.5 wordings of different plans share one id") {
  CHECK(id_of("细颗粒物(PM2.5)年平均浓度", "微克/立方米") == "pm25_annual_concentration");
  CHECK(id_of("城市细颗粒物(PM2.5)浓度", "微克/立方米") == "pm25_annual_concentration");
  CHECK(id_of("PM2.5年均浓度", "μg/m3") == "pm25_annual_concentration");
  CHECK(id_of("PM2.5平均浓度", "ug/m³") == "pm25_annual_concentration");
}

TEST_CASE("acceptance: rural sewage 处理率 and 治理率 share one id") {
  CHECK(id_of("农村生活污水处理率", "%") == "rural_domestic_sewage_treatment_ratio");
  CHECK(id_of("农村生活污水治理率", "%") == "rural_domestic_sewage_treatment_ratio");
  CHECK(id_of("全市农村生活污水治理率", "%") == "rural_domestic_sewage_treatment_ratio");
}

TEST_CASE("比率 and 比例, full-width brackets, spaces and scope words do not matter") {
  CHECK(id_of("空气质量优良天数比例", "%") == "good_air_quality_days_ratio");
  CHECK(id_of("环境空气质量优良天数比例", "%") == "good_air_quality_days_ratio");
  CHECK(id_of("全市空气质量优良天数比率", "%") == "good_air_quality_days_ratio");
  CHECK(id_of("细颗粒物（PM2.5）年平均浓度", "微克/立方米") == "pm25_annual_concentration");
  CHECK(id_of("细颗粒物 (PM 2.5) 年平均 浓度", "微克/立方米") == "pm25_annual_concentration");
  CHECK(id_of("提升全市生态环境状况指数(EI)", "%") == "ecological_environment_status_index");
  CHECK(id_of("单位GDP二氧化碳排放", "%") == "co2_intensity_reduction");
  CHECK(id_of("单位地区生产总值能耗", "%") == "energy_intensity_reduction");
  CHECK(id_of("单位国内生产总值(GDP)能耗", "%") == "energy_intensity_reduction");
}

TEST_CASE("Roman numerals in water classes read the same in every script") {
  CHECK(id_of("地表水I-III类水体比例", "%") == "surface_water_class_i_iii_ratio");
  CHECK(id_of("地表水Ⅰ—Ⅲ类水体比例", "%") == "surface_water_class_i_iii_ratio");
  CHECK(id_of("地表水劣V类水体比例", "%") == "surface_water_worse_than_v_ratio");
  CHECK(id_of("地表水劣Ⅴ类水体比例", "%") == "surface_water_worse_than_v_ratio");
}

TEST_CASE("normalizing skips ICU only where NFKC case folding and u_isalnum agree with the shortcut") {
  // base_form() leaves phrases of ASCII but A-Z and CJK Unified Ideographs
  // (U+4E00..U+9FFF) as they are instead of calling ICU's NFKC_Casefold, and
  // reads those characters as letters or digits without u_isalnum.
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  REQUIRE(U_SUCCESS(status));
  auto unchanged = [&](const icu::UnicodeString& s) {
    UErrorCode st = U_ZERO_ERROR;
    return nfkc_cf->normalize(s, st) == s && U_SUCCESS(st);
  };
  for (UChar32 c = 0x4E00; c <= 0x9FFF; ++c) {
    CHECK(unchanged(icu::UnicodeString(c)));
    CHECK(u_isalnum(c));
  }
  auto inert_ascii = [](UChar32 c) { return c < 0x80 && !(c >= 'A' && c <= 'Z'); };
  for (UChar32 a = 0; a < 0x80; ++a) {
    if (!inert_ascii(a)) continue;
    CHECK(static_cast<bool>(u_isalnum(a)) == ((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9')));
    for (UChar32 b = 0; b < 0x80; ++b) {
      if (!inert_ascii(b)) continue;
      icu::UnicodeString pair(a);
      pair.append(b);
      CHECK(unchanged(pair));
    }
    CHECK(unchanged(icu::UnicodeString(a).append(static_cast<UChar32>(0x6C34))));
  }
  // Phrases that take each path normalize as before.
  auto cat = builtin();
  CHECK(cat->normalize("ＰＭ２.５年均浓度") == cat->normalize("pm2.5年均浓度"));
  CHECK(cat->normalize("PM2.5年均浓度") == cat->normalize("pm2.5年均浓度"));
  CHECK(cat->normalize("I-III类水体") == cat->normalize("ⅰ～ⅲ类水体"));
}

TEST_CASE("Traditional phrases match their Simplified aliases") {
  CHECK(id_of("細顆粒物(PM2.5)年平均濃度", "微克/立方米") == "pm25_annual_concentration");
  CHECK(id_of("空氣質量優良天數比率", "%") == "good_air_quality_days_ratio");
  CHECK(id_of("農村生活污水處理率", "%") == "rural_domestic_sewage_treatment_ratio");
  CHECK(id_of("縣城污水處理率", "%") == "county_sewage_treatment_ratio");
  CHECK(id_of("森林覆蓋率", "%") == "forest_coverage");
  CHECK(id_of("林草覆蓋率", "%") == "forest_grassland_coverage");
}

TEST_CASE("held-out real-world wordings map to their indicator, and non-indicators stay unmatched") {
  auto cat = builtin();
  for (const Case& c : kHeldOut) {
    CAPTURE(c.phrase);
    CAPTURE(c.unit);
    auto m = cat->match_detail(c.phrase, c.unit);
    CAPTURE(m.best);
    CAPTURE(m.best_score);
    CAPTURE(m.runner_up);
    CAPTURE(m.runner_up_score);
    CHECK(m.id.value_or("") == std::string(c.id));
  }
}

TEST_CASE("the fuzzy threshold sits in the gap between held-out true matches and the best wrong indicator") {
  // For each held-out wording: the score of the right indicator must reach the
  // threshold, and the best score of any *other* indicator must stay below it
  // (so the match would not go wrong even if the right indicator were missing
  // from the catalogue). Measured when the threshold was chosen: true matches
  // >= 0.667, wrong indicators <= 0.64.
  auto cat = builtin();
  double lowest_true = 1, highest_wrong = 0;
  for (const Case& c : kHeldOut) {
    auto m = cat->match_detail(c.phrase, c.unit);
    if (m.method == "alias") continue;
    CAPTURE(c.phrase);
    if (*c.id && m.best == c.id) {
      lowest_true = std::min(lowest_true, m.best_score);
      highest_wrong = std::max(highest_wrong, m.runner_up_score);
    } else {
      highest_wrong = std::max(highest_wrong, m.best_score);
    }
  }
  INFO("held-out: lowest true score " << lowest_true << ", highest wrong-indicator score " << highest_wrong
                                       << ", threshold " << cat->threshold());
  CHECK(lowest_true >= cat->threshold());
  CHECK(highest_wrong < cat->threshold());
}

TEST_CASE("distinct indicators stay distinct: city vs county, forest vs forest-grass, urban vs rural waste") {
  const std::vector<std::pair<std::string, std::string>> pairs{
      {"城市生活污水处理率", "县城污水处理率"},
      {"城市污水处理率", "县城生活污水处理率"},
      {"城市污泥无害化处理率", "县城污泥无害化处理率"},
      {"森林覆盖率", "林草覆盖率"},
      {"城市生活垃圾无害化处理率", "农村生活垃圾无害化处理率"},
      {"城市黑臭水体消除比例", "农村黑臭水体治理率"},
      {"化肥利用率", "农药利用率"},
      {"化肥农药利用率", "化肥利用率"},
      {"空气质量优良天数比率", "重度及以上污染天数比率"},
      {"声环境功能区夜间达标率", "声环境功能区昼间达标率"},
      {"建成区绿地率", "建成区绿化覆盖率"},
      {"一般工业固体废物综合利用率", "大宗固体废物综合利用率"},
      {"城市生活垃圾资源化利用率", "生活垃圾回收利用率"},
      {"公众对生态文明建设的满意度", "公众对生态文明建设的参与度"},
      {"集中式饮用水水源地水质达标率", "农村集中式饮用水水源地水质达标率"},
      {"单位国内生产总值二氧化碳排放", "单位国内生产总值能耗"},
      {"二氧化硫排放量", "二氧化碳排放总量"},
  };
  for (const auto& pair : pairs) {
    const auto& a = pair.first;  // not a structured binding: clang 14's CAPTURE cannot see those
    const auto& b = pair.second;
    CAPTURE(a);
    CAPTURE(b);
    const std::string ia = id_of(a), ib = id_of(b);
    CHECK(!ia.empty());
    CHECK(!ib.empty());
    CHECK(ia != ib);
  }
}

TEST_CASE("excludes and requires keep a fuzzy match off the neighbouring indicator") {
  // Not aliases: fuzzy wordings that resemble the other indicator of each pair.
  CHECK(id_of("各县城生活污水处理率", "%") == "county_sewage_treatment_ratio");
  CHECK(id_of("设市城市生活污水处理率", "%") == "urban_sewage_treatment_ratio");
  CHECK(id_of("全市森林覆盖率(含灌木林地)", "%") == "forest_coverage");
  CHECK(id_of("林草植被综合覆盖率", "%") == "forest_grassland_coverage");
  CHECK(id_of("城市生活垃圾无害化处理比例", "%") == "urban_domestic_waste_safe_treatment_ratio");
  CHECK(id_of("农村生活垃圾无害化处理比例", "%") == "rural_domestic_waste_treatment_ratio");
  CHECK(id_of("集中式饮用水水源地地表水水质达标率", "%") == "drinking_water_source_compliance_ratio");
  // 水土流失面积 (eroded area) is not 水土流失治理面积 (area brought under control).
  CHECK(id_of("水土流失面积", "平方公里").empty());
}

TEST_CASE("a phrase that fits several indicators equally stays unmatched") {
  // 受污染耕地 or 污染地块? 秸秆, 畜禽粪污 or 固体废物? The phrase does not say.
  for (const char* phrase : {"安全利用率", "综合利用率", "无害化处理率"}) {
    auto m = builtin()->match_detail(phrase, "%");
    CAPTURE(phrase);
    CAPTURE(m.best);
    CAPTURE(m.runner_up);
    CHECK(!m.id);
    CHECK(m.why == "ambiguous");
  }
}

TEST_CASE("the unit vetoes an indicator of another dimension") {
  // A % phrase cannot be a 微克/立方米 concentration: it is the reduction.
  CHECK(id_of("细颗粒物(PM2.5)浓度", "%") == "pm25_concentration_reduction");
  CHECK(id_of("细颗粒物(PM2.5)浓度", "微克/立方米") == "pm25_annual_concentration");
  CHECK(id_of("PM2.5浓度下降比例", "%") == "pm25_concentration_reduction");
  CHECK(id_of("PM2.5浓度下降比例", "微克/立方米").empty());
  // Days vs share of days.
  CHECK(id_of("重污染天数", "天") == "heavy_pollution_days");
  CHECK(id_of("重污染天数", "%") == "heavy_pollution_days_ratio");
  // Area vs share of area.
  CHECK(id_of("保护性耕作面积", "万亩") == "conservation_tillage_area");
  CHECK(id_of("适宜区域保护性耕作面积", "%") == "conservation_tillage_ratio");
  // A concentration is not an emission amount.
  CHECK(id_of("化学需氧量", "毫克/升").empty());
  CHECK(id_of("化学需氧量", "吨") == "cod_emissions");
  CHECK(id_of("化学需氧量", "万吨") == "cod_emissions");
  CHECK(id_of("化学需氧量排放总量", "%") == "cod_emissions");  // relative change
  // A water class is not a share.
  CHECK(id_of("出境断面水质", "类") == "section_water_class");
  CHECK(id_of("地表水Ⅰ-Ⅲ类水体比例", "类").empty());
  // Percentage points are percent.
  CHECK(id_of("铁路货运量占比", "个百分点") == "rail_freight_share");
  // An empty unit vetoes nothing.
  CHECK(id_of("细颗粒物(PM2.5)浓度") == "pm25_annual_concentration");
}

TEST_CASE("values convert to the indicator's canonical unit") {
  auto cat = builtin();
  const Indicator* area = cat->find("high_efficiency_water_saving_irrigation_area");
  REQUIRE(area);
  CHECK(area->unit == "亩");
  CHECK(cat->to_canonical(*area, 3, "万亩").value() == doctest::Approx(30000));
  CHECK(cat->to_canonical(*area, 2, "公顷").value() == doctest::Approx(30));
  CHECK(!cat->to_canonical(*area, 3, "%"));
  const Indicator* pm = cat->find("pm25_annual_concentration");
  REQUIRE(pm);
  CHECK(cat->to_canonical(*pm, 30, "微克/立方米").value() == doctest::Approx(30));
  CHECK(cat->to_canonical(*pm, 30, "μg/m3").value() == doctest::Approx(30));
  CHECK(cat->to_canonical(*pm, 0.03, "mg/m3").value() == doctest::Approx(30));
  const Indicator* rail = cat->find("rail_freight_share");
  REQUIRE(rail);
  CHECK(cat->to_canonical(*rail, 0.5, "个百分点").value() == doctest::Approx(0.5));
}

TEST_CASE("national 2025 values name their source and use the target ops") {
  auto cat = builtin();
  int with_national = 0;
  for (const Indicator& ind : cat->indicators()) {
    if (!ind.national_2025) continue;
    ++with_national;
    CAPTURE(ind.id);
    CHECK(!ind.national_2025->source.empty());
    CHECK(ind.national_2025->year == 2025);
    const std::set<std::string> ops{"<=", ">=", "=", "~", "-", "+"};
    CHECK(ops.count(ind.national_2025->op));
  }
  CHECK(with_national >= 15);
  auto national = [&](const char* id) { return cat->find(id)->national_2025.value(); };
  CHECK(national("good_air_quality_days_ratio").value == 87.5);
  CHECK(national("surface_water_class_i_iii_ratio").value == 85);
  CHECK(national("pm25_concentration_reduction").op == "-");
  CHECK(national("pm25_concentration_reduction").baseline_year == 2020);
  CHECK(national("co2_intensity_reduction").value == 18);
  CHECK(national("energy_intensity_reduction").value == 13.5);
  CHECK(national("contaminated_farmland_safe_use_ratio").op == "~");
  CHECK(national("heavy_pollution_days_ratio").op == "<=");
  CHECK(national("forest_coverage").value == doctest::Approx(24.1));
}

TEST_CASE("reduction indicators are change measures whose larger value is better") {
  auto cat = builtin();
  for (const char* id : {"co2_intensity_reduction", "energy_intensity_reduction", "pm25_concentration_reduction",
                         "construction_land_per_gdp_reduction", "heavy_metal_emission_reduction"}) {
    CAPTURE(id);
    const Indicator* ind = cat->find(id);
    REQUIRE(ind);
    CHECK(ind->measure == "change");
    CHECK(ind->better == "higher");
    CHECK(cat->unit_compatible(*ind, "%"));
  }
  CHECK(cat->find("pm25_annual_concentration")->measure == "level");
  CHECK(cat->find("pm25_annual_concentration")->better == "lower");
}

TEST_CASE("a malformed indicators.yaml is reported as file:line:col") {
  SUBCASE("a value of the wrong kind") {
    const std::string text = edited_catalogue("    category: air\n", "    category: weather\n");
    auto g = Grammar::from_files({{"indicators.yaml", text}}, "mygrammars");
    try {
      Catalogue::from_grammar(*g);
      FAIL("expected InputError");
    } catch (const plancmp::InputError& e) {
      const std::string what = e.what();
      CAPTURE(what);
      CHECK(what.rfind("mygrammars/indicators.yaml:", 0) == 0);
      CHECK(what.find("category `weather`") != std::string::npos);
      // line:col of the offending value
      const std::string text_before = text.substr(0, text.find("category: weather"));
      const int line = 1 + static_cast<int>(std::count(text_before.begin(), text_before.end(), '\n'));
      CHECK(what.find("indicators.yaml:" + std::to_string(line) + ":15:") != std::string::npos);
    }
  }
  SUBCASE("a missing field") {
    const std::string text = "indicators:\n  - id: x_ratio\n    name: 某比例\n    category: air\n";
    CHECK_THROWS_WITH_AS(Catalogue::from_text(text, "g/indicators.yaml"),
                         doctest::Contains("g/indicators.yaml:2:5: error: indicator is missing `unit`"),
                         plancmp::InputError);
  }
  SUBCASE("an unknown key (a typo)") {
    const std::string text =
        "indicators:\n  - id: x_ratio\n    name: 某比例\n    category: air\n    unit: '%'\n"
        "    better: higher\n    aliass: [某比率]\n";
    CHECK_THROWS_WITH_AS(Catalogue::from_text(text, "g/indicators.yaml"),
                         doctest::Contains("g/indicators.yaml:7:5: error: unknown key `aliass`"),
                         plancmp::InputError);
  }
  SUBCASE("broken YAML") {
    const std::string text = "indicators:\n  - id: [x\n";
    CHECK_THROWS_WITH_AS(Catalogue::from_text(text, "g/indicators.yaml"),
                         doctest::Contains("g/indicators.yaml:3:"), plancmp::InputError);
    // Through --grammars, the grammar loader reports it the same way.
    CHECK_THROWS_WITH_AS(Grammar::from_files({{"indicators.yaml", text}}, "mygrammars"),
                         doctest::Contains("mygrammars/indicators.yaml:3:"), plancmp::InputError);
  }
}

TEST_CASE("--grammars: a replacement indicators.yaml replaces the catalogue, per grammar") {
  const std::string text =
      "indicators:\n"
      "  - id: test_ratio\n"
      "    name: 测试达标率\n"
      "    category: governance\n"
      "    unit: '%'\n"
      "    better: higher\n"
      "    aliases: [测试指标达标率]\n";
  auto g = Grammar::from_files({{"indicators.yaml", text}}, "custom");
  auto cat = Catalogue::from_grammar(*g);
  REQUIRE(cat->indicators().size() == 1);
  CHECK(cat->match("测试指标达标率").value_or("") == "test_ratio");
  CHECK(!cat->match("空气质量优良天数比率"));
  CHECK(Catalogue::from_grammar(*g) == cat);  // cached
  CHECK(builtin()->match("空气质量优良天数比率").value_or("") == "good_air_quality_days_ratio");
}

TEST_CASE("extraction fills indicator_id on every target it can match") {
  const std::string plan =
      "测试市生态环境保护方案\n"
      "一、主要目标\n"
      "到2025年,細顆粒物(PM2.5)年平均濃度不高于30微克/立方米,空气质量优良天数比率达到90%以上,"
      "县城污水处理率达到95%,农村生活污水治理率达到40%。\n";
  plancmp::Document doc = plancmp::extract_bytes(plan, "test.txt");
  std::map<std::string, std::string> ids;
  for (const auto& t : doc.targets) ids[t.indicator] = t.indicator_id.value_or("");
  CAPTURE(doc.targets.size());
  REQUIRE(doc.targets.size() >= 4);
  for (const auto& t : doc.targets) {
    CAPTURE(t.indicator);
    CHECK(t.indicator_id.has_value());
  }
  std::set<std::string> got;
  for (const auto& [k, v] : ids) got.insert(v);
  CHECK(got.count("pm25_annual_concentration"));
  CHECK(got.count("good_air_quality_days_ratio"));
  CHECK(got.count("county_sewage_treatment_ratio"));
  CHECK(got.count("rural_domestic_sewage_treatment_ratio"));
}

TEST_CASE("plancmp indicators --format json parses and lists at least 60 indicators") {
  const Run r = run_binary("indicators --format json");
  REQUIRE(r.status == 0);
  YAML::Node doc = YAML::Load(r.out);  // JSON is YAML
  REQUIRE(doc["indicators"].IsSequence());
  CHECK(doc["indicators"].size() >= 60);
  CHECK(doc["count"].as<int>() == static_cast<int>(doc["indicators"].size()));
  bool found = false;
  for (const auto& ind : doc["indicators"]) {
    if (ind["id"].as<std::string>() != "good_air_quality_days_ratio") continue;
    found = true;
    CHECK(ind["category"].as<std::string>() == "air");
    CHECK(ind["national_2025"]["value"].as<double>() == 87.5);
    CHECK(ind["aliases"].IsSequence());
  }
  CHECK(found);
}

TEST_CASE("plancmp indicators --format yaml and --category filter") {
  const Run r = run_binary("indicators --format yaml --category water");
  REQUIRE(r.status == 0);
  YAML::Node doc = YAML::Load(r.out);
  REQUIRE(doc["indicators"].IsSequence());
  CHECK(doc["indicators"].size() >= 10);
  for (const auto& ind : doc["indicators"]) CHECK(ind["category"].as<std::string>() == "water");
}

TEST_CASE("plancmp indicators prints a table aligned for double-width characters") {
  const Run r = run_binary("indicators");
  REQUIRE(r.status == 0);
  // Terminal column of a byte offset: East Asian Wide/Fullwidth characters
  // (汉字, full-width forms) take two columns, others (Ⅲ is Ambiguous) one.
  auto column_at = [](const std::string& line, std::size_t byte) {
    std::size_t col = 0;
    for (int32_t i = 0; i < static_cast<int32_t>(byte);) {
      UChar32 c;
      U8_NEXT(reinterpret_cast<const uint8_t*>(line.data()), i, static_cast<int32_t>(line.size()), c);
      const int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
      col += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
    }
    return col;
  };
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = r.out.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(r.out.substr(start, end - start));
  REQUIRE(lines.size() > 60);
  const std::size_t category_col = column_at(lines[0], lines[0].find("category"));
  int checked = 0;
  for (const std::string& line : lines) {
    for (const char* probe : {"  air  ", "  water  ", "  governance  "}) {
      auto pos = line.find(probe);
      if (pos == std::string::npos) continue;
      CAPTURE(line);
      CHECK(column_at(line, pos + 2) == category_col);
      ++checked;
    }
  }
  CHECK(checked > 20);
}
