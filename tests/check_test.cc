// Check: profiles, findings, severities, formats and the exit status.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "plancmp/canonicalize.h"
#include "plancmp/check.h"
#include "plancmp/diagnostic.h"
#include "plancmp/pipeline.h"

using namespace plancmp;

namespace {

const Catalogue& catalogue() {
  static auto c = Catalogue::from_grammar(*Grammar::builtin());
  return *c;
}

Document plan(const std::string& body) {
  return extract_bytes("一、主要目标\n(一)目标。" + body + "〔市生态环境局牵头负责〕\n", "draft.txt");
}

// A directory of this process's own: ctest -j runs test cases as parallel
// processes, and other checkouts may run their tests at the same time.
std::string scratch_dir() {
  const std::string dir = "/tmp/plancmp-check-test-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  return dir;
}

// A profile from YAML text, through a temporary file (load_profile reads paths).
Profile profile(const std::string& yaml) {
  const std::string path = scratch_dir() + "/plancmp-check-test-profile.yaml";
  std::ofstream(path) << yaml;
  Profile p = load_profile(path, catalogue());
  std::remove(path.c_str());
  return p;
}

std::vector<Finding> findings(const Document& doc, const Profile& p) {
  std::vector<Finding> out;
  for (const auto& [req, fs] : check(doc, "draft.txt", {p}, catalogue()).outcomes)
    out.insert(out.end(), fs.begin(), fs.end());
  return out;
}

const char* kAirProfile =
    "name: air\n"
    "requirements:\n"
    "  - indicator: 空气质量优良天数比率\n"
    "    year: 2025\n"
    "    at_least_as_strict_as: {op: \">=\", value: 87.5}\n"
    "    message: 优良天数比率达到87.5%\n";

}  // namespace

TEST_CASE("a plan that lacks a required indicator gets a finding at the requirement's severity") {
  auto fs = findings(plan("到2025年,森林覆盖率达到60%。"), profile(kAirProfile));
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].severity == Severity::kError);
  CHECK(fs[0].rule == "air/good_air_quality_days_ratio");
  CHECK(fs[0].line == 0);
  CHECK(fs[0].message.find("sets no target") != std::string::npos);
}

TEST_CASE("a target as strict as the reference and in time passes, by any wording of the indicator") {
  CHECK(findings(plan("到2025年,环境空气质量优良天数比例不低于90%。"), profile(kAirProfile)).empty());
}

TEST_CASE("a looser or later target is a finding on its line") {
  auto looser = findings(plan("到2025年,空气质量优良天数比率达到85%。"), profile(kAirProfile));
  REQUIRE(looser.size() == 1);
  CHECK(looser[0].line == 2);
  CHECK(looser[0].message.find("looser") != std::string::npos);
  auto later = findings(plan("到2027年,空气质量优良天数比率达到90%。"), profile(kAirProfile));
  REQUIRE(later.size() == 1);
  CHECK(later[0].message.find("later than 2025") != std::string::npos);
}

TEST_CASE("strictness follows the indicator's better direction") {
  auto p = profile(
      "name: pm\nrequirements:\n  - indicator: pm25_annual_concentration\n"
      "    at_least_as_strict_as: {op: \"<=\", value: 35}\n");
  CHECK(findings(plan("细颗粒物年均浓度不高于30微克/立方米。"), p).empty());
  CHECK(findings(plan("细颗粒物年均浓度不高于38微克/立方米。"), p).size() == 1);
}

TEST_CASE("a level cannot be judged against a required change: a notice, not a failure") {
  auto p = profile(
      "name: pm\nrequirements:\n  - indicator: [pm25_concentration_reduction, pm25_annual_concentration]\n"
      "    at_least_as_strict_as: {op: \"-\", value: 10, unit: \"%\"}\n");
  auto fs = findings(plan("细颗粒物年均浓度不高于30微克/立方米。"), p);
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].severity == Severity::kNotice);
}

TEST_CASE("the built-in national-2025 profile reads its values from the catalogue") {
  Profile p = load_profile("national-2025", catalogue());
  CHECK(p.requirements.size() >= 5);
  auto fs = findings(plan("到2025年,单位国内生产总值二氧化碳排放比2020年下降17%。"), p);
  bool co2 = false;
  for (const auto& f : fs)
    if (f.rule == "national-2025/co2_intensity_reduction") {
      co2 = true;
      CHECK(f.severity == Severity::kError);
      CHECK(f.message.find("looser") != std::string::npos);
    }
  CHECK(co2);
}

