// See progress.h.
#include "progress.h"

#include <unistd.h>

#include <cmath>
#include <ostream>

#include <fmt/format.h>

namespace plancmp::cli {

Progress::Progress(std::ostream& err, bool enabled, std::size_t files, std::uintmax_t bytes)
    : err_(err),
      enabled_(enabled && isatty(STDERR_FILENO)),
      files_(files),
      bytes_(bytes),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

std::string Progress::line(std::size_t files_done, std::size_t files, std::uintmax_t bytes_done,
                           std::uintmax_t bytes, double seconds) {
  const double mb = 1e6;
  std::string out = fmt::format("plancmp: {}/{} files, {:.1f}/{:.1f} MB", files_done, files,
                                static_cast<double>(bytes_done) / mb, static_cast<double>(bytes) / mb);
  if (seconds > 0 && bytes_done > 0) {
    const double rate = static_cast<double>(bytes_done) / seconds;
    out += fmt::format(", {:.1f} MB/s", rate / mb);
    if (bytes > bytes_done) {
      const double left = static_cast<double>(bytes - bytes_done) / rate;
      out += left < 60 ? fmt::format(", {:.0f} s left", std::ceil(left))
                       : fmt::format(", {:.0f} min left", std::ceil(left / 60));
    }
  }
  return out;
}

void Progress::tick() {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // \r and "erase to end of line": the line is redrawn in place.
  err_ << '\r'
       << line(files_done_.load(std::memory_order_relaxed), files_,
               bytes_done_.load(std::memory_order_relaxed), bytes_, seconds)
       << "\x1b[K" << std::flush;
  shown_ = true;
}

void Progress::clear() {
  if (!shown_) return;
  err_ << "\r\x1b[K" << std::flush;
  shown_ = false;
}

}  // namespace plancmp::cli
