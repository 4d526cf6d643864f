// Hostile inputs (issue 7): what analysts feed plancmp by mistake. Each must end
// in a correct result (with warnings) or an InputError naming the file (exit
// status 2 from the command): never a crash, a hang or an unbounded allocation.
// Inputs are sized so every case runs in seconds, also under ASan.
#include <doctest/doctest.h>
#include <unicode/ucnv.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "plancmp/decode.h"
#include "plancmp/diagnostic.h"
#include "plancmp/normalize.h"
#include "plancmp/pipeline.h"
#include "test_support.h"

using namespace plancmp;
using plancmp_test::contains;
using plancmp_test::TempDir;

namespace {

// The body of the shared test plan (test_support.h), from its title line on.
const std::string kPlan = [] {
  const std::string text = plancmp_test::kPlanText;
  return text.substr(text.find("测试市大气污染防治行动方案\n一、"));
}();

std::string gb18030(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 2 + 16, '\0');
  const int32_t n = ucnv_convert("GB18030", "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                 utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  REQUIRE(U_SUCCESS(status));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool has_warning(const Document& doc, const std::string& code) {
  return std::any_of(doc.warnings.begin(), doc.warnings.end(),
                     [&](const Warning& w) { return w.code == code; });
}

// The extraction of `bytes` must be refused with an InputError whose message
// names `name` and contains `why`.
void check_refused(const std::string& bytes, const std::string& name, const std::string& why) {
  try {
    (void)extract_bytes(bytes, name);
    FAIL("expected an InputError for " << name);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    CHECK(msg.rfind(name + ":", 0) == 0);
    CHECK(contains(msg, why));
  }
}

void check_same_structure(const Document& a, const Document& b) {
  REQUIRE(a.sections.size() == b.sections.size());
  REQUIRE(a.clauses.size() == b.clauses.size());
  for (std::size_t i = 0; i < a.sections.size(); ++i) {
    CHECK(a.sections[i].title == b.sections[i].title);
    CHECK(a.sections[i].line == b.sections[i].line);
  }
  for (std::size_t i = 0; i < a.clauses.size(); ++i) {
    CHECK(a.clauses[i].title == b.clauses[i].title);
    CHECK(a.clauses[i].lead == b.clauses[i].lead);
  }
  CHECK(a.targets.size() == b.targets.size());
  CHECK(a.deadlines.size() == b.deadlines.size());
}

}  // namespace

TEST_CASE("hostile: an empty file is an empty document") {
  const Document doc = extract_bytes("", "empty.txt");
  CHECK(doc.document == "empty");
  CHECK(doc.sections.empty());
  CHECK(doc.clauses.empty());
  CHECK(doc.targets.empty());
  CHECK(doc.warnings.empty());
}

TEST_CASE("hostile: a whitespace-only file is an empty document") {
  const Document doc = extract_bytes(" \n\t\n   \r\n\n\r\n  \xE3\x80\x80\n", "blank.txt");
  CHECK(doc.encoding == "UTF-8");
  CHECK(doc.sections.empty());
  CHECK(doc.clauses.empty());
  CHECK(doc.targets.empty());
  CHECK(doc.deadlines.empty());
}

TEST_CASE("hostile: random bytes are refused as not text, naming the file") {
  std::mt19937 rng(7);
  std::string bytes(64 * 1024, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
  bytes[0] = 'x';  // no magic number to recognise
  check_refused(bytes, "random.txt", "not a text file");
}

TEST_CASE("hostile: random high bytes without controls give a result with warnings, not a crash") {
  // Bytes 0x80-0xFF only: no NUL or control to refuse, so it is "text" in some
  // encoding; whatever is chosen, the damage is reported.
  std::mt19937 rng(11);
  std::string bytes(32 * 1024, '\0');
  for (char& c : bytes) c = static_cast<char>(0x80 | (rng() & 0x7F));
  const Document doc = extract_bytes(bytes, "high.txt");
  CHECK_FALSE(doc.encoding.empty());
  CHECK(doc.sections.size() < 10);
}

TEST_CASE("hostile: an image renamed .txt is refused, naming the file and the format") {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  png += std::string(4096, '\x7f');
  check_refused(png, "scan.txt", "looks like a PNG image");
  check_refused(std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10) + std::string(100, 'a'), "photo.txt",
                "JPEG");
  check_refused("%PDF-1.7\n" + std::string(100, 'a'), "plan.txt", "PDF");
}

