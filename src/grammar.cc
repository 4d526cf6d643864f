// Loading and compiling grammars/*.yaml. See include/plancmp/grammar.h and
// grammars/README.md for the format.
#include "plancmp/grammar.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "canonicalize_tree.h"
#include "grammar_internal.h"
#include "yaml_error.h"
#include "yaml_load.h"
#include "markers.h"
#include "regex_shortcuts.h"
#include "plancmp/diagnostic.h"
#include "plancmp/normalize.h"

namespace plancmp {

namespace {

// Memory RE2 may use for one compiled pattern (and its DFA cache): a pattern
// whose repetitions blow past it ("\\pL{1000}") is refused as "pattern too
// large", never compiled into gigabytes.
constexpr int64_t kPatternMaxMem = 8 << 20;

// The loaders below read either kind of node: YAML::Node (a file from disk,
// or a built-in file when its pre-parsed tree cannot answer) or
// TreeView::Node (a built-in file's pre-parsed tree, canonicalize_tree.h),
// which answer alike. Rebuilding yaml-cpp nodes from the pre-parsed trees and
// walking them cost every start-up ~7M instructions.
struct FileContext {
  std::string path;  // for messages
  std::string text;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    throw_at_mark(path, text, node.Mark(), message);
  }
  // The pre-parsed form keeps no positions: the grammar is read again
  // through yaml-cpp, which reports the error where it stands.
  [[noreturn]] void fail(const TreeView::Node&, const std::string&) const { throw TreeViewFallback{}; }
};

int as_int(const YAML::Node& node) { return node.as<int>(); }
// A plain decimal only; anything else is left to yaml-cpp.
int as_int(const TreeView::Node& node) {
  const auto s = node.as<std::string_view>();
  int value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || s[0] == '-' || ec != std::errc() || end != s.data() + s.size()) throw TreeViewFallback{};
  return value;
}

template <class Node>
std::string required_string(const FileContext& f, const Node& node, const char* key) {
  const auto v = node[key];
  if (!v || !v.IsScalar()) f.fail(node, fmt::format("missing `{}`", key));
  return v.template as<std::string>();
}

template <class Node>
std::string optional_string(const Node& node, const char* key, const std::string& fallback) {
  const auto v = node[key];
  return v && v.IsScalar() ? v.template as<std::string>() : fallback;
}

RE2::Options pattern_options() {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kPatternMaxMem);
  return options;
}

template <class Node>
std::unique_ptr<RE2> compile(const FileContext& f, const Node& node) {
  const auto pattern = node["pattern"];
  if (!pattern || !pattern.IsScalar()) f.fail(node, "missing `pattern`");
  auto re = std::make_unique<RE2>(with_p_named_groups(pattern.template as<std::string>()), pattern_options());
  if (!re->ok()) f.fail(pattern, fmt::format("invalid pattern: {}", re->error()));
  return re;
}

// The pattern with every assertion on its surroundings (^ $ \b \B \A \z
// outside character classes; or only the `escapes` and `anchors` given)
// replaced by an empty group, or "" when the
// pattern holds something this scan does not follow (\Q quoting, nested
// brackets such as [:alpha:]).
std::string loosened(const std::string& p, const char* escapes = "bBAz", const char* anchors = "^$") {
  std::string out;
  for (std::size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size() && p[i + 1] != '\0' && std::strchr(escapes, p[i + 1]) != nullptr) {
      out += "(?:)";
      i += 2;
    } else if (c == '\\' || c == '[') {
      const std::size_t end = pattern_token_end(p, i);
      if (end == std::string::npos) return "";
      out.append(p, i, end - i);
      i = end;
    } else {
      if (c != '\0' && std::strchr(anchors, c) != nullptr) out += "(?:)";
      else out += c;
      ++i;
    }
  }
  return out;
}


}  // namespace

