// See common.h.
#include "common.h"

#include <CLI/CLI.hpp>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <optional>
#include <ostream>
#include <thread>

#ifdef __linux__
#include <sched.h>
#endif

#include "inputs.h"
#include "ordered_runner.h"
#include "output_file.h"
#include "plancmp/diagnostic.h"
#include "plancmp/document_reader.h"
#include "plancmp/grammar.h"
#include "spread_thread.h"

namespace plancmp::cli {

namespace {

// Each document allocates a few buffers of 1-15 times its size and frees them
// before the next. glibc serves blocks over 128 KiB with mmap and hands freed
// memory back to the kernel, so every document paid for its pages again
// (about 64 page faults per 100 KB plan, a tenth of the batch's time). Keeping
// up to 32 MiB blocks and 64 MiB of free heap lets the next document reuse
// them; the peak stays what one document needs.
void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

}  // namespace

bool make_extract_options(const ReadFlags& flags, ExtractOptions& options, std::ostream& err) {
  keep_freed_memory_for_reuse();
  options.decode.encoding_override = flags.encoding;
  options.decode.max_input_bytes = static_cast<std::size_t>(flags.max_input_mb * (1 << 20));
  options.max_numbering_states = flags.max_numbering_states;
  try {
    // The grammar files compile side by side on the threads -j allows.
    const RunTasks run = run_tasks_on(flags.jobs > 0 ? flags.jobs : default_jobs());
    options.grammar = flags.grammars.empty() ? Grammar::builtin(run) : Grammar::load(flags.grammars, run);
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

void add_read_flags(CLI::App* sub, ReadFlags& flags, const std::string& jobs_help) {
  sub->add_option("-j,--jobs", flags.jobs, jobs_help + " (default: one per core)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  sub->add_option("--encoding", flags.encoding,
                  "Read plan texts in this encoding (any ICU converter name, e.g. GB18030) "
                  "instead of detecting it")
      ->type_name("NAME");
  sub->add_option("--grammars", flags.grammars,
                  "Load rule files (and indicators.yaml) from DIR; they replace the built-in "
                  "files of the same name")
      ->type_name("DIR");
  sub->add_option("--max-input-mb", flags.max_input_mb,
                  "Refuse inputs larger than this many MiB (exit 2, file named); plancmp needs "
                  "about 10-15 bytes of memory per input byte")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->type_name("MB");
  sub->add_option("--max-numbering-states", flags.max_numbering_states,
                  "Bound on the numbering check's work per level; past it only printed numbers "
                  "are kept, with a warning")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->type_name("N");
}

BatchOptions::BatchOptions(const ExtractOptions& options, int jobs)
    : jobs_(jobs > 0 ? jobs : default_jobs()), plain_(options), late_first_(options) {
  late_first_.prepare_late_stages_first = true;
}

int default_jobs() {
#ifdef __linux__
  // The CPUs this process may run on (taskset, cgroup cpusets), not all of
  // the machine's.
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0) return CPU_COUNT(&allowed);
#endif
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
  const BatchOptions batch(options, jobs);
  auto work = [&](std::size_t i) {
    Read r;
    const std::string& path = list.inputs[i].path;
    try {
      r.document = load_document(path, batch.for_input(i));
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
  run_in_order<Read>(list.inputs.size(), batch.jobs(), work, consume);
  return loaded;
}

}  // namespace plancmp::cli