TEST_CASE("hostile: invalid UTF-8 mid-file is replaced and reported, the rest read intact") {
  const std::string clean = kPlan;
  const std::size_t mid = clean.find("落后产能");  // line 5, inside clause (一)
  const std::string damaged = clean.substr(0, mid) + "\xFF\xFE\xC3" + clean.substr(mid);
  const Document a = extract_bytes(clean, "clean.txt");
  const Document b = extract_bytes(damaged, "damaged.txt");
  CHECK(b.encoding == "UTF-8");
  check_same_structure(a, b);
  REQUIRE(has_warning(b, "invalid-bytes"));
  const auto w = std::find_if(b.warnings.begin(), b.warnings.end(),
                              [](const Warning& x) { return x.code == "invalid-bytes"; });
  CHECK(w->byte == static_cast<long long>(mid));
  CHECK(w->line == 5);
}

TEST_CASE("hostile: NUL bytes are refused with the offset of the first one") {
  std::string bytes = kPlan;
  bytes.insert(100, std::string("\0\0", 2));
  check_refused(bytes, "nul.txt", "NUL byte at byte 100");
}

TEST_CASE("hostile: GB18030 cut mid-character keeps everything before the cut") {
  const std::string full = gb18030(kPlan);
  const std::string lead = gb18030("安").substr(0, 1);  // first byte of a two-byte character
  const std::string cut = full + lead;
  const Document whole = extract_bytes(full, "whole.txt");
  const Document doc = extract_bytes(cut, "cut.txt");
  CHECK(doc.encoding == "GB18030");
  check_same_structure(whole, doc);
  REQUIRE(has_warning(doc, "invalid-bytes"));
  CHECK(doc.warnings.back().byte == static_cast<long long>(full.size()));

  // And cut in the middle of the file (a resumed download): one warning there.
  const std::size_t mid = full.size() / 2;
  const std::string spliced = full.substr(0, mid) + lead + full.substr(mid);
  const Document doc2 = extract_bytes(spliced, "spliced.txt");
  CHECK(has_warning(doc2, "invalid-bytes"));
  CHECK(doc2.sections.size() == whole.sections.size());
}

TEST_CASE("hostile: CRLF line ends give the same document as LF") {
  std::string crlf;
  for (char c : std::string(kPlan)) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const Document lf = extract_bytes(kPlan, "lf.txt");
  const Document dos = extract_bytes(crlf, "crlf.txt");
  check_same_structure(lf, dos);
  for (std::size_t i = 0; i < lf.targets.size() && i < dos.targets.size(); ++i) {
    CHECK(lf.targets[i].line == dos.targets[i].line);
    CHECK(lf.targets[i].quote == dos.targets[i].quote);
  }
  CHECK(dos.warnings.size() == lf.warnings.size());
}

TEST_CASE("hostile: a 10 MB single line is read whole") {
  // Prose without numbers: the line is decoded, normalized and searched whole.
  const std::string sentence = "各地要加强组织领导,落实工作责任,推动生态环境持续改善。";
  std::string line;
  while (line.size() < 10'000'000) line += sentence;
  line = "测试市行动方案\n" + line + "\n一、总体要求\n到2025年,森林覆盖率达到60%。\n";
  const Document doc = extract_bytes(line, "oneline.txt");
  REQUIRE(doc.sections.size() == 1);
  CHECK(doc.sections[0].title == "总体要求");
  CHECK(doc.sections[0].line == 3);  // line numbers survive the long line
  REQUIRE(doc.targets.size() == 1);
  CHECK(doc.targets[0].line == 4);
  CHECK(doc.targets[0].value == 60);
}