std::size_t pattern_token_end(std::string_view p, std::size_t i) {
  constexpr std::size_t kNone = std::string_view::npos;
  if (p[i] == '\\') {
    if (i + 1 >= p.size() || p[i + 1] == 'Q') return kNone;
    const char e = p[i + 1];
    if ((e == 'p' || e == 'P' || e == 'x') && i + 2 < p.size() && p[i + 2] == '{') {
      const std::size_t close = p.find('}', i + 2);  // \p{^Han}: its ^ is no anchor
      return close == kNone ? kNone : close + 1;
    }
    return i + 2;
  }
  // A class: "[", then "^" and a leading "]" (literal), up to its "]".
  std::size_t j = i + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;
  while (j < p.size()) {
    if (p[j] == ']') return j + 1;
    if (p[j] == '[') return kNone;
    j = p[j] == '\\' ? pattern_token_end(p, j) : j + 1;
    if (j == kNone) return kNone;
  }
  return kNone;
}

std::string with_p_named_groups(const std::string& p) {
  if (p.find("(?<") == std::string::npos) return p;
  std::string out;
  out.reserve(p.size() + 8);
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] == '\\' || p[i] == '[') {
      const std::size_t end = pattern_token_end(p, i);
      if (end == std::string::npos) return p;  // not followed: as written
      out.append(p, i, end - i);
      i = end;
    } else if (p.compare(i, 3, "(?<") == 0 && i + 3 < p.size() && p[i + 3] != '=' && p[i + 3] != '!') {
      out += "(?P<";  // (?<= and (?<! are lookbehinds, which RE2 refuses either way
      i += 3;
    } else {
      out += p[i++];
    }
  }
  return out;
}

bool pattern_asserts_text_end(const std::string& p) {
  // $ (with or without (?m): not told apart) and \z loosened away change it.
  const std::string loose = loosened(p, "z", "$");
  return loose.empty() || loose != p;
}

