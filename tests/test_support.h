// Helpers for tests that run the built plancmp binary on temporary files (the
// same as tests/cli_test.cc's, shared so new test files need not copy them).
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

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct RunResult {
  int status = -1;     // exit status; -1 when killed by a signal
  int signal = 0;      // the signal, when killed by one
  std::string out, err;
};

// Runs `plancmp ARGS` (ARGS already shell-quoted) in `dir`, stdin from /dev/null.
inline RunResult run_plancmp(const TempDir& dir, const std::string& args) {
  const fs::path out = dir.path / "stdout.txt";
  const fs::path err = dir.path / "stderr.txt";
  // exec: the status seen is the binary's own, a signal included.
  const std::string cmd = "cd " + shell_quote(dir.path.string()) + " && exec " +
                          shell_quote(PLANCMP_BINARY) + " " + args + " >" +
                          shell_quote(out.string()) + " 2>" + shell_quote(err.string()) +
                          " </dev/null";
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

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace plancmp_test
