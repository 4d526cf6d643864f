// See output_file.h.
#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

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
  char path[kPathMax];
};
std::array<Slot, kSlots> slots;

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

mode_t default_file_mode() {
  // umask can only be read by setting it: done once, before threads start
  // writing (remove_temporaries_on_signals is called first), then restored.
  static const mode_t mode = [] {
    const mode_t mask = umask(022);
    umask(mask);
    return static_cast<mode_t>(0666 & ~mask);
  }();
  return mode;
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

// Gives the unnamed file `fd` the name `path` (which must not exist):
// linkat by descriptor needs CAP_DAC_READ_SEARCH, through /proc/self/fd
// only /proc; the first way that works is remembered. errno as linkat
// leaves it; ENOTSUP when neither way works here.
bool link_unnamed(int fd, const char* path) {
  enum Way { kUnknown, kByDescriptor, kThroughProc, kNeither };
  static std::atomic<int> known{kUnknown};
  const int way = known.load(std::memory_order_relaxed);
  if (way == kUnknown || way == kByDescriptor) {
    if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0) {
      known.store(kByDescriptor, std::memory_order_relaxed);
      return true;
    }
    if (errno != ENOENT && errno != EPERM) return false;  // (ENOENT: no capability)
    if (way == kByDescriptor) return false;  // worked before: this ENOENT is the folder's
  }
  if (way != kNeither) {
    char proc[64];
    std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0) {
      known.store(kThroughProc, std::memory_order_relaxed);
      return true;
    }
    if (way == kThroughProc || (errno != ENOENT && errno != EPERM)) return false;
  }
  known.store(kNeither, std::memory_order_relaxed);
  errno = ENOTSUP;
  return false;
}

// A temporary name beside the target for the file `fd`, then a rename over
// the target (linkat cannot replace a file). The name is registered in
// `slot` while it exists.
std::string link_over(int fd, const std::string& temp_pattern, const std::string& path, Slot* slot, char* name) {
  static std::atomic<unsigned> counter{0};
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::size_t x_at = temp_pattern.size() - 6;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::memcpy(name, temp_pattern.c_str(), temp_pattern.size() + 1);
    unsigned v = counter.fetch_add(1) * 2654435761u ^ static_cast<unsigned>(getpid()) * 40503u ^
                 static_cast<unsigned>(attempt) * 97u;
    for (std::size_t k = 0; k < 6; ++k, v /= 36) name[x_at + k] = kChars[v % 36];
    if (link_unnamed(fd, name)) {
      // Registered once it is ours (a link that failed on EEXIST names
      // another's file, which a signal must not remove).
      if (slot) slot->live.store(true);
      if (std::rename(name, path.c_str()) == 0) return "";
      const std::string why = std::strerror(errno);
      unlink(name);
      return why;
    }
    if (errno != EEXIST) return std::strerror(errno);
  }
  return "no free temporary name";
}

// The unnamed way (WriteWay::kUnnamedFirst): fewer steps than a named
// temporary (no rename, no fchmod: open applies the umask), and nothing to
// clean up if the process dies before the link. nullopt: not possible here
// (no O_TMPFILE on this file system or kernel, no way to link, or a
// missing folder, which the named way reports); otherwise "" or the error.
std::optional<std::string> write_unnamed(const std::string& folder, const std::string& path, std::string_view text,
                                         const std::string& temp_pattern, Slot* slot, char* name) {
  const int fd = open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> error = "";
  // The mode as the named way sets it: a folder's default ACL would
  // otherwise replace the umask (open applies one or the other).
  if (fchmod(fd, default_file_mode()) != 0 || !write_all(fd, text)) {
    error = std::strerror(errno);
  } else if (!link_unnamed(fd, path.c_str())) {
    if (errno == EEXIST) error = link_over(fd, temp_pattern, path, slot, name);
    else if (errno == ENOTSUP) error = std::nullopt;
    else error = std::strerror(errno);
  }
  if (close(fd) != 0 && error && error->empty()) error = std::strerror(errno);
  return error;
}

}  // namespace

void remove_temporaries_on_signals() {
  (void)default_file_mode();
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, on_fatal_signal);
}

std::string write_atomically(const std::string& path, std::string_view text, WriteWay way, WriteWay* taken) {
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

  if (way == WriteWay::kUnnamedFirst) {
    if (std::optional<std::string> error = write_unnamed(folder.string(), path, text, temp, slot, name)) {
      release_slot(slot);
      if (taken) *taken = WriteWay::kUnnamedFirst;
      return *error;
    }
  }
  if (taken) *taken = WriteWay::kNamedTemporary;

  std::memcpy(name, temp.c_str(), temp.size() + 1);
  const int fd = mkstemp(name);
  if (fd < 0) {
    const std::string why = std::strerror(errno);
    release_slot(slot);
    return why;
  }
  if (slot) slot->live.store(true);

  std::string error;
  if (fchmod(fd, default_file_mode()) != 0 || !write_all(fd, text)) error = std::strerror(errno);
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