namespace {

template <class Node>
void collect_examples(const FileContext& f, const std::string& file_name, const Node& node,
                      const std::string& id, std::vector<RuleExample>& out) {
  for (const char* key : {"examples", "counterexamples"}) {
    const auto list = node[key];
    if (!list) continue;
    if (!list.IsSequence()) f.fail(list, fmt::format("`{}` must be a list", key));
    for (const auto& e : list)
      out.push_back({file_name, id, e.template as<std::string>(), std::string(key) == "examples"});
  }
}

template <class Node>
MarkerPosition parse_position(const FileContext& f, const Node& node) {
  std::string at = optional_string(node, "at", "boundary");
  if (at == "line_start") return MarkerPosition::kLineStart;
  if (at == "boundary") return MarkerPosition::kBoundary;
  if (at == "anywhere") return MarkerPosition::kAnywhere;
  if (at == "boundary_preferred") return MarkerPosition::kBoundaryPreferred;
  f.fail(node["at"],
         fmt::format("`at` is `{}`; expected line_start, boundary, boundary_preferred or anywhere", at));
}

template <class Node>
NumeralKind parse_numeral(const FileContext& f, const Node& node) {
  std::string kind = optional_string(node, "numeral", "none");
  if (kind == "chinese") return NumeralKind::kChinese;
  if (kind == "arabic") return NumeralKind::kArabic;
  if (kind == "circled") return NumeralKind::kCircled;
  if (kind == "none") return NumeralKind::kNone;
  f.fail(node["numeral"],
         fmt::format("`numeral` is `{}`; expected chinese, arabic, circled or none", kind));
}

template <class Node>
Fragment parse_fragment(const FileContext& f, const Node& node) {
  std::string kind = optional_string(node, "fragment", "exact");
  if (kind == "exact") return Fragment::kExact;
  if (kind == "prefix") return Fragment::kPrefix;
  if (kind == "suffix") return Fragment::kSuffix;
  f.fail(node["fragment"],
         fmt::format("`fragment` is `{}`; expected exact, prefix or suffix", kind));
}

template <class Node>
void load_numbering(const FileContext& f, const Node& root, Grammar::Impl& g) {
  const std::string file_name = "numbering.yaml";
  if (const auto conf = root["confusables"]) {
    if (!conf.IsMap()) f.fail(conf, "`confusables` must be a map");
    for (const auto& kv : conf)
      g.confusables.emplace_back(kv.first.template as<std::string>(), kv.second.template as<std::string>());
    std::stable_sort(g.confusables.begin(), g.confusables.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }
  if (const auto note = root["task_note"]) {
    g.task_note.id = required_string(f, note, "id");
    g.task_note.description = optional_string(note, "description", "");
    const auto pattern = note["pattern"];
    if (!pattern || !pattern.IsScalar()) f.fail(note, "missing `pattern`");
    g.task_note.pattern = with_p_named_groups(pattern.template as<std::string>());
    // The built-in file's pattern is known to compile (the tests compile
    // it): its regex is left to TaskNote::re().
    const auto builtin = builtin_grammar_files().find(file_name);
    if (builtin == builtin_grammar_files().end() || builtin->second != f.text) g.task_note.compiled = compile(f, note);
    g.task_note.options = pattern_options();
    collect_examples(f, file_name, note, g.task_note.id, g.examples);
  }
  const auto markers = root["markers"];
  if (!markers || !markers.IsSequence()) f.fail(root, "missing `markers` list");
  for (const auto& node : markers) {
    MarkerRule rule;
    rule.id = required_string(f, node, "id");
    rule.description = optional_string(node, "description", "");
    const auto level = node["level"];
    if (!level) f.fail(node, "missing `level`");
    rule.level = as_int(level);
    if (rule.level < 1 || rule.level > 9) f.fail(level, "`level` must be 1 to 9");
    rule.re = compile(f, node);
    rule.position = parse_position(f, node);
    rule.numeral = parse_numeral(f, node);
    rule.fragment = parse_fragment(f, node);
    rule.weight = node["weight"] ? node["weight"].template as<double>() : 1.0;
    rule.damaged = node["damaged"] && node["damaged"].template as<bool>();
    collect_examples(f, file_name, node, rule.id, g.examples);
    g.markers.push_back(std::move(rule));
  }
}

// The generic format (every file but numbering.yaml):
//   sets:  {name: [ {id, description, pattern, examples, counterexamples, <attr>: scalar...} ]}
//   lists: {name: [string, ...]}
template <class Node>
void load_rule_file(const FileContext& f, const std::string& file_name, const Node& root, Grammar::Impl& g) {
  RuleFile& out = g.files[file_name];
  if (!root.IsMap()) f.fail(root, "a grammar file must be a map");
  if (const auto lists = root["lists"]) {
    if (!lists.IsMap()) f.fail(lists, "`lists` must be a map of lists");
    for (const auto& kv : lists) {
      if (!kv.second.IsSequence()) f.fail(kv.second, "each list must be a YAML sequence");
      auto& list = out.lists[kv.first.template as<std::string>()];
      for (const auto& item : kv.second) list.push_back(item.template as<std::string>());
    }
  }
  const auto sets = root["sets"];
  if (!sets) return;
  if (!sets.IsMap()) f.fail(sets, "`sets` must be a map of rule lists");
  for (const auto& kv : sets) {
    const std::string set_name = kv.first.template as<std::string>();
    if (!kv.second.IsSequence()) f.fail(kv.second, fmt::format("set `{}` must be a list of rules", set_name));
    RuleSet& rs = out.sets[set_name];
    for (const auto& node : kv.second) {
      PatternRule rule;
      rule.id = required_string(f, node, "id");
      rule.description = optional_string(node, "description", "");
      rule.re = compile(f, node);
      for (const auto& field : node) {
        const std::string key = field.first.template as<std::string>();
        if (field.second.IsScalar() && key != "id" && key != "description" && key != "pattern")
          rule.attrs[key] = field.second.template as<std::string>();
      }
      rs.context_free = rs.context_free && pattern_context_free(node["pattern"].template as<std::string>());
      collect_examples(f, file_name, node, rule.id, g.examples);
      rs.rules.push_back(std::move(rule));
    }
  }
}

template <class Node>
void load_file(const FileContext& f, const std::string& name, const Node& root, Grammar::Impl& g) {
  if (name == "numbering.yaml") load_numbering(f, root, g);
  else load_rule_file(f, name, root, g);
}

// Moves what one file's loading produced into the grammar being built.
void merge_part(Grammar::Impl& part, Grammar::Impl& g) {
  for (MarkerRule& m : part.markers) g.markers.push_back(std::move(m));
  if (!part.confusables.empty()) g.confusables = std::move(part.confusables);
  if (!part.task_note.id.empty()) {  // field by field: its once_flag does not move
    TaskNote& from = part.task_note;
    g.task_note.id = std::move(from.id);
    g.task_note.description = std::move(from.description);
    g.task_note.pattern = std::move(from.pattern);
    g.task_note.options = from.options;
    g.task_note.compiled = std::move(from.compiled);
  }
  g.files.merge(part.files);
  for (RuleExample& e : part.examples) g.examples.push_back(std::move(e));
}

// `trees`: read the built-in files from their pre-parsed trees (yaml_tree.h);
// a TreeViewFallback then means "read them all again through yaml-cpp".
std::shared_ptr<const Grammar::Impl> compile_all(const std::map<std::string, std::string>& files,
                                                 const std::string& dir, bool trees, const RunTasks& run) {
  auto g = std::make_shared<Grammar::Impl>();
  auto source_of = [&](const std::string& name) -> FileContext {
    auto it = files.find(name);
    if (it != files.end()) return {dir + "/" + name, it->second};
    return {"<built-in>/" + name, builtin_grammar_files().at(name)};
  };
  // Every built-in file, plus any extra file the directory brings.
  std::vector<std::string> names;
  for (const auto& [name, text] : builtin_grammar_files()) names.push_back(name);
  for (const auto& [name, text] : files)
    if (!builtin_grammar_files().count(name)) names.push_back(name);
  // Each file is read into a part of its own (one task each, perhaps side by
  // side); the parts are then joined in file order, and so are errors: the
  // first bad file's error is the one thrown, as when read one by one.
  struct Part {
    std::string name;
    FileContext f;
    bool builtin = false;
    std::unique_ptr<Grammar::Impl> loaded;
    std::exception_ptr error;
  };
  std::vector<Part> parts;
  for (const std::string& name : names) {
    Part part{name, source_of(name), !files.count(name), nullptr, nullptr};
    g->raw_files[name] = part.f.text;
    g->file_paths[name] = part.f.path;
    if (part.builtin) g->builtin_files.insert(name);
    parts.push_back(std::move(part));
  }
  // Longest text first (a guess at the most patterns), so that side by side
  // the last file to finish is a short one.
  std::vector<std::size_t> by_size(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) by_size[i] = i;
  std::stable_sort(by_size.begin(), by_size.end(),
                   [&](std::size_t a, std::size_t b) { return parts[a].f.text.size() > parts[b].f.text.size(); });
  auto load_part = [&](std::size_t task) {
    Part& part = parts[by_size[task]];
    const FileContext& f = part.f;
    // indicators.yaml has a format of its own, read by the catalogue
    // (canonicalize.cc) when first needed; the built-in copy is known to be
    // valid YAML, so start-up does not parse it (a replacement still is, so a
    // broken file is reported on load).
    if (part.name == "indicators.yaml" && part.builtin) return;
    try {
      auto loaded = std::make_unique<Grammar::Impl>();
      try {
        const auto tree =
            part.builtin && trees ? builtin_yaml_trees().find(part.name) : builtin_yaml_trees().end();
        if (tree != builtin_yaml_trees().end()) {
          const TreeView view(tree->second);
          load_file(f, part.name, view.root(), *loaded);
        } else {
          load_file(f, part.name, part.builtin ? load_yaml_builtin(f.text) : load_yaml_bounded(f.path, f.text),
                    *loaded);
        }
      } catch (const YAML::ParserException& e) {
        throw_at_mark(f.path, f.text, e.mark, e.msg);
      } catch (const YAML::RepresentationException& e) {
        throw_at_mark(f.path, f.text, e.mark, e.msg);
      }
      part.loaded = std::move(loaded);
    } catch (...) {
      part.error = std::current_exception();
    }
  };
  if (run) run(parts.size(), load_part);
  else
    for (std::size_t i = 0; i < parts.size(); ++i) load_part(i);
  for (Part& part : parts) {
    if (part.error) std::rethrow_exception(part.error);
    if (part.loaded) merge_part(*part.loaded, *g);
  }
  for (const auto& [file, rf] : g->files)
    for (const auto& [name, words] : rf.lists)
      g->alternations[file + "/" + name] = std::make_unique<Grammar::Impl::LazyAlternation>();
  return g;
}

}  // namespace

bool pattern_context_free(const std::string& pattern) {
  const std::string loose = loosened(pattern);
  return !loose.empty() && loose == pattern;
}

std::shared_ptr<const Grammar> Grammar::from_files(const std::map<std::string, std::string>& files,
                                                   const std::string& dir_for_messages, const RunTasks& run) {
  auto grammar = std::make_shared<Grammar>();
  try {
    grammar->impl_ = compile_all(files, dir_for_messages, true, run);
  } catch (const TreeViewFallback&) {
    grammar->impl_ = compile_all(files, dir_for_messages, false, run);
  }
  return grammar;
}

std::shared_ptr<const Grammar> Grammar::builtin(const RunTasks& run) {
  // Never destroyed: freeing its regexes and their DFA caches at exit cost
  // every run ~3M instructions for nothing. Still reachable (a static
  // pointer), so leak checkers do not report it.
  static const auto* const instance = new std::shared_ptr<const Grammar>(from_files({}, "grammars", run));
  return *instance;
}

std::shared_ptr<const Grammar> Grammar::load(const std::string& dir, const RunTasks& run) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir, "not a grammar directory");
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".yaml") continue;
    if (!fs::is_regular_file(entry.path(), ec))
      throw InputError(entry.path().string(), "cannot read grammar file: not a regular file");
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) throw InputError(entry.path().string(), "cannot read grammar file");
    files[entry.path().filename().string()] =
        read_bounded(in, entry.path().string(), YamlLimits{}.max_file_bytes);
  }
  return from_files(files, dir, run);
}

