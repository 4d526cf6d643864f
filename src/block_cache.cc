// Replacement global operator new/delete: a per-thread cache of small freed
// blocks in front of malloc (linked into the plancmp executable, its tests
// and benchmarks; not into sanitizer builds, whose own operator new must
// stay in place to check every allocation).
//
// Why: a plan costs ~3,000 small allocations (its Document's strings, RE2's
// per-search buffers), most freed together when the plan is done, and
// glibc's own per-thread cache keeps only 7 blocks a size, so most frees and
// the next plan's mallocs go through the arena's bins (~260 instructions a
// pair). Raising glibc's count is only possible through GLIBC_TUNABLES in
// the environment at start; this cache does the same from inside.
//
// Blocks of up to kLargest bytes are rounded up to a multiple of 16 and
// taken from malloc; a freed one goes on its thread's list for its class
// (from a sized delete's size, as tcmalloc and jemalloc trust it, else read
// back from malloc_usable_size), while the thread keeps less than
// kKeepBytes; anything else is plain malloc/free. A thread's lists go back
// to malloc when the thread ends.
#include <malloc.h>

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kLargest = 512;  // bytes; larger blocks go straight to malloc
constexpr std::size_t kClasses = kLargest / kGranule;
constexpr std::size_t kKeepBytes = 1 << 20;  // kept by a thread at most

struct FreeBlock {
  FreeBlock* next;
};

// Trivially destructible, so it stays usable while other thread_local and
// static objects are destroyed after Drain has run (blocks freed then go
// straight to free()).
enum class State : unsigned char {
  kUnknown,  // the thread has not used the cache yet
  kCaching,
  kClosed,  // the thread is ending: its lists went back to malloc
};
struct Lists {
  FreeBlock* head[kClasses];
  std::size_t bytes;  // kept in all classes
  std::size_t blocks;
  State state;
};
thread_local Lists lists;

// Returns the thread's blocks to malloc when the thread ends.
struct Drain {
  bool armed = false;
  ~Drain() {
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (FreeBlock* b = lists.head[c]) {
        lists.head[c] = b->next;
        std::free(b);
      }
    }
    lists.bytes = lists.blocks = 0;
    lists.state = State::kClosed;
  }
};
thread_local Drain drain;

// May the calling thread keep freed blocks? (The lists stay empty where not,
// so allocate() need not ask on its way to a kept block.)
bool caching() {
  if (lists.state == State::kUnknown) {
    lists.state = State::kCaching;
    drain.armed = true;  // registers the thread-exit drain
  }
  return lists.state == State::kCaching;
}

// The class of a request of n bytes (1..kLargest): blocks of 16 * (class + 1).
std::size_t class_of_request(std::size_t n) { return n == 0 ? 0 : (n - 1) / kGranule; }

// The largest class a malloc'd block of `usable` bytes can serve, or
// kClasses when it is not kept (glibc gives 16k + 8 usable bytes for a
// request of 16k, so a block taken for a class comes back to it; a larger
// block is not kept, so a cached block wastes less than 16 bytes).
std::size_t class_of_block(std::size_t usable) {
  const std::size_t granules = usable / kGranule;
  return granules == 0 || granules > kClasses ? kClasses : granules - 1;
}

void* allocate(std::size_t n) {
  if (n <= kLargest) {
    const std::size_t c = class_of_request(n);
    if (FreeBlock* b = lists.head[c]) {
      lists.head[c] = b->next;
      lists.bytes -= kGranule * (c + 1);
      --lists.blocks;
      return b;
    }
    // Every block of a class is as large as the class, even one taken while
    // the thread is ending (closed): another thread may keep it, and a sized
    // delete names its class by the size asked for.
    caching();  // (a thread's first call registers its drain)
    n = kGranule * (c + 1);
  }
  for (;;) {
    if (void* p = std::malloc(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

// Puts p, a block of class c (kClasses: of none), on its list while the
// thread keeps less than kKeepBytes, else frees it.
void keep(void* p, std::size_t c) noexcept {
  if (c < kClasses && lists.bytes < kKeepBytes) {
    auto* b = static_cast<FreeBlock*>(p);
    b->next = lists.head[c];
    lists.head[c] = b;
    lists.bytes += kGranule * (c + 1);
    ++lists.blocks;
    return;
  }
  std::free(p);
}

void release(void* p) noexcept {
  if (!p) return;
  if (!caching()) return std::free(p);
  keep(p, class_of_block(malloc_usable_size(p)));
}

#if defined(__cpp_sized_deallocation)
// A sized delete names the size asked for, hence the class it was taken for.
void release_sized(void* p, std::size_t n) noexcept {
  if (!p) return;
  if (!caching()) return std::free(p);
  const std::size_t c = n <= kLargest ? class_of_request(n) : kClasses;
  assert(c == kClasses || c <= class_of_block(malloc_usable_size(p)));
  keep(p, c);
}
#endif

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
#if defined(__cpp_sized_deallocation)
void operator delete(void* p, std::size_t n) noexcept { release_sized(p, n); }
void operator delete[](void* p, std::size_t n) noexcept { release_sized(p, n); }
#endif

// For tests: the blocks the calling thread keeps now.
extern "C" std::size_t plancmp_block_cache_kept() { return lists.blocks; }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
