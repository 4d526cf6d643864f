// A one-line progress report on stderr for batches (private to src/cli/):
// files done, MB/s and time left, redrawn at most ten times a second, only
// when stderr is a terminal.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace plancmp::cli {

class Progress {
 public:
  // Shows nothing unless `enabled` (the caller checks --quiet and the batch
  // size) and stderr is a terminal.
  Progress(std::ostream& err, bool enabled, std::size_t files, std::uintmax_t bytes);
  ~Progress() { clear(); }

  // Whether the line is drawn at all (stderr a terminal, not --quiet, a batch).
  bool enabled() const { return enabled_; }
  // Called by workers when an input is finished (thread-safe).
  void finished(std::uintmax_t bytes) {
    files_done_.fetch_add(1, std::memory_order_relaxed);
    bytes_done_.fetch_add(bytes, std::memory_order_relaxed);
  }
  // Redraws the line if 100 ms have passed (call from one thread only).
  void tick();
  // Erases the line so that a message can be printed (call before writing to
  // stderr; the next tick redraws it).
  void clear();

  // "3.2 MB/s, 12 s left"-style pieces, exposed for tests.
  static std::string line(std::size_t files_done, std::size_t files, std::uintmax_t bytes_done,
                          std::uintmax_t bytes, double seconds);

 private:
  std::ostream& err_;
  bool enabled_;
  bool shown_ = false;
  std::size_t files_;
  std::uintmax_t bytes_;
  std::atomic<std::size_t> files_done_{0};
  std::atomic<std::uintmax_t> bytes_done_{0};
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace plancmp::cli
