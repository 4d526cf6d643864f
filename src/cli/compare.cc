// `plancmp compare FILE...`: line up equivalent targets across plans.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "plancmp/canonicalize.h"
#include "plancmp/compare.h"
#include "plancmp/diagnostic.h"
#include "plancmp/document_reader.h"
#include "plancmp/grammar.h"

namespace plancmp::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> files;
  std::string format = "table";
  std::string output;    // file to write; empty: stdout
  ReadFlags read;  // --encoding, --grammars, limits, -j
};

CompareFormat format_of(const std::string& name) {
  if (name == "yaml") return CompareFormat::kYaml;
  if (name == "json") return CompareFormat::kJson;
  if (name == "csv") return CompareFormat::kCsv;
  if (name == "md") return CompareFormat::kMarkdown;
  if (name == "html") return CompareFormat::kHtml;
  return CompareFormat::kTable;
}

int run_compare(const CompareArgs& args, std::ostream& out, std::ostream& err) {
  ExtractOptions options;
  if (!make_extract_options(args.read, options, err)) return kExitInputError;
  LoadedDocuments loaded = load_documents(args.files, options, args.read.jobs, err);
  int status = loaded.any_error ? kExitInputError : kExitOk;
  std::vector<Document> documents;
  for (auto& [path, doc] : loaded.documents) documents.push_back(std::move(doc));
  if (documents.empty()) return kExitInputError;
  std::shared_ptr<const Catalogue> catalogue;
  try {
    catalogue = Catalogue::from_grammar(*options.grammar);
  } catch (const InputError& e) {
    err << "plancmp: " << e.what() << '\n';
    return kExitInputError;
  }
  const Comparison comparison = compare(documents, *catalogue);
  const std::string text = render(comparison, format_of(args.format));
  if (write_report(text, args.output, out, err) != kExitOk) return kExitInputError;
  return status;
}

}  // namespace

void add_compare_command(CLI::App& app, int& status) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* sub = app.add_subcommand("compare", "Line up equivalent targets across plans and say which is stricter");
  sub->add_option("files", args->files,
                  "Plan texts, or YAML/JSON written by plancmp extract; folders and quoted patterns "
                  "are expanded")
      ->required()
      ->type_name("FILE");
  sub->add_option("-f,--format", args->format, "Output format")
      ->check(CLI::IsMember({"table", "yaml", "json", "csv", "md", "html"}))
      ->capture_default_str();
  sub->add_option("-o,--output", args->output, "Write to FILE instead of stdout")->type_name("FILE");
  add_read_flags(sub, args->read, "Threads reading the inputs");
  sub->footer(
      "One row per indicator (catalogue id, or the plan's own wording when the catalogue\n"
      "has no match); per plan the targets it sets; a verdict naming the strictest and\n"
      "loosest plan by the indicator's better direction, after unit conversion.\n"
      "\n"
      "Examples:\n"
      "  plancmp compare corpus/*.txt\n"
      "  plancmp compare out/ankang-2023.yaml out/panshi-2022.yaml --format json\n"
      "  plancmp compare corpus/*.txt --format html -o report.html");
  sub->callback([args, &status] { status = run_compare(*args, std::cout, std::cerr); });
}

}  // namespace plancmp::cli
