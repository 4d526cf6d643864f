// Writing result files safely (private to src/cli/): the whole file is
// written before it gets its name (an unnamed file linked into place, or a
// temporary file in the same folder and a rename), so a reader never sees
// half a file and an interrupted run leaves the old file (or none), never a
// fragment.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plancmp::cli {

// How write_atomically may write.
enum class WriteWay {
  // An unnamed file in the target's folder (O_TMPFILE), linked into place
  // once whole: no temporary name ever shows and a crash leaves nothing.
  // Where the file system or the process cannot (no O_TMPFILE, no linkat by
  // descriptor or through /proc), the named temporary below.
  kUnnamedFirst,
  // A named temporary file beside the target, renamed into place.
  kNamedTemporary,
};

// Writes `text` to `path` atomically, with mode 0666 less the umask (as the
// named way has always set it, a folder's default ACL notwithstanding). A temporary name (".<name>.tmp-XXXXXX" beside it) is
// removed on every failure, and also when SIGINT, SIGTERM or SIGHUP ends the
// process while it exists (see remove_temporaries_on_signals). Returns an
// empty string, or why it failed; `taken`, when given, is set to the way
// used. Thread-safe.
std::string write_atomically(const std::string& path, std::string_view text,
                             WriteWay way = WriteWay::kUnnamedFirst, WriteWay* taken = nullptr);

// Installs handlers for SIGINT, SIGTERM and SIGHUP that delete the temporary
// files being written, then end the process by the same signal. Call once,
// before starting threads that write.
void remove_temporaries_on_signals();

// The existing files among `paths` (after links), so that an output path
// can be checked against all of them with one stat: contains(p) is whether
// `p` names one of them.
class FileIdentities {
 public:
  explicit FileIdentities(const std::vector<std::string>& paths);
  bool contains(const std::string& path) const;

 private:
  std::set<std::pair<unsigned long long, unsigned long long>> ids_;  // (device, inode)
};

}  // namespace plancmp::cli
