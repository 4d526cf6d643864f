// Long lines dense with values that are no targets: each value's indicator is
// read from the same anchor, which must not cost a rescan of the line per
// value. The extractor's reuse of that work (src/targets.cc: text_before,
// the comparator window, the text known to hold no clause verb) must give
// what its straightforward path gives.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "plancmp/pipeline.h"
#include "targets_internal.h"
#include "test_support.h"

using namespace plancmp;

namespace {

// A paragraph of `n` pieces: values that modify nouns ("5%的企业"), measured
// indicators, clause verbs, notes in parentheses with and without values,
// comparators near and far from their values, and now and then a target.
std::string dense_line(unsigned seed, int n, const std::string& lead_in = "") {
  const std::vector<std::string> pieces = {
      "13%的企业", "约5%的", "覆盖率", "达到", "实现", "推进", "完成", "比例", "(含5%)", "(PM2.5)", "(", ")",
      "的", "企业", "和", "、", "治理率", "提高到", "控制在年均", "每日", "30公吨", "以上", "新建", "5个",
      "保持Ⅱ类", "较2020年", "下降", "系数", "0.6", "消除", "国控断面水体比例", "达到旱田播种面积", "50%",
      "18%以上的", "低于标准的企业整改率", "20平方公里以上河流"};
  plancmp_test::Lcg rng{seed};
  std::string line = "一、重点任务\n(一)加强治理。" + lead_in;
  for (int k = 0; k < n; ++k) {
    // Mostly values that are no targets, so the anchor stays put.
    const unsigned pick = rng.next(1000);
    if (pick < 400) line += std::to_string(1 + rng.next(99)) + "%的企业";
    else if (pick < 403) line += rng.next(2) ? "。" : ",";  // segments of a few hundred pieces
    else line += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
  }
  return line + "\n";
}

struct Run {
  std::vector<Target> targets;
  std::size_t scanned = 0;
};

Run extract(const std::string& text, bool straightforward) {
  TargetsTesting::straightforward = straightforward;
  TargetsTesting::scanned_bytes = 0;
  Run r;
  r.targets = extract_bytes(text, "dense.txt").targets;
  r.scanned = TargetsTesting::scanned_bytes;
  TargetsTesting::straightforward = false;
  return r;
}

void check_same(const std::vector<Target>& a, const std::vector<Target>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(a[i].indicator == b[i].indicator);
    CHECK(a[i].op == b[i].op);
    CHECK(a[i].value == b[i].value);
    CHECK(a[i].unit == b[i].unit);
    CHECK(a[i].baseline_year == b[i].baseline_year);
    CHECK(a[i].column == b[i].column);
    CHECK(a[i].quote == b[i].quote);
    CHECK(a[i].rule == b[i].rule);
  }
}

}  // namespace

TEST_CASE("dense lines: reused work gives what reading each value afresh gives") {
  std::size_t targets = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    // Some paragraphs open with words the indicator sheds.
    const std::string line = dense_line(seed, 400, seed % 3 == 0 ? "确保全市" : seed % 3 == 1 ? "、" : "");
    const Run fast = extract(line, false), plain = extract(line, true);
    check_same(fast.targets, plain.targets);
    targets += fast.targets.size();
  }
  CHECK(targets > 200);
}

TEST_CASE("dense lines: a long line of values costs work in proportion to its length") {
  // About 150 KB in one paragraph with few separators: read afresh, each of
  // its thousands of values would rescan the line up to it.
  const std::string line = dense_line(7, 12000);
  REQUIRE(line.size() > 100000);
  const Run fast = extract(line, false);
  MESSAGE("long line: " << line.size() << " bytes, " << fast.targets.size() << " targets, scanned " << fast.scanned);
  CHECK(fast.scanned < 20 * line.size());
  // The same when the indicator sheds words at its start, and when it ends
  // with a measure and holds no clause verb (its last verb searched for).
  const std::string led = dense_line(7, 12000, "确保全市");
  CHECK(extract(led, false).scanned < 20 * led.size());
  auto measured_line = [](int n) {
    std::string line = "一、重点任务\n(一)加强治理。确保";
    for (int k = 0; k < n; ++k) line += std::to_string(k % 97 + 1) + "%的企业覆盖率";
    return line + "\n";
  };
  const std::string measured = measured_line(8000);
  CHECK(extract(measured, false).scanned < 20 * measured.size());
  const std::string measured_short = measured_line(1500);
  check_same(extract(measured_short, false).targets, extract(measured_short, true).targets);
  // The straightforward path does the quadratic work (on a shorter line).
  const std::string shorter = dense_line(7, 3000);
  const Run fast_short = extract(shorter, false), plain_short = extract(shorter, true);
  check_same(fast_short.targets, plain_short.targets);
  MESSAGE("shorter: " << shorter.size() << " bytes, scanned " << fast_short.scanned << " against " << plain_short.scanned);
  CHECK(plain_short.scanned > 4 * fast_short.scanned);
}