std::vector<std::string> Grammar::rule_ids() const {
  std::vector<std::string> ids;
  if (!impl_->task_note.id.empty()) ids.push_back(impl_->task_note.id);
  for (const auto& m : impl_->markers) ids.push_back(m.id);
  for (const auto& [file, rf] : impl_->files)
    for (const auto& [name, set] : rf.sets)
      for (const auto& r : set.rules) ids.push_back(r.id);
  return ids;
}

const RE2::Set* RuleSet::set() const {
  std::call_once(lazy_set->once, [this] {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kPatternMaxMem);
    options.set_never_capture(true);  // which rules match, not their groups
    auto built = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    // Every pattern already compiled on its own with these options, so Add
    // cannot fail; Compile can, for a set over the memory budget.
    for (const PatternRule& r : rules)
      if (built->Add(without_group_names(r.re->pattern()), nullptr) < 0 && built->Add(r.re->pattern(), nullptr) < 0)
        return;
    if (built->Compile()) lazy_set->set = std::move(built);
  });
  return lazy_set->set.get();
}

std::vector<int> RuleSet::matching(std::string_view text) const {
  std::vector<int> hits;
  if (rules.empty()) return hits;
  const re2::StringPiece input(text.data(), text.size());
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  const RE2::Set* all = set();
  if (!all || (!all->Match(input, &hits, &error) && error.kind != RE2::Set::kNoError)) {
    // No set (too large to compile), or its DFA gave up (out of memory on a
    // huge paragraph): ask each rule instead (RE2 falls back to its NFA)
    // rather than silently find none.
    hits.clear();
    for (std::size_t i = 0; i < rules.size(); ++i)
      if (RE2::PartialMatch(input, *rules[i].re)) hits.push_back(static_cast<int>(i));
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

bool RuleSet::any(std::string_view text) const {
  if (rules.empty()) return false;
  if (const RE2::Set* all = set()) {
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    if (all->Match(re2::StringPiece(text.data(), text.size()), nullptr, &error)) return true;
    if (error.kind == RE2::Set::kNoError) return false;
    // Its DFA gave up (out of memory on a huge paragraph): matching() asks
    // each rule rather than answer "none".
  }
  return !matching(text).empty();
}

namespace {

// See RuleSet::closing_group. A scan of the pattern's brackets (escapes and
// character classes skipped); "" when in doubt.
std::string closing_group_of(const RE2& re) {
  const std::string& p = re.pattern();
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' || c == '[') {
      const std::size_t end = pattern_token_end(p, i);
      if (end == std::string::npos) return "";
      i = end - 1;
    } else if (c == '(') {
      open.push_back(i);
    } else if (c == ')') {
      if (open.empty()) return "";
      const std::size_t o = open.back();
      open.pop_back();
      const std::string rest = p.substr(i + 1);
      if (p.compare(o, 4, "(?P<") != 0 || !(rest.empty() || rest == "$")) continue;
      const std::size_t name_end = p.find('>', o);
      if (name_end == std::string::npos || name_end > i) return "";
      // Never empty: the group's own pattern does not match "".
      const std::string group = p.substr(name_end + 1, i - name_end - 1);
      if (may_match_empty(group, re.options())) return "";
      return p.substr(o + 4, name_end - o - 4);
    }
  }
  return "";
}

}  // namespace

const std::string& RuleSet::closing_group(std::size_t rule) const {
  std::call_once(closing->once, [&] {
    for (const PatternRule& r : rules) closing->names.push_back(closing_group_of(*r.re));
  });
  return closing->names[rule];
}

const RuleSet& Grammar::Impl::rule_set(const std::string& file, const std::string& set) const {
  static const RuleSet empty;
  auto f = files.find(file);
  if (f == files.end()) return empty;
  auto s = f->second.sets.find(set);
  return s == f->second.sets.end() ? empty : s->second;
}

const std::vector<std::string>& Grammar::Impl::list(const std::string& file, const std::string& name) const {
  static const std::vector<std::string> empty;
  auto f = files.find(file);
  if (f == files.end()) return empty;
  auto l = f->second.lists.find(name);
  return l == f->second.lists.end() ? empty : l->second;
}

const RE2* Grammar::Impl::list_alternation(const std::string& file, const std::string& name) const {
  auto it = alternations.find(file + "/" + name);
  if (it == alternations.end()) return nullptr;
  LazyAlternation& lazy = *it->second;
  std::call_once(lazy.once, [&] {
    const std::vector<std::string>& words = list(file, name);
    if (words.empty()) return;
    std::string pattern;
    for (const std::string& w : words) {
      if (!pattern.empty()) pattern += '|';
      pattern += RE2::QuoteMeta(w);
    }
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);  // bytes, like std::string::find
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(pattern, options);
    if (re->ok()) lazy.re = std::move(re);
  });
  return lazy.re.get();
}

const RE2& TaskNote::re() const {
  std::call_once(once, [this] {
    if (!compiled) compiled = std::make_unique<RE2>(pattern, options);
  });
  return *compiled;
}

std::vector<RuleExample> Grammar::examples() const { return impl_->examples; }

bool Grammar::rule_matches(const std::string& rule_id, std::string_view text) const {
  NormalizedText normalized = NormalizedText::build(text);
  if (rule_id == impl_->task_note.id)
    return RE2::PartialMatch(normalized.text(), impl_->task_note.re());
  for (const MarkerMatch& m : find_markers(*impl_, normalized.text()))
    if (m.rule->id == rule_id) return true;
  for (const auto& [file, rf] : impl_->files)
    for (const auto& [name, set] : rf.sets)
      for (const auto& r : set.rules)
        if (r.id == rule_id) return RE2::PartialMatch(normalized.text(), *r.re);
  return false;
}

}  // namespace plancmp
