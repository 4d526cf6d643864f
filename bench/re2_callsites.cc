// An LD_PRELOAD library that times every RE2 search plancmp makes and sums it
// per call site: where the regex time goes, with no change to plancmp.
//
//   cmake -S . -B build -DPLANCMP_STATIC_DEPS=OFF   # a shared libre2 to interpose
//   cmake --build build --target plancmp plancmp_re2_callsites
//   RE2_CALLSITES_OUT=/tmp/re2.txt LD_PRELOAD=build/bench/libplancmp_re2_callsites.so \
//       build/plancmp extract DIR -o OUT -j1 --quiet
//   bench/re2_callsites.py /tmp/re2.txt      # sorted, with function names
//
// It wraps RE2::Match, RE2::Set::Match and RE2::PartialMatchN (the calls
// plancmp makes; calls RE2 makes inside them are not counted twice) and
// writes one line per (call site, kind): "object+offset kind ns bytes calls",
// where bytes is the span searched (endpos - startpos). Each timed call costs
// two clock reads (~40 ns), so many tiny calls look slower than they are.
#include <dlfcn.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace {

enum Kind { kUnanchored, kAnchored, kCapture, kSetAny, kSetList, kPartial };

struct Totals {
  double ns = 0;
  unsigned long bytes = 0, calls = 0;
};

std::mutex mutex;
std::map<std::pair<void*, int>, Totals>* totals;  // never freed: read at exit
thread_local int depth = 0;                       // >0 inside a wrapped call

double now_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

void add(void* caller, Kind kind, double ns, unsigned long bytes) {
  std::lock_guard<std::mutex> lock(mutex);
  if (!totals) totals = new std::map<std::pair<void*, int>, Totals>;
  Totals& t = (*totals)[{caller, kind}];
  t.ns += ns;
  t.bytes += bytes;
  ++t.calls;
}

// Times `call` when it is not nested in another wrapped call.
template <class Call>
auto timed(void* caller, Kind kind, unsigned long bytes, Call call) {
  if (depth > 0) return call();
  ++depth;
  const double start = now_ns();
  auto result = call();
  add(caller, kind, now_ns() - start, bytes);
  --depth;
  return result;
}

struct WriteAtExit {
  ~WriteAtExit() {
    if (!totals) return;
    const char* path = std::getenv("RE2_CALLSITES_OUT");
    FILE* out = std::fopen(path ? path : "re2_callsites.txt", "w");
    if (!out) return;
    for (const auto& [key, t] : *totals) {
      Dl_info info;
      if (!dladdr(key.first, &info)) continue;
      // -1: the return address points after the call instruction.
      const auto offset = static_cast<unsigned long>(static_cast<char*>(key.first) -
                                                     static_cast<char*>(info.dli_fbase)) - 1;
      std::fprintf(out, "%s+0x%lx %d %.0f %lu %lu\n", info.dli_fname, offset, key.second, t.ns, t.bytes,
                   t.calls);
    }
    std::fclose(out);
  }
} write_at_exit;

template <class Fn>
Fn next_definition(const char* mangled) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, mangled));
}

}  // namespace

namespace re2 {

bool RE2::Match(const StringPiece& text, size_t startpos, size_t endpos, Anchor anchor,
                StringPiece* submatch, int nsubmatch) const {
  using Fn = bool (*)(const RE2*, const StringPiece&, size_t, size_t, Anchor, StringPiece*, int);
  static const Fn real = next_definition<Fn>("_ZNK3re23RE25MatchERKNS_11StringPieceEmmNS0_6AnchorEPS1_i");
  const Kind kind = nsubmatch > 1 ? kCapture : anchor != UNANCHORED ? kAnchored : kUnanchored;
  return timed(__builtin_return_address(0), kind, endpos - startpos,
               [&] { return real(this, text, startpos, endpos, anchor, submatch, nsubmatch); });
}

bool RE2::Set::Match(const StringPiece& text, std::vector<int>* v, ErrorInfo* error) const {
  using Fn = bool (*)(const RE2::Set*, const StringPiece&, std::vector<int>*, ErrorInfo*);
  static const Fn real =
      next_definition<Fn>("_ZNK3re23RE23Set5MatchERKNS_11StringPieceEPSt6vectorIiSaIiEEPNS1_9ErrorInfoE");
  return timed(__builtin_return_address(0), v ? kSetList : kSetAny, text.size(),
               [&] { return real(this, text, v, error); });
}

bool RE2::Set::Match(const StringPiece& text, std::vector<int>* v) const {
  using Fn = bool (*)(const RE2::Set*, const StringPiece&, std::vector<int>*);
  static const Fn real = next_definition<Fn>("_ZNK3re23RE23Set5MatchERKNS_11StringPieceEPSt6vectorIiSaIiEE");
  return timed(__builtin_return_address(0), v ? kSetList : kSetAny, text.size(),
               [&] { return real(this, text, v); });
}

bool RE2::PartialMatchN(const StringPiece& text, const RE2& re, const Arg* const args[], int n) {
  using Fn = bool (*)(const StringPiece&, const RE2&, const Arg* const[], int);
  static const Fn real =
      next_definition<Fn>("_ZN3re23RE213PartialMatchNERKNS_11StringPieceERKS0_PKPKNS0_3ArgEi");
  return timed(__builtin_return_address(0), kPartial, text.size(), [&] { return real(text, re, args, n); });
}

}  // namespace re2
