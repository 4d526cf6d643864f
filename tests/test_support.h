// Helpers for tests that run the built plancmp binary on temporary files (the
// same as tests/cli_test.cc's, shared so new test files need not copy them).
#pragma once
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

namespace plancmp_test {

namespace fs = std::filesystem;

// A short plan in the shape of the corpus: title, sections 一、二、, numbered
// clauses with unit notes, a target and deadlines, issuer and date.
inline const char* kPlanText =
    "测试市人民政府办公室关于印发测试市大气污染防治行动方案的通知\n"
    "各县(区)人民政府,市政府各部门:\n"
    "现将《测试市大气污染防治行动方案》印发给你们,请认真贯彻落实。\n"
    "测试市人民政府办公室\n"
    "2023年5月10日\n"
    "测试市大气污染防治行动方案\n"
    "一、总体要求\n"
    "到2025年,细颗粒物(PM2.5)年平均浓度不高于30微克/立方米,空气质量优良天数比率达到90%以上。\n"
    "二、重点任务\n"
    "(一)推进工业污染治理。加快淘汰落后产能。(市工信局牵头,市生态环境局配合)\n"
    "(二)加强扬尘管控。2024年6月底前完成整治。(市住建局负责)\n"
    "三、保障措施\n"
    "(三)强化督查考核。每年开展考核。(市生态环境局牵头)\n";

// A fresh directory under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("plancmp_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path write(const std::string& name, const std::string& bytes) const {
    const fs::path p = path / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
};

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A small deterministic generator for random test inputs (no <random>
// distribution differences between standard libraries).
struct Lcg {
  unsigned long long state;
  unsigned next(unsigned n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>((state >> 33) % n);
  }
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The bundled plans and held-out passages (every .txt of corpus/ and
// bench/heldout*/passages/), sorted: real text for the tests that compare a
// fast path with the plain one.
inline std::vector<fs::path> sample_plan_files() {
  std::vector<fs::path> out;
  for (const char* dir : {"corpus", "bench/heldout/passages", "bench/heldout2/passages"}) {
    const fs::path path = fs::path(PLANCMP_SOURCE_DIR) / dir;
    if (!fs::exists(path)) continue;
    for (const auto& entry : fs::directory_iterator(path))
      if (entry.path().extension() == ".txt") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct RunResult {
  int status = -1;     // exit status; -1 when killed by a signal
  int signal = 0;      // the signal, when killed by one
  std::string out, err;
};

// Runs `plancmp ARGS` (ARGS already shell-quoted) in `dir`, stdin from
// `stdin_file` (default /dev/null), capturing stdout and stderr.
inline RunResult run_plancmp(const TempDir& dir, const std::string& args, const std::string& stdin_file = {}) {
  const fs::path out = dir.path / "stdout.txt";
  const fs::path err = dir.path / "stderr.txt";
  // exec: the status seen is the binary's own, a signal included.
  const std::string cmd = "cd " + shell_quote(dir.path.string()) + " && exec " +
                          shell_quote(PLANCMP_BINARY) + " " + args + " >" +
                          shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " <" +
                          (stdin_file.empty() ? std::string("/dev/null") : shell_quote(stdin_file));
  const int rc = std::system(cmd.c_str());
  RunResult r;
  if (WIFEXITED(rc)) {
    r.status = WEXITSTATUS(rc);
    // sh reports a child killed by signal N as 128+N.
    if (r.status > 128) r.signal = r.status - 128;
  } else if (WIFSIGNALED(rc)) {
    r.signal = WTERMSIG(rc);
  }
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// Shorter names the CLI tests use.
using Result = RunResult;
inline RunResult run(const TempDir& dir, const std::string& args, const std::string& stdin_file = {}) {
  return run_plancmp(dir, args, stdin_file);
}
inline std::string quote(const std::string& s) { return shell_quote(s); }

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace plancmp_test
