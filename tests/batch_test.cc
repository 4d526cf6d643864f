// Batches: folders and patterns as inputs, -j with output in input order,
// JSON Lines, atomic output files, inputs never overwritten, a bad file not
// stopping the others; and the helpers behind them (src/cli/).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <re2/re2.h>

#include <sys/stat.h>
#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/common.h"
#include "cli/inputs.h"
#include "cli/ordered_runner.h"
#include "cli/output_file.h"
#include "cli/progress.h"
#include "cli/spread_thread.h"
#include "test_support.h"

using namespace plancmp_test;
namespace cli = plancmp::cli;

namespace {

// kPlanText with its title city renamed, so each document is recognisable.
std::string plan_for(const std::string& city) {
  std::string text = kPlanText;
  for (std::size_t at; (at = text.find("测试市")) != std::string::npos;) text.replace(at, 9, city);
  return text;
}

// The files below `dir`, as sorted relative paths.
std::vector<std::string> files_below(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path().lexically_relative(dir).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> documents_in_jsonl(const std::string& text) {
  std::vector<std::string> docs;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const YAML::Node n = YAML::Load(line);  // JSON is YAML
    docs.push_back(n["document"].as<std::string>());
  }
  return docs;
}

}  // namespace

TEST_CASE("a folder argument takes every plan text below it, keeping the layout under -o") {
  TempDir dir;
  fs::create_directories(dir.path / "plans" / "north");
  fs::create_directories(dir.path / "plans" / ".hidden");
  dir.write("plans/a-2023.txt", plan_for("甲市"));
  dir.write("plans/north/b-2023.TXT", plan_for("乙市"));
  dir.write("plans/north/notes.md", plan_for("丙市"));
  dir.write("plans/north/scan.pdf", "%PDF-1.4 not text");
  dir.write("plans/.hidden/c-2023.txt", plan_for("丁市"));
  const Result r = run(dir, "extract plans -o out --quiet");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(files_below(dir.path / "out") ==
        std::vector<std::string>{"a-2023.yaml", "north/b-2023.yaml", "north/notes.yaml"});
}

TEST_CASE("a quoted pattern is expanded by plancmp, ** spanning folders") {
  TempDir dir;
  fs::create_directories(dir.path / "p" / "x" / "y");
  dir.write("p/top.txt", plan_for("甲市"));
  dir.write("p/x/y/deep.txt", plan_for("乙市"));
  dir.write("p/x/other.md", plan_for("丙市"));
  Result r = run(dir, "extract 'p/**/*.txt' --format jsonl --quiet");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(documents_in_jsonl(r.out) == std::vector<std::string>{"top", "deep"});
  r = run(dir, "extract 'p/*.txt' --format jsonl --quiet");
  CHECK(documents_in_jsonl(r.out) == std::vector<std::string>{"top"});
  r = run(dir, "extract 'p/*.docx' --quiet");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "p/*.docx: error: no file matches"));
}

TEST_CASE("-j N prints documents in input order whatever the thread count") {
  TempDir dir;
  std::string args;
  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    const std::string name = "plan-" + std::string(1, static_cast<char>('a' + (11 - i))) + ".txt";
    // Sizes differ so that workers finish out of order.
    std::string text = plan_for("市" + std::to_string(i));
    for (int k = 0; k < (i % 4) * 30; ++k) text += "(四)加强管理。完善制度建设。(市环保局负责)\n";
    dir.write(name, text);
    args += " " + name;
    expected.push_back(name.substr(0, name.size() - 4));
  }
  const Result one = run(dir, "extract" + args + " -j 1 --format jsonl");
  const Result three = run(dir, "extract" + args + " -j 3 --format jsonl");
  REQUIRE(one.status == 0);
  REQUIRE(three.status == 0);
  CHECK(documents_in_jsonl(three.out) == expected);
  CHECK(three.out == one.out);
  CHECK(three.err == one.err);  // warnings too, in input order
}

TEST_CASE("--format jsonl writes one JSON object per line, and refuses -o") {
  TempDir dir;
  dir.write("a.txt", plan_for("甲市"));
  dir.write("b.txt", plan_for("乙市"));
  const Result r = run(dir, "extract a.txt b.txt --format jsonl --quiet");
  REQUIRE(r.status == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
  CHECK(documents_in_jsonl(r.out) == std::vector<std::string>{"a", "b"});
  const Result refused = run(dir, "extract a.txt --format jsonl -o out");
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, "jsonl"));
}