TEST_CASE("hostile: a long line dense with dated targets gives every target its own year") {
  // Regression: each target's year and each deadline's column and quote were
  // found by scanning every date and the line from its start, quadratic on a
  // one-line dump (a 10 MB line ran for over 15 minutes).
  std::string line;
  const int n = 3000;
  for (int i = 0; i < n; ++i)
    line += i % 2 == 0 ? "到2025年,森林覆盖率达到60%。" : "到2030年,森林覆盖率达到65%。";
  const Document doc = extract_bytes(line + "\n", "dense.txt");
  REQUIRE(doc.targets.size() == static_cast<std::size_t>(n));
  REQUIRE(doc.deadlines.size() == static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    CAPTURE(i);
    CHECK(doc.targets[static_cast<std::size_t>(i)].year == (i % 2 == 0 ? 2025 : 2030));
    CHECK(doc.targets[static_cast<std::size_t>(i)].line == 1);
    CHECK(doc.deadlines[static_cast<std::size_t>(i)].quote == (i % 2 == 0 ? "到2025年" : "到2030年"));
  }
  // Columns count code points from the start of the line.
  const std::size_t sentence_chars = 18;  // 到2025年,森林覆盖率达到60%。
  CHECK(doc.deadlines[1].column == static_cast<int>(sentence_chars) + 1);
  CHECK(doc.deadlines[static_cast<std::size_t>(n - 1)].column ==
        static_cast<int>(sentence_chars) * (n - 1) + 1);
}

TEST_CASE("hostile: columns on a long line are exact across the column checkpoints") {
  // Regression for the checkpointed column count (every 4096 source bytes).
  std::string source = "第一行\n";
  std::string line;
  for (int i = 0; i < 20000; ++i) line += (i % 3 == 0) ? "a" : (i % 3 == 1 ? "中" : "😀");
  source += line;
  const NormalizedText text = NormalizedText::build(source);
  const std::size_t line_start = source.find('\n') + 1;
  for (std::size_t byte : {line_start, line_start + 4095, line_start + 4096, std::size_t{8192},
                           std::size_t{8193}, std::size_t{40000}, source.size()}) {
    // Step back to a character start.
    while (byte < source.size() && (static_cast<unsigned char>(source[byte]) & 0xC0) == 0x80) --byte;
    CAPTURE(byte);
    int expected = 1;
    for (std::size_t i = line_start; i < byte; ++i)
      expected += (static_cast<unsigned char>(source[i]) & 0xC0) != 0x80;
    const SourcePosition pos = text.source_position(byte);
    CHECK(pos.line == 2);
    CHECK(pos.column == expected);
  }
}

TEST_CASE("hostile: 60,000 numbered items end in a result with a numbering-limit warning") {
  std::string text = "一、重点任务\n";
  for (int i = 1; i <= 60000; ++i)
    text += std::to_string(i) + ".推进第" + std::to_string(i) + "项工作。(市生态环境局负责)\n";
  const Document doc = extract_bytes(text, "items.txt");
  REQUIRE(doc.sections.size() == 1);
  // Markers read up to three digits (task.arabic), so items 1-999 are numbered
  // clauses; the check could not weigh 60,000 unnumbered readings and says so.
  CHECK(doc.clauses.size() == 999);
  CHECK(doc.clauses.back().id == 999);
  CHECK(doc.clauses.back().lead == std::vector<std::string>{"市生态环境局"});
  CHECK(has_warning(doc, "numbering-limit"));
}

