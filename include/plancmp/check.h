// Stage 7: checking plans against profiles — a CI gate for plan drafts.
//
// A profile (YAML, see profiles/README.md) lists requirements: an indicator
// (catalogue id or any alias) a plan must set, optionally by a year and at
// least as strict as a reference {op, value}; and structural rules (every
// clause has a lead unit, every target a deadline, numbering intact). Each
// unmet requirement is a Finding with a severity; the exit status follows the
// worst severity against --fail-level.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "plancmp/canonicalize.h"
#include "plancmp/document.h"

namespace plancmp {

enum class Severity { kNotice = 0, kWarning = 1, kError = 2 };
std::string severity_name(Severity s);  // "notice" | "warning" | "error"
std::optional<Severity> parse_severity(const std::string& name);

struct Requirement {
  std::string id;                  // rule id in findings (e.g. "national-2025/good_air_quality_days_ratio")
  std::string indicator;           // catalogue id or alias; empty for structural rules
  std::string structural;          // every-clause-has-lead | every-target-has-deadline | numbering-intact
  std::optional<int> year;         // the target's deadline must be this year or earlier
  std::optional<std::string> op;   // at_least_as_strict_as
  std::optional<double> value;
  std::string unit;                // unit of `value` ("" = the indicator's canonical unit)
  Severity severity = Severity::kError;
  std::string message;             // shown with each finding
  std::string profile;             // name of the profile it came from
};

struct Profile {
  std::string name;
  std::string description;
  std::vector<Requirement> requirements;
};

// A built-in profile name ("national-2025", "structure") or a path to a YAML
// file. Throws InputError (file:line:col) for a malformed profile and for an
// unknown name that is not a readable file.
Profile load_profile(const std::string& name_or_path, const Catalogue& catalogue);
std::vector<std::string> builtin_profile_names();

struct Finding {
  std::string file;      // the plan as given on the command line
  int line = 0;          // 0 when the finding has no place in the text
  std::string rule;      // requirement id
  Severity severity = Severity::kError;
  std::string message;
  std::string requirement_message;  // the profile's own message, when it has one
};

// Per file and requirement: its findings (empty = passed). Ordered as the
// requirements are, so JUnit can print one testcase per requirement per file.
struct CheckResult {
  std::string file;
  std::string document;
  std::vector<std::pair<Requirement, std::vector<Finding>>> outcomes;  // copies: no dangling into profiles
};

CheckResult check(const Document& doc, const std::string& file, const std::vector<Profile>& profiles,
                  const Catalogue& catalogue);

enum class CheckFormat { kText, kJson, kSarif, kJunit, kGithub };
std::string render(const std::vector<CheckResult>& results, CheckFormat format);

}  // namespace plancmp
