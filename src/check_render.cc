// Printing check findings: text, JSON, SARIF 2.1.0 (GitHub code scanning),
// JUnit XML (one testcase per requirement per file), GitHub workflow commands.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "markup.h"
#include "plancmp/check.h"
#include "plancmp/value.h"

namespace plancmp {

namespace {

// GitHub shows at most this many annotations of one kind per step.
constexpr std::size_t kGithubAnnotationsPerKind = 10;

std::vector<const Finding*> all_findings(const std::vector<CheckResult>& results) {
  std::vector<const Finding*> out;
  for (const CheckResult& r : results)
    for (const auto& [req, findings] : r.outcomes)
      for (const Finding& f : findings) out.push_back(&f);
  return out;
}

std::string full_message(const Finding& f) {
  return f.requirement_message.empty() ? f.message : f.message + " (" + f.requirement_message + ")";
}

std::string render_text(const std::vector<CheckResult>& results) {
  std::string out;
  for (const Finding* f : all_findings(results)) {
    out += f->file;
    if (f->line > 0) out += fmt::format(":{}", f->line);
    out += fmt::format(": {}: {} [{}]\n", severity_name(f->severity), full_message(*f), f->rule);
  }
  return out;
}

Value finding_value(const Finding& f) {
  return Value::object()
      .set("file", f.file)
      .set("line", f.line > 0 ? Value(f.line) : Value())
      .set("rule", f.rule)
      .set("severity", severity_name(f.severity))
      .set("message", f.message)
      .set("requirement", f.requirement_message);
}

std::string render_json(const std::vector<CheckResult>& results) {
  Value files = Value::array();
  for (const CheckResult& r : results) {
    Value reqs = Value::array();
    for (const auto& [req, findings] : r.outcomes) {
      Value list = Value::array();
      for (const Finding& f : findings) list.push(finding_value(f));
      reqs.push(Value::object().set("rule", req.id).set("passed", findings.empty()).set("findings", std::move(list)));
    }
    files.push(Value::object().set("file", r.file).set("document", r.document).set("requirements", std::move(reqs)));
  }
  Value findings = Value::array();
  for (const Finding* f : all_findings(results)) findings.push(finding_value(*f));
  return to_json_text(Value::object().set("files", std::move(files)).set("findings", std::move(findings)));
}

std::string sarif_level(Severity s) {
  return s == Severity::kError ? "error" : s == Severity::kWarning ? "warning" : "note";
}

std::string render_sarif(const std::vector<CheckResult>& results) {
  // Rules: every requirement once, with its profile's message as description.
  Value rules = Value::array();
  std::set<std::string> seen;
  for (const CheckResult& r : results)
    for (const auto& [req, findings] : r.outcomes) {
      if (!seen.insert(req.id).second) continue;
      std::string text = req.message.empty() ? req.id : req.message;
      rules.push(Value::object()
                     .set("id", req.id)
                     .set("name", req.id)
                     .set("shortDescription", Value::object().set("text", text))
                     .set("defaultConfiguration", Value::object().set("level", sarif_level(req.severity))));
    }
  Value out_results = Value::array();
  for (const Finding* f : all_findings(results)) {
    // GitHub needs a line on every result; findings about a whole plan point at line 1.
    Value region = Value::object().set("startLine", std::max(1, f->line));
    out_results.push(
        Value::object()
            .set("ruleId", f->rule)
            .set("level", sarif_level(f->severity))
            .set("message", Value::object().set("text", full_message(*f)))
            .set("locations", Value::array().push(Value::object().set(
                                  "physicalLocation", Value::object()
                                                          .set("artifactLocation", Value::object().set("uri", f->file))
                                                          .set("region", std::move(region))))));
  }
  Value driver = Value::object()
                     .set("name", "plancmp")
                     .set("version", PLANCMP_VERSION)
                     .set("rules", std::move(rules));
  return to_json_text(Value::object()
                          .set("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
                          .set("version", "2.1.0")
                          .set("runs", Value::array().push(Value::object()
                                                               .set("tool", Value::object().set("driver", std::move(driver)))
                                                               .set("results", std::move(out_results)))));
}


std::string render_junit(const std::vector<CheckResult>& results) {
  std::size_t tests = 0, failures = 0;
  std::string suites;
  for (const CheckResult& r : results) {
    std::size_t suite_failures = 0;
    std::string cases;
    for (const auto& [req, findings] : r.outcomes) {
      // A requirement fails its testcase when a finding reaches warning; notices are output.
      bool failed = std::any_of(findings.begin(), findings.end(),
                                [](const Finding& f) { return f.severity != Severity::kNotice; });
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", escape_markup(r.file), escape_markup(req.id));
      if (findings.empty()) {
        cases += "/>\n";
        continue;
      }
      cases += ">\n";
      std::string detail;
      for (const Finding& f : findings)
        detail += fmt::format("{}:{}: {}: {}\n", f.file, f.line, severity_name(f.severity), full_message(f));
      if (failed) {
        ++suite_failures;
        cases += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                             escape_markup(full_message(findings.front())), severity_name(findings.front().severity),
                             escape_markup(detail));
      } else {
        cases += fmt::format("      <system-out>{}</system-out>\n", escape_markup(detail));
      }
      cases += "    </testcase>\n";
    }
    tests += r.outcomes.size();
    failures += suite_failures;
    suites += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n{}  </testsuite>\n",
                          escape_markup(r.file), r.outcomes.size(), suite_failures, cases);
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"plancmp check\" tests=\"{}\" "
                     "failures=\"{}\">\n{}</testsuites>\n",
                     tests, failures, suites);
}

// Workflow-command escaping: data escapes % CR LF; properties also : and ,.
std::string gh_data(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '%') out += "%25";
    else if (ch == '\r') out += "%0D";
    else if (ch == '\n') out += "%0A";
    else out += ch;
  }
  return out;
}

