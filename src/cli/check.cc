// `plancmp check FILE... --profile P`: a CI gate for plan drafts.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "plancmp/canonicalize.h"
#include "plancmp/check.h"
#include "plancmp/diagnostic.h"
#include "plancmp/document_reader.h"
#include "plancmp/grammar.h"

namespace plancmp::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> files;
  std::vector<std::string> profiles;
  std::string format = "text";
  std::string fail_level = "error";
  std::string output;
  ReadFlags read;  // --encoding, --grammars, limits, -j
};

CheckFormat format_of(const std::string& name) {
  if (name == "json") return CheckFormat::kJson;
  if (name == "sarif") return CheckFormat::kSarif;
  if (name == "junit") return CheckFormat::kJunit;
  if (name == "github") return CheckFormat::kGithub;
  return CheckFormat::kText;
}

int run_check(const CheckArgs& args, std::ostream& out, std::ostream& err) {
  ExtractOptions options;
  if (!make_extract_options(args.read, options, err)) return kExitInputError;
  std::vector<Profile> profiles;
  std::shared_ptr<const Catalogue> catalogue;
  try {
    catalogue = Catalogue::from_grammar(*options.grammar);  // a bad indicators.yaml is an input error
    for (const std::string& p : args.profiles) profiles.push_back(load_profile(p, *catalogue));
  } catch (const InputError& e) {
    err << "plancmp: " << e.what() << '\n';
    return kExitInputError;
  }
  const LoadedDocuments loaded = load_documents(args.files, options, args.read.jobs, err);
  const bool input_error = loaded.any_error;
  std::vector<CheckResult> results;
  for (const auto& [path, doc] : loaded.documents) results.push_back(check(doc, path, profiles, *catalogue));
  const std::string text = render(results, format_of(args.format));
  if (write_report(text, args.output, out, err) != kExitOk) return kExitInputError;
  if (input_error) return kExitInputError;
  if (args.fail_level == "never") return kExitOk;
  const Severity threshold = *parse_severity(args.fail_level);
  for (const CheckResult& r : results)
    for (const auto& [req, findings] : r.outcomes)
      for (const Finding& f : findings)
        if (f.severity >= threshold) return kExitFindings;
  return kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, int& status) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* sub = app.add_subcommand("check", "Check plans against profiles of required indicators (a CI gate)");
  sub->add_option("files", args->files,
                  "Plan texts, or YAML/JSON written by plancmp extract; folders and quoted patterns "
                  "are expanded")
      ->required()
      ->type_name("FILE");
  sub->add_option("-p,--profile", args->profiles,
                  "A built-in profile (national-2025, structure) or a profile YAML file; repeatable")
      ->required()
      ->type_name("PROFILE");
  sub->add_option("-f,--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit", "github"}))
      ->capture_default_str();
  sub->add_option("--fail-level", args->fail_level, "Exit 1 when a finding is at or above this severity")
      ->check(CLI::IsMember({"error", "warning", "notice", "never"}))
      ->capture_default_str();
  sub->add_option("-o,--output", args->output, "Write the report to FILE instead of stdout")->type_name("FILE");
  add_read_flags(sub, args->read, "Threads reading the inputs");
  sub->footer(
      "Exit status: 0 when no finding reaches --fail-level, 1 when one does, 2 on a usage\n"
      "or input error (missing or malformed profile, unreadable plan).\n"
      "Profile format: grammars/profiles/README.md.\n"
      "\n"
      "Examples:\n"
      "  plancmp check draft.txt --profile national-2025 --profile structure\n"
      "  plancmp check draft.txt --profile required.yaml --format sarif -o plancmp.sarif\n"
      "  plancmp check plans/*.txt --profile national-2025 --format github --fail-level warning");
  sub->callback([args, &status] { status = run_check(*args, std::cout, std::cerr); });
}

}  // namespace plancmp::cli
