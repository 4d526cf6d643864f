// `plancmp extract`: see extract.h.
#include "extract.h"

#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <system_error>

#include "commands.h"
#include "common.h"
#include "inputs.h"
#include "ordered_runner.h"
#include "output_file.h"
#include "progress.h"
#include "plancmp/diagnostic.h"
#include "plancmp/document.h"
#include "plancmp/grammar.h"
#include "plancmp/output.h"
#include "plancmp/pipeline.h"

namespace plancmp::cli {
namespace {

namespace fs = std::filesystem;

// `file:line:col: warning: message` (line and column left out when unknown).
void print_warning(std::ostream& err, const std::string& file, const Warning& w) {
  err << file;
  if (w.line > 0) {
    err << ':' << w.line;
    if (w.column > 0) err << ':' << w.column;
  }
  err << ": warning: " << w.message << '\n';
}

// Every line of `text` indented by two spaces (JSON strings hold no raw
// newlines, so this only moves structure).
std::string indent_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool at_line_start = true;
  for (char c : text) {
    if (at_line_start && c != '\n') out += "  ";
    out += c;
    at_line_start = c == '\n';
  }
  return out;
}

// --explain: one line per extracted item, `file:line:col: kind [rule] what`,
// the rule id that produced it and where it stands in the source.
void explain(std::ostream& err, const std::string& file, const Document& doc) {
  auto at = [&](int line, int column) { return file + ":" + std::to_string(line) + ":" + std::to_string(column); };
  for (const Section& s : doc.sections)
    err << at(s.line, s.column) << ": section " << s.n << " [" << s.rule << "] printed \"" << s.printed
        << "\" " << s.title << '\n';
  for (const Clause& c : doc.clauses) {
    err << at(c.line, c.column) << ": clause " << c.id << " [" << c.rule << "] printed \"" << c.printed
        << "\" " << c.title << '\n';
    if (!c.units_rule.empty())
      err << at(c.line, c.column) << ":   units [" << c.units_rule << "] \"" << c.units_quote << "\"\n";
  }
  for (const Target& t : doc.targets) {
    err << at(t.line, t.column) << ": target [" << t.rule << "] " << t.indicator << ' ' << t.op << ' '
        << t.value << t.unit;
    if (t.year) err << " by " << *t.year;
    if (t.baseline_year) err << " from " << *t.baseline_year;
    err << " \"" << t.quote << "\"\n";
  }
  for (const Deadline& d : doc.deadlines)
    err << at(d.line, d.column) << ": deadline [" << d.rule << "] " << d.kind << ' ' << d.date << " \""
        << d.quote << "\"\n";
}

std::string strip_final_newline(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// What one worker hands back for one input.
struct ExtractResult {
  bool ok = false;
  std::string output;    // the rendered document, for stdout (empty with -o)
  std::string messages;  // warnings, --explain lines and errors, for stderr
};

// Where each input's output goes under -o DIR: DIR/<output_name>.<ext>, made
// unique (a second "plan" becomes "plan.2") and never an input file.
struct OutputPlan {
  std::vector<std::string> paths;  // empty string: nothing may be written
  std::vector<std::string> notes;  // per input, a message for stderr
};

OutputPlan plan_outputs(const std::vector<Input>& inputs, const std::string& dir, const char* extension) {
  OutputPlan plan;
  std::set<std::string> taken;
  std::vector<std::string> input_paths;
  for (const Input& in : inputs)
    if (in.path != "-") input_paths.push_back(in.path);
  const FileIdentities input_files(input_paths);  // one stat per input, not one per pair
  for (const Input& in : inputs) {
    std::string note;
    fs::path target = fs::path(dir) / (in.output_name + extension);
    for (int n = 2; !taken.insert(target.lexically_normal().string()).second; ++n) {
      const fs::path again = fs::path(dir) / (in.output_name + "." + std::to_string(n) + extension);
      note = "plancmp: " + in.path + ": warning: " + target.string() + " is the output of an earlier input; writing " +
             again.string() + "\n";
      target = again;
    }
    if (input_files.contains(target.string())) {
      note = "plancmp: " + in.path + ": error: output " + target.string() + " is an input file; not overwritten\n";
      target.clear();
    }
    plan.paths.push_back(target.string());
    plan.notes.push_back(note);
  }
  return plan;
}

// Creates DIR and every folder below it the outputs need (on one thread,
// before the workers start). Returns an error message or "".
std::string make_output_folders(const std::string& dir, const OutputPlan& plan) {
  std::set<fs::path> folders{fs::path(dir)};
  for (const std::string& p : plan.paths)
    if (!p.empty()) folders.insert(fs::path(p).parent_path());
  for (const fs::path& folder : folders) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(folder))
      return "plancmp: " + folder.string() + ": error: cannot create output directory" +
             (ec ? ": " + ec.message() : std::string()) + "\n";
  }
  return "";
}