TEST_CASE("structural rules: lead units, deadlines, numbering") {
  Profile p = load_profile("structure", catalogue());
  Document doc = extract_bytes(
      "一、任务\n(一)甲。森林覆盖率达到60%。\n(三)乙。推进工作。〔市水利局牵头负责〕\n", "s.txt");
  auto fs = findings(doc, p);
  int lead = 0, deadline = 0, numbering = 0;
  for (const auto& f : fs) {
    lead += f.rule == "structure/every-clause-has-lead";
    deadline += f.rule == "structure/every-target-has-deadline";
    numbering += f.rule == "structure/numbering-intact";
  }
  CHECK(lead == 1);       // (一) names none
  CHECK(deadline == 1);   // 60% has no year
  CHECK(numbering == 1);  // (三) after (一): the series is repaired
}

TEST_CASE("a malformed profile is reported as file:line:col") {
  CHECK_THROWS_WITH_AS(profile("name: x\nrequirements:\n  - indicator: 不存在的指标名称\n"),
                       doctest::Contains("plancmp-check-test-profile.yaml:3:16: error: unknown indicator"),
                       InputError);
  CHECK_THROWS_WITH_AS(profile("name: x\nrequirements:\n  - indicator: 森林覆盖率\n    severity: fatal\n"),
                       doctest::Contains(":4:15: error: `severity`"), InputError);
  CHECK_THROWS_AS(load_profile("no-such-profile", catalogue()), InputError);
  // A value of the wrong shape (found by fuzz/profile_fuzz) is an input error too.
  CHECK_THROWS_WITH_AS(profile("name: x\nrequirements:\n  - indicator: 森林覆盖率\n    message: [a, b]\n"),
                       doctest::Contains(":4:"), InputError);
  // An empty list names no indicator (found by fuzz/profile_fuzz: it was read as its first name).
  CHECK_THROWS_WITH_AS(profile("name: x\nrequirements:\n  - indicator: []\n"),
                       doctest::Contains(":3:16: error: `indicator` must name at least one indicator"), InputError);
}

TEST_CASE("SARIF, JUnit, GitHub and JSON outputs carry every finding") {
  Document doc = plan("到2025年,空气质量优良天数比率达到85%。");
  std::vector<CheckResult> results{check(doc, "draft.txt", {profile(kAirProfile)}, catalogue())};
  std::string sarif = render(results, CheckFormat::kSarif);
  CHECK(sarif.find("\"version\": \"2.1.0\"") != std::string::npos);
  CHECK(sarif.find("\"ruleId\": \"air/good_air_quality_days_ratio\"") != std::string::npos);
  CHECK(sarif.find("\"startLine\": 2") != std::string::npos);
  std::string junit = render(results, CheckFormat::kJunit);
  CHECK(junit.find("<testcase classname=\"draft.txt\" name=\"air/good_air_quality_days_ratio\">") != std::string::npos);
  CHECK(junit.find("<failure") != std::string::npos);
  std::string gh = render(results, CheckFormat::kGithub);
  CHECK(gh.rfind("::error file=draft.txt,line=2,title=air/good_air_quality_days_ratio::", 0) == 0);
  std::string text = render(results, CheckFormat::kText);
  CHECK(text.rfind("draft.txt:2: error: ", 0) == 0);
  CHECK(render(results, CheckFormat::kJson).find("\"passed\": false") != std::string::npos);
}

TEST_CASE("GitHub output adds a summary when findings exceed what a step shows") {
  std::string body = "到2025年,";
  for (int i = 0; i < 12; ++i) body += "指标" + std::to_string(i) + "覆盖率达到50%,";
  Document doc = plan(body + "。");
  std::vector<CheckResult> results{check(doc, "d.txt", {load_profile("structure", catalogue())}, catalogue())};
  // Give the targets no year so each is a finding.
  for (auto& t : doc.targets) t.year.reset();
  results = {check(doc, "d.txt", {load_profile("structure", catalogue())}, catalogue())};
  std::string gh = render(results, CheckFormat::kGithub);
  CHECK(gh.find("GitHub shows only 10") != std::string::npos);
}

TEST_CASE("check exits 1 on findings at the fail level, 0 below it, 2 on a missing profile") {
  const std::string bin = PLANCMP_BINARY;
  const std::string draft = scratch_dir() + "/plancmp-check-draft.txt";
  std::ofstream(draft) << "一、目标\n(一)空气。到2025年,空气质量优良天数比率达到85%。〔市生态环境局牵头负责〕\n";
  auto run = [&](const std::string& args) {
    int rc = std::system((bin + " check " + draft + " " + args + " >/dev/null 2>&1").c_str());
    return WEXITSTATUS(rc);
  };
  CHECK(run("--profile national-2025") == 1);
  CHECK(run("--profile national-2025 --fail-level never") == 0);
  CHECK(run("--profile structure --fail-level error") == 0);
  CHECK(run("--profile no-such-profile") == 2);
  std::remove(draft.c_str());
}
