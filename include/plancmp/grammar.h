// Rules as data: the YAML rule files of grammars/ (see grammars/README.md),
// compiled once into an immutable Grammar (RE2 objects inside; no third-party
// types here). Built-in copies of grammars/*.yaml are embedded in the binary;
// Grammar::load(dir) reads a directory whose files replace the built-in file of
// the same name. A malformed file or an invalid pattern throws InputError with
// `file:line:col: error: ...`.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace plancmp {

struct RuleExample {
  std::string file;      // grammar file the rule lives in
  std::string rule_id;
  std::string text;
  bool should_match = true;  // false for a counterexample
};

// Runs task(0) … task(count - 1), in any order and on any threads, and
// returns when all have finished (the tasks do not throw). Loading hands it
// one task per grammar file, so a caller with idle cores compiles the files'
// patterns side by side; empty: one after another on the calling thread.
using RunTasks = std::function<void(std::size_t count, const std::function<void(std::size_t)>& task)>;

class Grammar {
 public:
  struct Impl;  // compiled rules; defined in src/grammar_internal.h

  // Built on the first call (with that call's `run`) and shared afterwards.
  static std::shared_ptr<const Grammar> builtin(const RunTasks& run = {});
  static std::shared_ptr<const Grammar> load(const std::string& dir, const RunTasks& run = {});
  // From explicit file contents (name -> YAML text); names not given fall back
  // to the built-in file. Used by tests and by load(). Whatever `run` does,
  // the grammar and the error reported (the first bad file's) are the same.
  static std::shared_ptr<const Grammar> from_files(
      const std::map<std::string, std::string>& files,
      const std::string& dir_for_messages = "grammars", const RunTasks& run = {});

  std::vector<std::string> rule_ids() const;
  std::vector<RuleExample> examples() const;
  // Does rule `rule_id` match somewhere in `text` (after normalization)?
  bool rule_matches(const std::string& rule_id, std::string_view text) const;

  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

// The embedded grammars/*.yaml, by file name (generated at build time).
const std::map<std::string, std::string>& builtin_grammar_files();
// The embedded grammars/profiles/*.yaml (check profiles), by file name.
const std::map<std::string, std::string>& builtin_profile_files();

}  // namespace plancmp
