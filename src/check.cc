// Stage 7: profiles and the check of one plan against them. See include/plancmp/check.h
// and grammars/profiles/README.md.
#include "plancmp/check.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "plancmp/diagnostic.h"
#include "plancmp/grammar.h"
#include "yaml_error.h"
#include "yaml_load.h"

namespace plancmp {

std::string severity_name(Severity s) {
  switch (s) {
    case Severity::kNotice: return "notice";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

std::optional<Severity> parse_severity(const std::string& name) {
  if (name == "notice") return Severity::kNotice;
  if (name == "warning") return Severity::kWarning;
  if (name == "error") return Severity::kError;
  return std::nullopt;
}

namespace {

const std::vector<std::string> kStructuralRules = {"every-clause-has-lead", "every-target-has-deadline",
                                                   "numbering-intact"};

struct ProfileFile {
  std::string path;
  std::string text;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    throw_at_mark(path, text, node.Mark(), message);
  }
};

// `indicator: X` or `indicator: [X, Y]` (any of them satisfies the requirement).
std::vector<std::string> indicator_names(const ProfileFile& f, const YAML::Node& node) {
  std::vector<std::string> names;
  if (node.IsScalar()) names.push_back(node.as<std::string>());
  else if (node.IsSequence())
    for (const auto& n : node) names.push_back(n.as<std::string>());
  else
    f.fail(node, "`indicator` must be a name or a list of names");
  if (names.empty()) f.fail(node, "`indicator` must name at least one indicator");
  return names;
}

Requirement parse_requirement(const ProfileFile& f, const YAML::Node& node, const std::string& profile,
                              const Catalogue& catalogue) {
  if (!node.IsMap()) f.fail(node, "each requirement must be a map");
  Requirement r;
  r.profile = profile;
  if (const YAML::Node sev = node["severity"]) {
    auto s = parse_severity(sev.as<std::string>());
    if (!s) f.fail(sev, "`severity` must be error, warning or notice");
    r.severity = *s;
  }
  if (const YAML::Node msg = node["message"]) r.message = msg.as<std::string>();
  if (const YAML::Node rule = node["rule"]) {
    r.structural = rule.as<std::string>();
    if (std::find(kStructuralRules.begin(), kStructuralRules.end(), r.structural) == kStructuralRules.end())
      f.fail(rule, fmt::format("unknown rule `{}` (known: every-clause-has-lead, "
                               "every-target-has-deadline, numbering-intact)", r.structural));
    r.id = profile + "/" + r.structural;
    return r;
  }
  const YAML::Node ind = node["indicator"];
  if (!ind) f.fail(node, "a requirement needs `indicator` (or `rule` for a structural one)");
  std::vector<std::string> ids;
  for (const std::string& name : indicator_names(f, ind)) {
    const Indicator* found = catalogue.find(name);
    if (!found) f.fail(ind, fmt::format("unknown indicator `{}`: not a catalogue id or alias "
                                        "(see `plancmp indicators`)", name));
    ids.push_back(found->id);
  }
  r.indicator = ids.front();
  for (std::size_t k = 1; k < ids.size(); ++k) r.indicator += "|" + ids[k];
  r.id = node["id"] ? node["id"].as<std::string>() : profile + "/" + ids.front();
  if (const YAML::Node y = node["year"]) {
    try {
      r.year = y.as<int>();
    } catch (const YAML::Exception&) {
      f.fail(y, "`year` must be a year such as 2025");
    }
  }
  if (const YAML::Node ref = node["at_least_as_strict_as"]) {
    if (ref.IsScalar() && ref.as<std::string>() == "national") {
      const Indicator* first = catalogue.find(ids.front());
      if (!first->national_2025)
        f.fail(ref, fmt::format("`{}` has no national 2025 value in the catalogue", first->id));
      r.op = first->national_2025->op;
      r.value = first->national_2025->value;
      r.unit = first->national_2025->unit;
      if (!r.year) r.year = first->national_2025->year;
    } else if (ref.IsMap() && ref["op"] && ref["value"]) {
      r.op = ref["op"].as<std::string>();
      static const std::vector<std::string> ops = {"<=", ">=", "=", "~", "-", "+", "<", ">"};
      if (std::find(ops.begin(), ops.end(), *r.op) == ops.end())
        f.fail(ref["op"], "`op` must be one of <= >= = ~ - + < >");
      try {
        r.value = ref["value"].as<double>();
      } catch (const YAML::Exception&) {
        f.fail(ref["value"], "`value` must be a number");
      }
      if (ref["unit"]) r.unit = ref["unit"].as<std::string>();
    } else {
      f.fail(ref, "`at_least_as_strict_as` must be {op, value[, unit]} or `national`");
    }
  }
  return r;
}

bool is_change(const std::string& op) { return op == "-" || op == "+"; }

std::string describe(const std::string& op, double value, const std::string& unit) {
  std::string v = std::fabs(value - std::round(value)) < 1e-9 ? fmt::format("{}", static_cast<long long>(value))
                                                               : fmt::format("{}", value);
  if (op == "-") return "a decrease of " + v + unit;
  if (op == "+") return "an increase of " + v + unit;
  std::string sign = op == "<=" ? "≤" : op == ">=" ? "≥" : op == "~" ? "≈" : op;
  return sign + v + unit;
}

std::string indicator_label(const Catalogue& catalogue, const std::string& id) {
  const Indicator* ind = catalogue.find(id);
  return ind ? ind->name + " (" + id + ")" : id;
}

// Does target t meet requirement r's strictness? nullopt: not comparable.
std::optional<bool> strict_enough(const Requirement& r, const Target& t, const Catalogue& catalogue,
                                  std::string* why) {
  if (!r.op || !r.value) return true;
  const Indicator* ind = t.indicator_id ? catalogue.find(*t.indicator_id) : nullptr;
  // For an indicator that is itself a change (单位GDP二氧化碳排放下降率),
  // "下降率达到18%" and "下降18%" say the same.
  std::string target_op = t.op;
  if (ind && ind->measure == "change" && is_change(*r.op) && !is_change(t.op)) target_op = *r.op;
  if (is_change(*r.op) != is_change(target_op)) {
    *why = fmt::format("sets {} where the requirement is {}; not compared", describe(t.op, t.value, t.unit),
                       describe(*r.op, *r.value, r.unit));
    return std::nullopt;
  }
  std::optional<double> have = ind ? catalogue.to_canonical(*ind, t.value, t.unit) : std::optional<double>(t.value);
  std::optional<double> need = ind && !r.unit.empty() ? catalogue.to_canonical(*ind, *r.value, r.unit) : r.value;
  if (!have || !need) {
    *why = fmt::format("sets {} in a unit that does not convert to {}", describe(t.op, t.value, t.unit), r.unit);
    return std::nullopt;
  }
  if (is_change(*r.op) && target_op != *r.op) {
    *why = fmt::format("sets {} where the requirement is {}", describe(t.op, t.value, t.unit),
                       describe(*r.op, *r.value, r.unit));
    return false;
  }
  // "93%左右" tolerates a hair below; everything else must reach the value.
  const double slack = *r.op == "~" ? std::fabs(*need) * 0.01 : 1e-9;
  bool lower_better = !is_change(*r.op) && ind && ind->better == "lower";
  bool ok = lower_better ? *have <= *need + slack : *have >= *need - slack;
  if (!ok)
    *why = fmt::format("sets {}, looser than required ({})", describe(t.op, t.value, t.unit),
                       describe(*r.op, *r.value, r.unit));
  return ok;
}

Finding finding(const std::string& file, int line, const Requirement& r, Severity s, std::string message) {
  return {file, line, r.id, s, std::move(message), r.message};
}

std::vector<Finding> check_structural(const Requirement& r, const Document& doc, const std::string& file) {
  std::vector<Finding> out;
  if (r.structural == "every-clause-has-lead") {
    for (std::size_t i = 0; i < doc.clauses.size(); ++i) {
      const Clause& c = doc.clauses[i];
      // A group whose tasks carry the units is not a task itself.
      bool has_children = std::any_of(doc.clauses.begin(), doc.clauses.end(), [&](const Clause& d) {
        return d.parent_index == static_cast<int>(i) || (d.parent && d.level > c.level && *d.parent == c.id &&
                                                          d.section == c.section && d.parent_index < 0);
      });
      if (c.lead.empty() && !has_children)
        out.push_back(finding(file, c.line, r, r.severity,
                              fmt::format("clause {} \"{}\" names no lead unit", c.printed.empty() ? std::to_string(c.id) : c.printed, c.title)));
    }
  } else if (r.structural == "every-target-has-deadline") {
    for (const Target& t : doc.targets)
      if (!t.year)
        out.push_back(finding(file, t.line, r, r.severity,
                              fmt::format("target {} {} has no deadline year", t.indicator, describe(t.op, t.value, t.unit))));
  } else if (r.structural == "numbering-intact") {
    for (const Warning& w : doc.warnings)
      if (w.code == "numbering-repaired" || w.code == "numbering-gap")
        out.push_back(finding(file, w.line, r, r.severity, "numbering: " + w.message));
  }
  return out;
}

std::vector<Finding> check_indicator(const Requirement& r, const Document& doc, const std::string& file,
                                     const Catalogue& catalogue) {
  std::vector<std::string> ids;
  std::stringstream ss(r.indicator);
  for (std::string id; std::getline(ss, id, '|');) ids.push_back(id);
  std::vector<const Target*> matches;
  for (const Target& t : doc.targets)
    if (t.indicator_id && std::find(ids.begin(), ids.end(), *t.indicator_id) != ids.end()) matches.push_back(&t);
  const std::string label = indicator_label(catalogue, ids.front());
  if (matches.empty()) {
    std::string need = r.op && r.value ? " (required: " + describe(*r.op, *r.value, r.unit) +
                                             (r.year ? fmt::format(" by {}", *r.year) : std::string()) + ")"
                                       : "";
    return {finding(file, 0, r, r.severity, "sets no target for " + label + need)};
  }
  // The requirement holds when one target meets both the year and the value.
  std::vector<Finding> problems;
  for (const Target* t : matches) {
    std::string why;
    std::optional<bool> strict = strict_enough(r, *t, catalogue, &why);
    bool in_time = !r.year || (t->year && *t->year <= *r.year);
    if (strict.value_or(false) && in_time) return {};
    if (!in_time)
      problems.push_back(finding(file, t->line, r, r.severity,
                                 t->year ? fmt::format("{}: deadline {} is later than {}", label, *t->year, *r.year)
                                         : fmt::format("{}: target has no deadline; required by {}", label, *r.year)));
    if (!strict.has_value()) problems.push_back(finding(file, t->line, r, Severity::kNotice, label + ": " + why));
    else if (!*strict) problems.push_back(finding(file, t->line, r, r.severity, label + ": " + why));
  }
  // Only incomparable targets: say so, but do not fail the plan for it.
  return problems;
}

}  // namespace

std::vector<std::string> builtin_profile_names() {
  std::vector<std::string> names;
  for (const auto& [file, text] : builtin_profile_files())
    names.push_back(std::filesystem::path(file).stem().string());
  return names;
}

Profile load_profile(const std::string& name_or_path, const Catalogue& catalogue) {
  ProfileFile f;
  const auto& builtin = builtin_profile_files();
  if (auto it = builtin.find(name_or_path + ".yaml"); it != builtin.end()) {
    f = {"<built-in>/profiles/" + it->first, it->second};
  } else {
    std::ifstream in(name_or_path, std::ios::binary);
    if (!in) {
      std::string known;
      for (const auto& n : builtin_profile_names()) known += (known.empty() ? "" : ", ") + n;
      throw InputError(name_or_path, "no such profile (built-in profiles: " + known + ")");
    }
    f = {name_or_path, read_bounded(in, name_or_path, YamlLimits{}.max_file_bytes)};
  }
  // Any yaml-cpp error (syntax, or a value of the wrong shape) becomes a
  // positioned InputError: a profile is user input.
  try {
    YAML::Node root = load_yaml_bounded(f.path, f.text);
    if (!root.IsMap()) f.fail(root, "a profile must be a map with `requirements`");
    Profile p;
    p.name = root["name"] ? root["name"].as<std::string>() : std::filesystem::path(name_or_path).stem().string();
    if (root["description"]) p.description = root["description"].as<std::string>();
    const YAML::Node reqs = root["requirements"];
    if (!reqs || !reqs.IsSequence()) f.fail(root, "a profile needs a `requirements` list");
    for (const auto& node : reqs) p.requirements.push_back(parse_requirement(f, node, p.name, catalogue));
    return p;
  } catch (const YAML::Exception& e) {
    throw_at_mark(f.path, f.text, e.mark, e.msg);
  }
}

CheckResult check(const Document& doc, const std::string& file, const std::vector<Profile>& profiles,
                  const Catalogue& catalogue) {
  CheckResult result{file, doc.document, {}};
  for (const Profile& p : profiles)
    for (const Requirement& r : p.requirements)
      result.outcomes.emplace_back(r, r.structural.empty() ? check_indicator(r, doc, file, catalogue)
                                                            : check_structural(r, doc, file));
  return result;
}

}  // namespace plancmp