OutputFormat format_of(const std::string& name) {
  if (name == "json") return OutputFormat::kJson;
  if (name == "jsonl") return OutputFormat::kJsonLines;
  return OutputFormat::kYaml;
}

}  // namespace

int run_extract(const ExtractArgs& args, std::ostream& out, std::ostream& err) {
  const OutputFormat format = format_of(args.format);
  const char* extension = format == OutputFormat::kYaml ? ".yaml" : ".json";
  if (format == OutputFormat::kJsonLines && !args.out_dir.empty()) {
    err << "plancmp: error: --format jsonl streams to stdout; use --format json with -o DIR\n";
    return kExitInputError;
  }

  ExtractOptions options;
  if (!make_extract_options(args.read, options, err)) return kExitInputError;

  int status = kExitOk;
  const InputList list = expand_inputs(args.files, plan_text_filter());
  for (const std::string& e : list.errors) err << "plancmp: " << e << '\n';
  if (!list.errors.empty()) status = kExitInputError;
  const std::vector<Input>& inputs = list.inputs;
  if (inputs.empty()) return kExitInputError;

  OutputPlan plan;
  if (!args.out_dir.empty()) {
    plan = plan_outputs(inputs, args.out_dir, extension);
    if (std::string e = make_output_folders(args.out_dir, plan); !e.empty()) {
      err << e;
      return kExitInputError;
    }
    remove_temporaries_on_signals();
  }

  std::uintmax_t total_bytes = 0;
  for (const Input& in : inputs) total_bytes += in.size;
  Progress progress(err, !args.quiet && inputs.size() > 1, inputs.size(), total_bytes);

  const BatchOptions batch(options, args.read.jobs);
  auto work = [&](std::size_t i) {
    const Input& in = inputs[i];
    ExtractResult r;
    std::ostringstream messages;
    if (!args.out_dir.empty()) messages << plan.notes[i];
    try {
      const Document doc = extract_file(in.path, batch.for_input(i));
      const std::string& name = doc.source.empty() ? in.path : doc.source;
      if (!args.quiet)
        for (const Warning& w : doc.warnings) print_warning(messages, name, w);
      if (args.explain) explain(messages, name, doc);
      std::string text = render(doc, format);
      if (args.out_dir.empty()) {
        r.output = std::move(text);
        r.ok = true;
      } else if (!plan.paths[i].empty()) {
        const std::string error = write_atomically(plan.paths[i], text);
        r.ok = error.empty();
        if (!r.ok) messages << "plancmp: " << plan.paths[i] << ": error: cannot write: " << error << '\n';
      }
    } catch (const InputError& e) {
      messages << "plancmp: " << e.what() << '\n';
    } catch (const std::exception& e) {
      messages << "plancmp: " << in.path << ": error: internal error: " << e.what() << '\n';
    }
    r.messages = messages.str();
    progress.finished(in.size);
    return r;
  };

  // stdout: YAML documents separated by "---"; JSON one object, or an array
  // of them for several inputs; JSON Lines one object per line.
  const bool json_array = format == OutputFormat::kJson && inputs.size() > 1;
  int printed = 0;
  if (json_array && args.out_dir.empty()) out << '[';
  auto consume = [&](std::size_t, ExtractResult& r) {
    if (!r.messages.empty()) {
      progress.clear();
      err << r.messages << std::flush;
    }
    if (!r.ok) status = kExitInputError;
    if (r.output.empty()) return;
    if (json_array) {
      out << (printed ? ",\n" : "\n") << indent_lines(strip_final_newline(r.output));
    } else {
      if (printed && format == OutputFormat::kYaml) out << "---\n";
      out << r.output;
    }
    ++printed;
    if (format == OutputFormat::kJsonLines) out.flush();  // a stream: each line as soon as it is ready
  };
  // A tick only when the line is drawn: without one the calling thread works too.
  std::function<void()> tick;
  if (progress.enabled()) tick = [&] { progress.tick(); };
  run_in_order<ExtractResult>(inputs.size(), batch.jobs(), work, consume, tick);
  progress.clear();

  if (json_array && args.out_dir.empty()) out << (printed ? "\n]\n" : "]\n");
  out.flush();
  return status;
}