TEST_CASE("hostile: the numbering-state budget is an option and keeps the printed numbers") {
  std::string text = "一、重点任务\n1.推进甲。(市林业局负责)\n2.推进乙。(市林业局负责)\n3.推进丙。(市林业局负责)\n";
  for (int i = 0; i < 50; ++i) text += "推进工作。(市生态环境局负责)\n";
  const Document normal = extract_bytes(text, "plan.txt");
  CHECK_FALSE(has_warning(normal, "numbering-limit"));
  ExtractOptions tight;
  tight.max_numbering_states = 100;
  const Document limited = extract_bytes(text, "plan.txt", tight);
  CHECK(has_warning(limited, "numbering-limit"));
  REQUIRE(limited.clauses.size() == 3);
  CHECK(limited.clauses[2].title == "推进丙");
  REQUIRE(normal.clauses.size() == 3);
  CHECK(normal.clauses[2].title == "推进丙");
}

TEST_CASE("hostile: 20,000 nested numbering levels") {
  // Dotted numbers 20,000 deep, and 20,000 bracketed numbers in a row.
  std::string dotted = "一、总则\n";
  for (int i = 0; i < 20000; ++i) dotted += i ? ".1" : "1";
  dotted += " 推进工作。\n二、保障\n(一)强化督查。\n";
  const Document a = extract_bytes(dotted, "dotted.txt");
  REQUIRE(a.sections.size() == 2);
  CHECK(a.sections[1].title == "保障");
  for (const Clause& c : a.clauses) CHECK((c.level >= 2 && c.level <= 9));

  std::string brackets = "一、总则\n";
  for (int i = 0; i < 20000; ++i) brackets += "(一)";
  brackets += "推进工作。\n";
  static const char* const kMarkers[] = {"一、", "(一)", "1.", "(1)", "①"};
  for (int level = 0; level < 20000; ++level) brackets += std::string(kMarkers[level % 5]) + "标题\n";
  const Document b = extract_bytes(brackets, "nested.txt");
  CHECK_FALSE(b.sections.empty());
  for (const Clause& c : b.clauses) {
    CHECK((c.level >= 2 && c.level <= 9));
    CHECK(c.parent_index < static_cast<int>(&c - b.clauses.data()));
  }
}

TEST_CASE("hostile: 100,000 open brackets do not hide the text after them") {
  // ASCII, full-width, and a mix of six kinds: 100,000 opening brackets each.
  for (const std::vector<std::string>& kinds :
       {std::vector<std::string>{"("}, std::vector<std::string>{"\xEF\xBC\x88"},  // U+FF08
        std::vector<std::string>{"(", "[", "{", "【", "《", "“"}}) {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += kinds[static_cast<std::size_t>(i) % kinds.size()];
    text += "\n一、主要目标\n到2025年,细颗粒物(PM2.5)年平均浓度不高于30微克/立方米。\n";
    const Document doc = extract_bytes(text, "brackets.txt");
    REQUIRE(doc.sections.size() == 1);
    CHECK(doc.sections[0].line == 2);
    REQUIRE(doc.targets.size() == 1);
    CHECK(doc.targets[0].value == 30);
    CHECK(doc.targets[0].year == 2025);
  }
}

TEST_CASE("hostile: a directory given as a file is refused naming it") {
  TempDir dir;
  std::filesystem::create_directories(dir.path / "plans.txt");
  const std::string path = (dir.path / "plans.txt").string();
  CHECK_THROWS_WITH_AS(extract_file(path), doctest::Contains((path + ": error: is a directory").c_str()),
                       InputError);
}

TEST_CASE("hostile: a missing file is refused naming it") {
  CHECK_THROWS_WITH_AS(extract_file("/nonexistent/plancmp/missing-2023.txt"),
                       doctest::Contains("missing-2023.txt: error: cannot open file"), InputError);
}

