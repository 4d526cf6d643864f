// See output_file.h.
#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>

namespace plancmp::cli {
namespace {

// Paths of temporary files being written, readable from a signal handler:
// fixed buffers, each claimed through an atomic flag. A writer that finds no
// free slot still writes atomically, only without cleanup on a signal.
constexpr std::size_t kSlots = 256;
constexpr std::size_t kPathMax = 4096;
struct Slot {
  std::atomic<bool> claimed{false};
  std::atomic<bool> live{false};  // `path` names a file that exists
  char path[kPathMax] = {};
};
// constinit: zeroed in .bss at load. Left to a start-up initializer (as
// clang did without it), setting the flags touched all 1 MB: 256 page
// faults in every run.
constinit std::array<Slot, kSlots> slots{};

Slot* claim_slot() {
  for (Slot& s : slots) {
    bool expected = false;
    if (s.claimed.compare_exchange_strong(expected, true)) return &s;
  }
  return nullptr;
}

void release_slot(Slot* s) {
  if (!s) return;
  s->live.store(false);
  s->claimed.store(false);
}

extern "C" void on_fatal_signal(int sig) {
  for (Slot& s : slots)
    if (s.live.load()) unlink(s.path);  // async-signal-safe
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// Opens a new temporary file at `name`, whose last six characters are
// replaced by a name no file in the folder has (O_EXCL): mkstemp's contract,
// but created with mode 0666, which the kernel reduces by the umask (or by
// the folder's default ACL, if it has one) exactly as for a file plancmp
// would create directly or a shell's `>`, so no fchmod is needed after it
// (one system call fewer per output file). Returns the descriptor, or -1
// with errno set.
int open_new_temporary(char* name, std::size_t length) {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t seed = static_cast<std::uint64_t>(getpid()) * 0x9E3779B97F4A7C15ull;
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::uint64_t v = seed + counter.fetch_add(1, std::memory_order_relaxed) * 0xBF58476D1CE4E5B9ull;
    v ^= v >> 31;
    for (std::size_t i = length - 6; i < length; ++i, v /= 36) name[i] = kDigits[v % 36];
    const int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

void remove_temporaries_on_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, on_fatal_signal);
}

std::string write_atomically(const std::string& path, std::string_view text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp_name = ".";  // built by appends: GCC 12 warns falsely on "." + string
  temp_name += target.filename().string();
  temp_name += ".tmp-XXXXXX";
  const std::string temp = (folder / temp_name).string();
  if (temp.size() >= kPathMax) return "path too long";

  Slot* slot = claim_slot();
  char local[kPathMax];
  char* name = slot ? slot->path : local;
  std::memcpy(name, temp.c_str(), temp.size() + 1);
  const int fd = open_new_temporary(name, temp.size());
  if (fd < 0) {
    const std::string why = std::strerror(errno);
    release_slot(slot);
    return why;
  }
  if (slot) slot->live.store(true);

  std::string error;
  if (!write_all(fd, text)) error = std::strerror(errno);
  if (close(fd) != 0 && error.empty()) error = std::strerror(errno);
  if (error.empty() && std::rename(name, path.c_str()) != 0) error = std::strerror(errno);
  if (!error.empty()) unlink(name);
  release_slot(slot);
  return error;
}

FileIdentities::FileIdentities(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0) ids_.emplace(st.st_dev, st.st_ino);
  }
}

bool FileIdentities::contains(const std::string& path) const {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && ids_.count({st.st_dev, st.st_ino}) > 0;
}

}  // namespace plancmp::cli