void add_extract_command(CLI::App& app, int& status) {
  auto args = std::make_shared<ExtractArgs>();
  CLI::App* sub = app.add_subcommand(
      "extract", "Extract sections, clauses, units, targets and deadlines from plan texts");
  sub->add_option("files", args->files,
                  "Plan texts (UTF-8, UTF-16 or GB18030), folders (every .txt/.text/.md below) or "
                  "quoted patterns ('plans/**/*.txt'); - reads stdin")
      ->required()
      ->type_name("FILE");
  sub->add_option("-o,--output", args->out_dir,
                  "Write one <stem>.yaml / <stem>.json per input into DIR (created if missing) "
                  "instead of stdout")
      ->type_name("DIR");
  sub->add_option("-f,--format", args->format,
                  "Output format; jsonl streams one JSON object per line to stdout")
      ->check(CLI::IsMember({"yaml", "json", "jsonl"}))
      ->capture_default_str();
  add_read_flags(sub, args->read, "Worker threads");
  sub->add_flag("-q,--quiet", args->quiet, "Do not print warnings or progress on stderr");
  sub->add_flag("--explain", args->explain,
                "Print on stderr, for every extracted item, the rule that produced it and "
                "where it stands (file:line:col and the exact source text)");
  sub->footer(
      "Without -o, documents go to stdout in input order: YAML documents separated by\n"
      "'---' lines; JSON as one object, or an array of objects when several files are\n"
      "given; JSON Lines one object per line. With -o, each output is written to a\n"
      "temporary file and renamed into place; folders keep their layout under DIR.\n"
      "Refused inputs (missing, unreadable, not text) are reported on stderr and\n"
      "skipped, the others are still written; the exit status is then 2.\n"
      "On a terminal, batches show progress (files, MB/s, time left) on stderr.\n"
      "\n"
      "Examples:\n"
      "  plancmp extract corpus/ankang-2023.txt\n"
      "  plancmp extract corpus/*.txt -o out/\n"
      "  plancmp extract plans/ -j 8 -o out/            # every plan below plans/\n"
      "  plancmp extract 'plans/**/*.txt' --format jsonl | jq .targets\n"
      "  plancmp extract --format json plan.txt > plan.json\n"
      "  plancmp extract --explain --quiet plan.txt > /dev/null   # why each item was found\n"
      "  iconv -f GBK -t UTF-8 plan.txt | plancmp extract -\n"
      "  plancmp extract --encoding GB18030 --grammars my-grammars/ plan.txt");
  sub->callback([args, &status] { status = run_extract(*args, std::cout, std::cerr); });
}

}  // namespace plancmp::cli
