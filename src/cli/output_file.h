// Writing result files safely (private to src/cli/): through a temporary file
// in the same folder and a rename, so a reader never sees half a file and an
// interrupted run leaves the old file (or none), never a fragment.
#pragma once
#include <string>
#include <string_view>

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

// Whether `a` and `b` name the same existing file (after links).
bool same_file(const std::string& a, const std::string& b);

}  // namespace plancmp::cli