TEST_CASE("hostile: input over the size limit is refused before it is read whole") {
  ExtractOptions options;
  options.decode.max_input_bytes = 1000;
  CHECK_THROWS_WITH_AS(extract_bytes(std::string(2000, 'a'), "big.txt", options),
                       doctest::Contains("big.txt: error: file too large: 2000 bytes, over the input "
                                         "size limit of 1000 bytes"),
                       InputError);
  TempDir dir;
  const std::string path = dir.write("big.txt", std::string(2000, 'a')).string();
  CHECK_THROWS_WITH_AS(extract_file(path, options), doctest::Contains("file too large: 2000 bytes"),
                       InputError);
  // An endless device is cut off at the limit, not read into memory.
  options.decode.max_input_bytes = 1 << 20;
  CHECK_THROWS_WITH_AS(extract_file("/dev/zero", options),
                       doctest::Contains("/dev/zero: error: file too large"), InputError);
  // At the limit is fine; the default limit is generous.
  options.decode.max_input_bytes = 1000;
  CHECK_NOTHROW((void)extract_bytes(std::string(1000, 'a'), "ok.txt", options));
  CHECK(DecodeOptions{}.max_input_bytes == kDefaultMaxInputBytes);
  CHECK(kDefaultMaxInputBytes >= 10'000'000u + 1000u);  // the 10 MB line above fits
}

TEST_CASE("hostile: the command exits 2 naming a directory, a missing file and an image, never by a signal") {
  TempDir dir;
  std::filesystem::create_directories(dir.path / "folder.txt");
  dir.write("scan.txt", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\x01'));
  dir.write("nul.txt", std::string("abc\0def", 7));
  for (const std::string name : {"folder.txt", "absent.txt", "scan.txt", "nul.txt"}) {
    CAPTURE(name);
    const auto r = plancmp_test::run_plancmp(dir, "extract " + plancmp_test::shell_quote(name));
    CHECK(r.signal == 0);
    CHECK(r.status == kExitInputError);
    CHECK(contains(r.err, name));
    CHECK(contains(r.err, "error"));
  }
  // An empty file is a document, not an error.
  dir.write("empty.txt", "");
  const auto r = plancmp_test::run_plancmp(dir, "extract empty.txt");
  CHECK(r.status == 0);
  CHECK(contains(r.out, "schema: plancmp/1"));
}

TEST_CASE("hostile: thousands of nested numbered items keep their parents") {
  // Regression for the per-level binary search that finds an item's parent
  // (was a scan of every chosen item per candidate: 60,000 items took minutes).
  static const char* const kCn[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
  std::string text = "一、重点任务\n";
  for (int p = 1; p <= 10; ++p) {
    text += std::string("(") + kCn[p - 1] + ")加强第" + std::to_string(p) + "类工作。\n";
    for (int i = 1; i <= 300; ++i) text += std::to_string(i) + ".推进工作。(1)开展甲。(2)开展乙。\n";
  }
  const Document doc = extract_bytes(text, "nested-items.txt");
  REQUIRE(doc.clauses.size() == 10 + 10 * 300 * 3);
  int level2 = 0, level3 = 0;
  for (std::size_t i = 0; i < doc.clauses.size(); ++i) {
    const Clause& c = doc.clauses[i];
    CAPTURE(i);
    if (c.level == 2) {
      ++level2;
      CHECK(c.id == level2);
      CHECK(c.parent_index == -1);
      level3 = 0;
    } else if (c.level == 3) {
      ++level3;
      CHECK(c.id == level3);
      REQUIRE(c.parent_index >= 0);
      CHECK(doc.clauses[static_cast<std::size_t>(c.parent_index)].level == 2);
      CHECK(c.parent == level2);
    } else {
      REQUIRE(c.level == 4);
      REQUIRE(c.parent_index >= 0);
      CHECK(doc.clauses[static_cast<std::size_t>(c.parent_index)].level == 3);
      CHECK(c.parent == level3);
    }
  }
  CHECK(level2 == 10);
}
