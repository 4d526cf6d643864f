// Running the built plancmp binary (PLANCMP_BINARY) from tests: temporary
// folders, shell quoting, captured stdout/stderr and exit status.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
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
           ("plancmp_cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& bytes) const {
    const fs::path p = path / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
};

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Result {
  int status = -1;
  std::string out, err;
};

// Runs `plancmp ARGS` (ARGS already shell-quoted) in `dir`, with optional
// stdin redirection, capturing stdout and stderr.
inline Result run(const TempDir& dir, const std::string& args, const std::string& stdin_file = {}) {
  const fs::path out = dir.path / "stdout.txt";
  const fs::path err = dir.path / "stderr.txt";
  std::string cmd = "cd " + quote(dir.path.string()) + " && " + quote(PLANCMP_BINARY) + " " +
                    args + " >" + quote(out.string()) + " 2>" + quote(err.string());
  cmd += stdin_file.empty() ? " </dev/null" : " <" + quote(stdin_file);
  const int rc = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace plancmp_test
