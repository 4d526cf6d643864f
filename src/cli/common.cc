// See common.h.
#include "common.h"

#include <optional>
#include <ostream>
#include <thread>

#include "inputs.h"
#include "ordered_runner.h"
#include "output_file.h"
#include "plancmp/diagnostic.h"
#include "plancmp/document_reader.h"
#include "plancmp/grammar.h"

namespace plancmp::cli {

bool load_options(const std::string& grammars, const std::string& encoding, ExtractOptions& options,
                  std::ostream& err) {
  options.decode.encoding_override = encoding;
  try {
    options.grammar = grammars.empty() ? Grammar::builtin() : Grammar::load(grammars);
  } catch (const InputError& e) {
    err << "plancmp: " << e.what() << '\n';
    return false;
  }
  return true;
}

int write_report(const std::string& text, const std::string& path, std::ostream& out, std::ostream& err) {
  if (path.empty()) {
    out << text;
    return kExitOk;
  }
  if (const std::string error = write_atomically(path, text); !error.empty()) {
    err << "plancmp: " << path << ": error: cannot write: " << error << '\n';
    return kExitInputError;
  }
  return kExitOk;
}

int default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

LoadedDocuments load_documents(const std::vector<std::string>& args, const ExtractOptions& options, int jobs,
                               std::ostream& err) {
  LoadedDocuments loaded;
  const InputList list = expand_inputs(args, plan_or_output_filter());
  for (const std::string& e : list.errors) err << "plancmp: " << e << '\n';
  loaded.any_error = !list.errors.empty();
  struct Read {
    std::optional<Document> document;
    std::string error;
  };
  auto work = [&](std::size_t i) {
    Read r;
    const std::string& path = list.inputs[i].path;
    try {
      r.document = load_document(path, options);
    } catch (const InputError& e) {
      r.error = e.what();
    } catch (const std::exception& e) {
      r.error = path + ": error: internal error: " + e.what();
    }
    return r;
  };
  auto consume = [&](std::size_t i, Read& r) {
    if (r.document) {
      loaded.documents.emplace_back(list.inputs[i].path, std::move(*r.document));
    } else {
      err << "plancmp: " << r.error << '\n';  // reported; the other inputs still count
      loaded.any_error = true;
    }
  };
  run_in_order<Read>(list.inputs.size(), jobs > 0 ? jobs : default_jobs(), work, consume);
  return loaded;
}

}  // namespace plancmp::cli
