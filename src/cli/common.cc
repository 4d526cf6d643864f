// See common.h.
#include "common.h"

#include <fstream>
#include <ostream>

#include "plancmp/diagnostic.h"
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
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file) {
    err << "plancmp: " << path << ": error: cannot write\n";
    return kExitInputError;
  }
  return kExitOk;
}

}  // namespace plancmp::cli
