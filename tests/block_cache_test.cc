// The per-thread small-block cache in front of malloc (src/block_cache.cc,
// the replacement operator new/delete this test binary is linked with unless
// sanitizers are on): blocks handed out again after a delete must be as large
// as asked and never shared, whatever the sizes, the delete form or the
// thread that frees them.
#include <doctest/doctest.h>

#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "test_support.h"

namespace {

struct Block {
  unsigned char* bytes;
  std::size_t size;
  unsigned char mark;
};

// A block of `size` bytes from ::operator new, filled with `mark`.
Block make(std::size_t size, unsigned char mark) {
  Block b{static_cast<unsigned char*>(::operator new(size)), size, mark};
  for (std::size_t i = 0; i < size; ++i) b.bytes[i] = mark;
  return b;
}

// The sized delete where the compiler has it (clang before 19 needs
// -fsized-deallocation), else the plain one.
void delete_sized(void* p, std::size_t size) {
#if defined(__cpp_sized_deallocation)
  ::operator delete(p, size);
#else
  (void)size;
  ::operator delete(p);
#endif
}

bool intact(const Block& b) {
  for (std::size_t i = 0; i < b.size; ++i)
    if (b.bytes[i] != b.mark) return false;
  return true;
}

// Random sizes around the cache's classes (0 to 700 bytes: past its largest
// class too), freed and taken again in random order; every live block keeps
// its bytes. Returns the number of blocks found overwritten.
int churn(unsigned seed, int rounds) {
  plancmp_test::Lcg random{seed};
  std::vector<Block> live;
  int damaged = 0;
  for (int round = 0; round < rounds; ++round) {
    if (live.empty() || random.next(3) != 0) {
      live.push_back(make(random.next(700), static_cast<unsigned char>(1 + random.next(255))));
    } else {
      const std::size_t k = random.next(static_cast<unsigned>(live.size()));
      damaged += !intact(live[k]);
      delete_sized(live[k].bytes, live[k].size);
      live[k] = live.back();
      live.pop_back();
    }
  }
  for (const Block& b : live) {
    damaged += !intact(b);
    ::operator delete(b.bytes);
  }
  return damaged;
}

}  // namespace

#if defined(PLANCMP_BLOCK_CACHE_LINKED)
// src/block_cache.cc's count of the blocks the calling thread keeps (a link
// error where the build says the cache is in and it is not).
extern "C" std::size_t plancmp_block_cache_kept();

TEST_CASE("the cache keeps a freed small block and hands it to the next request of its class") {
  bool kept = false, reused = false, taken = false;
  std::thread([&] {  // a new thread: its cache starts empty
    void* p = ::operator new(100);
    const std::size_t before = plancmp_block_cache_kept();
    ::operator delete(p);
    kept = plancmp_block_cache_kept() == before + 1;
    void* q = ::operator new(97);  // the same 112-byte class
    reused = q == p;
    taken = plancmp_block_cache_kept() == before;
    ::operator delete(q);
  }).join();
  CHECK(kept);
  CHECK(reused);
  CHECK(taken);
}
#endif

namespace {
// Allocates when its thread's thread_local objects are destroyed: built
// before the thread's cache is first used, it is destroyed after the
// cache's lists went back to malloc.
char* late_block = nullptr;
struct LateAllocator {
  ~LateAllocator() { late_block = static_cast<char*>(::operator new(20)); }
};
thread_local LateAllocator late_allocator;
}  // namespace

TEST_CASE("a block taken while its thread ends, freed by another thread, serves its whole class") {
  std::thread([] {
    (void)&late_allocator;  // registered before the cache's own thread-exit drain
    delete new int(1);      // the cache's first use on this thread
  }).join();
  REQUIRE(late_block != nullptr);
  delete_sized(late_block, 20);  // class of 17-32 bytes
  void* again = ::operator new(32);
  CHECK(malloc_usable_size(again) >= 32);
  ::operator delete(again);
}

TEST_CASE("blocks taken again after delete hold what is asked and overlap no live block") {
  CHECK(churn(20261123, 20000) == 0);
}

TEST_CASE("sized, unsized, nothrow and array deletes all give blocks back that serve later requests") {
  // Each size from 1 to 600 bytes: freed by one form, then taken and filled
  // again while the blocks of the other sizes stay live and intact.
  std::vector<Block> blocks;
  for (std::size_t size = 1; size <= 600; ++size) blocks.push_back(make(size, static_cast<unsigned char>(size)));
  for (std::size_t i = 0; i < blocks.size(); i += 3) {
    void* p = blocks[i].bytes;
    switch (i % 9) {
      case 0: ::operator delete(p); break;
      case 3: delete_sized(p, blocks[i].size); break;
      default: ::operator delete(p, std::nothrow); break;
    }
    void* q = ::operator new(blocks[i].size);
    blocks[i].bytes = static_cast<unsigned char*>(q);
    for (std::size_t k = 0; k < blocks[i].size; ++k) blocks[i].bytes[k] = blocks[i].mark;
  }
  int damaged = 0;
  for (const Block& b : blocks) damaged += !intact(b);
  CHECK(damaged == 0);
  for (const Block& b : blocks) ::operator delete(b.bytes);
  // The array forms, the same way.
  std::vector<unsigned char*> arrays;
  for (std::size_t size = 1; size <= 600; size += 7) arrays.push_back(new unsigned char[size]());
  for (std::size_t i = 0; i < arrays.size(); i += 2) {
    delete[] arrays[i];
    arrays[i] = new unsigned char[1 + 7 * i]();
  }
  int nonzero = 0;
  for (std::size_t i = 0; i < arrays.size(); ++i)
    for (std::size_t k = 0; k < 1 + 7 * i; ++k) nonzero += arrays[i][k] != 0;
  CHECK(nonzero == 0);
  for (unsigned char* a : arrays) delete[] a;
}

TEST_CASE("blocks freed on another thread, and a thread's own cache at its end, go back cleanly") {
  // Threads allocate, hand half their blocks to the next thread to free, and
  // end with blocks in their caches (returned to malloc at thread exit).
  constexpr int kThreads = 4;
  std::vector<std::vector<Block>> handed(kThreads);
  std::vector<int> damaged(kThreads, 0);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([t, &handed, &damaged] {
        damaged[t] += churn(1000 + t, 5000);
        plancmp_test::Lcg random{static_cast<unsigned long long>(77 + t)};
        for (int i = 0; i < 500; ++i)
          handed[t].push_back(make(random.next(600), static_cast<unsigned char>(1 + random.next(255))));
      });
    for (std::thread& th : threads) th.join();
  }
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([t, &handed, &damaged] {
        for (const Block& b : handed[(t + 1) % kThreads]) {
          damaged[t] += !intact(b);
          delete_sized(b.bytes, b.size);
        }
        damaged[t] += churn(2000 + t, 3000);
      });
    for (std::thread& th : threads) th.join();
  }
  for (int t = 0; t < kThreads; ++t) CHECK(damaged[t] == 0);
}
