// Writing result files safely (private to src/cli/): through a temporary file
// in the same folder and a rename, so a reader never sees half a file and an
// interrupted run leaves the old file (or none), never a fragment.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plancmp::cli {

// Writes `text` to `path` atomically. The temporary file (".<name>.tmp-XXXXXX"
// beside it) is removed on every failure, and also when SIGINT, SIGTERM or
// SIGHUP ends the process mid-write (see remove_temporaries_on_signals).
// Returns an empty string, or why it failed. Thread-safe.
std::string write_atomically(const std::string& path, std::string_view text);

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