std::string gh_property(const std::string& s) {
  std::string out;
  for (char ch : gh_data(s)) {
    if (ch == ':') out += "%3A";
    else if (ch == ',') out += "%2C";
    else out += ch;
  }
  return out;
}

std::string render_github(const std::vector<CheckResult>& results) {
  std::string out;
  std::map<Severity, std::size_t> counts;
  for (const Finding* f : all_findings(results)) {
    const char* command = f->severity == Severity::kError ? "error" : f->severity == Severity::kWarning ? "warning" : "notice";
    out += fmt::format("::{} file={}", command, gh_property(f->file));
    if (f->line > 0) out += fmt::format(",line={}", f->line);
    out += fmt::format(",title={}::{}\n", gh_property(f->rule), gh_data(full_message(*f)));
    ++counts[f->severity];
  }
  std::size_t hidden = 0;
  for (const auto& [sev, n] : counts) hidden += n > kGithubAnnotationsPerKind ? n - kGithubAnnotationsPerKind : 0;
  if (hidden > 0)
    out += fmt::format("::notice title=plancmp check::{} errors, {} warnings, {} notices; GitHub shows only {} "
                       "annotations of each kind per step: {} are listed in the log only "
                       "(plancmp check --format text prints them all)\n",
                       counts[Severity::kError], counts[Severity::kWarning], counts[Severity::kNotice],
                       kGithubAnnotationsPerKind, hidden);
  return out;
}

}  // namespace

std::string render(const std::vector<CheckResult>& results, CheckFormat format) {
  switch (format) {
    case CheckFormat::kText: return render_text(results);
    case CheckFormat::kJson: return render_json(results);
    case CheckFormat::kSarif: return render_sarif(results);
    case CheckFormat::kJunit: return render_junit(results);
    case CheckFormat::kGithub: return render_github(results);
  }
  return {};
}

}  // namespace plancmp