TEST_CASE("a bad file in a batch is reported and the good ones are written, no temporaries left") {
  TempDir dir;
  dir.write("a.txt", plan_for("甲市"));
  dir.write("broken.txt", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(300, '\0'));
  dir.write("c.txt", plan_for("丙市"));
  const Result r = run(dir, "extract a.txt broken.txt missing.txt c.txt -j 2 -o out --quiet");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "broken.txt"));
  CHECK(contains(r.err, "missing.txt"));
  CHECK(files_below(dir.path / "out") == std::vector<std::string>{"a.yaml", "c.yaml"});
}

TEST_CASE("an output that would replace an input is refused, and same-named outputs get distinct names") {
  TempDir dir;
  fs::create_directories(dir.path / "one");
  fs::create_directories(dir.path / "two");
  dir.write("one/plan.txt", plan_for("甲市"));
  dir.write("two/plan.txt", plan_for("乙市"));
  Result r = run(dir, "extract one/plan.txt two/plan.txt -o out --quiet");
  CHECK(r.status == 0);
  CHECK(files_below(dir.path / "out") == std::vector<std::string>{"plan.2.yaml", "plan.yaml"});
  CHECK(contains(r.err, "plan.2.yaml"));
  // An input named like an output, in the output folder itself.
  const std::string before = plan_for("丙市");
  dir.write("out/plan.yaml", before);
  r = run(dir, "extract out/plan.yaml -o out --quiet");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "is an input file"));
  CHECK(slurp(dir.path / "out" / "plan.yaml") == before);
}

TEST_CASE("glob patterns become RE2 patterns over relative paths") {
  auto matches = [](const std::string& glob, const std::string& path) {
    return RE2::FullMatch(path, RE2(cli::glob_to_regex(glob)));
  };
  CHECK(matches("*.txt", "a.txt"));
  CHECK_FALSE(matches("*.txt", "x/a.txt"));
  CHECK(matches("**/*.txt", "a.txt"));
  CHECK(matches("**/*.txt", "x/y/a.txt"));
  CHECK(matches("plan-??.txt", "plan-01.txt"));
  CHECK_FALSE(matches("plan-??.txt", "plan-1.txt"));
  CHECK(matches("[ab]*.txt", "b1.txt"));
  CHECK_FALSE(matches("[!ab]*.txt", "b1.txt"));
  CHECK(matches("a+b(1).txt", "a+b(1).txt"));  // regex characters are literal
}

TEST_CASE("run_in_order hands results back in order with any number of workers") {
  for (int jobs : {1, 2, 5}) {
    std::vector<std::size_t> seen;
    cli::run_in_order<std::size_t>(
        50, jobs, [](std::size_t i) { return i * i; },
        [&](std::size_t i, std::size_t& r) {
          CHECK(r == i * i);
          seen.push_back(i);
        });
    std::vector<std::size_t> expected(50);
    for (std::size_t i = 0; i < 50; ++i) expected[i] = i;
    CHECK(seen == expected);
  }
}

TEST_CASE("run_in_order consumes on the calling thread and uses at most jobs threads, with or without a tick") {
  const std::thread::id caller = std::this_thread::get_id();
  for (const bool with_tick : {false, true}) {
    for (const int jobs : {2, 3}) {
      CAPTURE(with_tick);
      CAPTURE(jobs);
      std::mutex mu;
      std::set<std::thread::id> working;
      std::vector<std::size_t> seen;
      int ticks = 0;
      auto work = [&](std::size_t i) {
        // Some inputs are slow, so results arrive out of order.
        if (i % 5 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        std::lock_guard lock(mu);
        working.insert(std::this_thread::get_id());
        return i + 1;
      };
      auto consume = [&](std::size_t i, std::size_t& r) {
        CHECK(std::this_thread::get_id() == caller);
        CHECK(r == i + 1);
        seen.push_back(i);
      };
      std::function<void()> tick;
      if (with_tick) tick = [&] {
        CHECK(std::this_thread::get_id() == caller);
        ++ticks;
      };
      cli::run_in_order<std::size_t>(30, jobs, work, consume, tick);
      std::vector<std::size_t> expected(30);
      for (std::size_t i = 0; i < 30; ++i) expected[i] = i;
      CHECK(seen == expected);
      CHECK(working.size() <= static_cast<std::size_t>(jobs));
      // With a tick the calling thread only consumes and ticks (after every result).
      if (with_tick) {
        CHECK_FALSE(working.count(caller));
        CHECK(ticks >= 30);
      }
    }
  }
}

#ifdef __linux__
TEST_CASE("start_on_another_cpu runs the body free to use every CPU the process may use") {
  cpu_set_t process;
  REQUIRE(sched_getaffinity(0, sizeof process, &process) == 0);
  // Far past the CPU count: the index cycles over the CPUs.
  for (const std::size_t index : {std::size_t{0}, std::size_t{1}, std::size_t{1000}}) {
    cpu_set_t seen;
    CPU_ZERO(&seen);
    bool ran = false;
    std::thread t = cli::start_on_another_cpu(index, [&] {
      ran = true;
      pthread_getaffinity_np(pthread_self(), sizeof seen, &seen);
    });
    t.join();
    CHECK(ran);
    CHECK(CPU_EQUAL(&seen, &process));  // the start's pin is gone
  }
}

TEST_CASE("-j defaults to the CPUs the process may run on, not the machine's") {
  cpu_set_t process;
  REQUIRE(sched_getaffinity(0, sizeof process, &process) == 0);
  CHECK(cli::default_jobs() == CPU_COUNT(&process));
  // As under `taskset -c <one cpu>` (the set applies to this thread, which
  // is the one asking).
  std::thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &process)) {
        CPU_SET(cpu, &one);
        break;
      }
    REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);
    CHECK(cli::default_jobs() == 1);
  }).join();
}
#endif

