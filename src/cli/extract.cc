// `plancmp extract`: see extract.h.
#include "extract.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "commands.h"
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

}  // namespace

int run_extract(const ExtractArgs& args, std::ostream& out, std::ostream& err) {
  const OutputFormat format = args.format == "json" ? OutputFormat::kJson : OutputFormat::kYaml;
  const char* extension = format == OutputFormat::kJson ? ".json" : ".yaml";

  ExtractOptions options;
  options.decode.encoding_override = args.encoding;
  if (!args.grammars.empty()) {
    try {
      options.grammar = Grammar::load(args.grammars);
    } catch (const InputError& e) {
      err << "plancmp: " << e.what() << '\n';
      return kExitInputError;
    }
  }

  if (!args.out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(args.out_dir, ec);
    if (ec || !fs::is_directory(args.out_dir)) {
      err << "plancmp: " << args.out_dir << ": error: cannot create output directory"
          << (ec ? ": " + ec.message() : std::string()) << '\n';
      return kExitInputError;
    }
  }

  int status = kExitOk;
  const bool json_array = format == OutputFormat::kJson && args.files.size() > 1;
  int printed = 0;                              // documents written to `out`
  std::map<std::string, std::string> written;  // output file -> input that made it
  if (json_array && args.out_dir.empty()) out << '[';

  for (const auto& path : args.files) {
    Document doc;
    try {
      doc = extract_file(path, options);
    } catch (const InputError& e) {
      err << "plancmp: " << e.what() << '\n';
      status = kExitInputError;
      continue;
    } catch (const std::exception& e) {
      err << "plancmp: " << path << ": error: internal error: " << e.what() << '\n';
      status = kExitInputError;
      continue;
    }

    if (!args.quiet) {
      const std::string& name = doc.source.empty() ? path : doc.source;
      for (const auto& w : doc.warnings) print_warning(err, name, w);
    }
    if (args.explain) explain(err, doc.source.empty() ? path : doc.source, doc);

    const std::string text = render(doc, format);
    if (!args.out_dir.empty()) {
      const fs::path target = fs::path(args.out_dir) / (document_stem(path) + extension);
      const std::string key = target.lexically_normal().string();
      if (auto it = written.find(key); it != written.end()) {
        err << "plancmp: " << path << ": warning: output " << target.string()
            << " overwrites the output of " << it->second << '\n';
      }
      written[key] = path;
      std::ofstream file(target, std::ios::binary | std::ios::trunc);
      file << text;
      file.close();
      if (!file) {
        err << "plancmp: " << target.string() << ": error: cannot write: "
            << std::strerror(errno) << '\n';
        status = kExitInputError;
      }
    } else if (json_array) {
      out << (printed ? ",\n" : "\n") << indent_lines(strip_final_newline(text));
      ++printed;
    } else {
      if (printed && format == OutputFormat::kYaml) out << "---\n";
      out << text;
      ++printed;
    }
    out.flush();
  }

  if (json_array && args.out_dir.empty()) out << (printed ? "\n]\n" : "]\n");
  out.flush();
  return status;
}

void add_extract_command(CLI::App& app, int& status) {
  auto args = std::make_shared<ExtractArgs>();
  CLI::App* sub = app.add_subcommand(
      "extract", "Extract sections, clauses, units, targets and deadlines from plan texts");
  sub->add_option("files", args->files, "Plan text files (UTF-8, UTF-16 or GB18030); - reads stdin")
      ->required()
      ->type_name("FILE");
  sub->add_option("-o,--output", args->out_dir,
                  "Write one <stem>.yaml / <stem>.json per input into DIR (created if missing) "
                  "instead of stdout")
      ->type_name("DIR");
  sub->add_option("-f,--format", args->format, "Output format")
      ->check(CLI::IsMember({"yaml", "json"}))
      ->capture_default_str();
  sub->add_option("--encoding", args->encoding,
                  "Read inputs in this encoding (any ICU converter name, e.g. GB18030) "
                  "instead of detecting it")
      ->type_name("NAME");
  sub->add_option("--grammars", args->grammars,
                  "Load rule files from DIR; they replace the built-in grammars of the same name")
      ->type_name("DIR");
  sub->add_flag("-q,--quiet", args->quiet, "Do not print warnings on stderr");
  sub->add_flag("--explain", args->explain,
                "Print on stderr, for every extracted item, the rule that produced it and "
                "where it stands (file:line:col and the exact source text)");
  sub->footer(
      "Without -o, documents go to stdout: YAML documents separated by '---' lines;\n"
      "JSON as one object, or an array of objects when several files are given.\n"
      "Refused inputs (missing, unreadable, not text) are reported on stderr and\n"
      "skipped; the exit status is then 2.\n"
      "\n"
      "Examples:\n"
      "  plancmp extract corpus/ankang-2023.txt\n"
      "  plancmp extract corpus/*.txt -o out/\n"
      "  plancmp extract --format json plan.txt > plan.json\n"
      "  plancmp extract --explain --quiet plan.txt > /dev/null   # why each item was found\n"
      "  iconv -f GBK -t UTF-8 plan.txt | plancmp extract -\n"
      "  plancmp extract --encoding GB18030 --grammars my-grammars/ plan.txt");
  sub->callback([args, &status] { status = run_extract(*args, std::cout, std::cerr); });
}

}  // namespace plancmp::cli