TEST_CASE("a batch's second input, on a second worker, prepares the later stages first") {
  plancmp::ExtractOptions options;
  options.max_numbering_states = 1234;  // carried to every input
  const cli::BatchOptions two(options, 2);
  CHECK(two.jobs() == 2);
  CHECK_FALSE(two.for_input(0).prepare_late_stages_first);
  CHECK(two.for_input(1).prepare_late_stages_first);
  CHECK_FALSE(two.for_input(2).prepare_late_stages_first);
  for (std::size_t i : {0, 1, 2}) CHECK(two.for_input(i).max_numbering_states == 1234);
  // One worker: every input as given.
  const cli::BatchOptions one(options, 1);
  CHECK_FALSE(one.for_input(1).prepare_late_stages_first);
  CHECK(cli::BatchOptions(options, 0).jobs() == cli::default_jobs());
}

TEST_CASE("write_atomically replaces the file whole and leaves no temporary behind") {
  TempDir dir;
  const fs::path target = dir.path / "report.yaml";
  CHECK(cli::write_atomically(target.string(), "first\n").empty());
  CHECK(cli::write_atomically(target.string(), "second\n").empty());
  CHECK(slurp(target) == "second\n");
  CHECK(files_below(dir.path) == std::vector<std::string>{"report.yaml"});
  const std::string error = cli::write_atomically((dir.path / "no" / "such" / "x.yaml").string(), "x");
  CHECK_FALSE(error.empty());
  CHECK(files_below(dir.path) == std::vector<std::string>{"report.yaml"});
}

TEST_CASE("write_atomically creates files with the umask's mode, beside any name already taken") {
  TempDir dir;
  const mode_t mask = umask(027);  // a mask no default matches, to see it applied
  const fs::path target = dir.path / "plan.yaml";
  // A file already holding a temporary's prefix does not block the write.
  std::ofstream(dir.path / ".plan.yaml.tmp-000000") << "x";
  const std::string error = cli::write_atomically(target.string(), "body\n");
  umask(mask);
  CHECK(error.empty());
  struct stat st {};
  REQUIRE(stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  CHECK(slurp(target) == "body\n");
  CHECK(files_below(dir.path) == std::vector<std::string>{".plan.yaml.tmp-000000", "plan.yaml"});
}

TEST_CASE("the progress line gives files, megabytes, speed and time left") {
  const std::string line = cli::Progress::line(3, 10, 2'000'000, 10'000'000, 1.0);
  CHECK(contains(line, "3/10 files"));
  CHECK(contains(line, "2.0/10.0 MB"));
  CHECK(contains(line, "2.0 MB/s"));
  CHECK(contains(line, "4 s left"));
  CHECK_FALSE(contains(cli::Progress::line(10, 10, 5, 5, 1.0), "left"));
}

TEST_CASE("progress stays off when stderr is not a terminal") {
  TempDir dir;
  dir.write("a.txt", plan_for("甲市"));
  dir.write("b.txt", plan_for("乙市"));
  const Result r = run(dir, "extract a.txt b.txt -o out");
  CHECK(r.status == 0);
  CHECK_FALSE(contains(r.err, "files,"));
  CHECK_FALSE(contains(r.err, "\r"));
}

TEST_CASE("--max-input-mb refuses a larger input by name with status 2 and still writes the others") {
  TempDir dir;
  dir.write("small.txt", plan_for("甲市"));
  std::string big = plan_for("乙市");
  while (big.size() < 1'200'000) big += big;
  dir.write("big.txt", big);
  const Result r = run(dir, "extract small.txt big.txt --max-input-mb 1 -o out --quiet");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "big.txt: error: file too large"));
  CHECK(files_below(dir.path / "out") == std::vector<std::string>{"small.yaml"});
  const Result allowed = run(dir, "extract big.txt --max-input-mb 2 -o out2 --quiet");
  CHECK(allowed.status == 0);
}
