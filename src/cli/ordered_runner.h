// Runs a batch on worker threads and hands the results back in input order
// (private to src/cli/).
#pragma once
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "spread_thread.h"

namespace plancmp::cli {

// work(i) runs on one of `jobs` threads (it must not throw); consume(i, result)
// runs on the calling thread for i = 0, 1, 2… in order, as soon as result i is
// ready and the calling thread is free. Workers stay at most `window` items
// ahead of the consumer, so memory holds a bounded number of results however
// slow one input is. With jobs <= 1 everything runs on the calling thread.
//
// Without `tick`, the calling thread is one of the `jobs` workers and
// consumes between inputs: a separate consumer thread, woken for every
// result, competed with the workers for the cores (on 2 cores, -j2 spent 8%
// more CPU than -j1, mostly in those wake-ups). With `tick` (a progress
// line), the calling thread only consumes and calls tick() about every
// 100 ms, so the line stays live however long one input takes.
template <class Result>
void run_in_order(std::size_t count, int jobs, const std::function<Result(std::size_t)>& work,
                  const std::function<void(std::size_t, Result&)>& consume,
                  const std::function<void()>& tick = {}) {
  if (jobs <= 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) {
      Result r = work(i);
      consume(i, r);
      if (tick) tick();
    }
    return;
  }
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(jobs), count);
  const bool caller_works = !tick;
  const std::size_t window = 4 * workers;
  std::mutex mu;
  std::condition_variable ready, room;  // a result arrived / the consumer moved on
  std::vector<std::optional<Result>> slots(count);
  std::size_t next = 0, consumed = 0;

  auto worker = [&] {
    while (true) {
      std::size_t i;
      {
        std::unique_lock lock(mu);
        room.wait(lock, [&] { return next >= count || next < consumed + window; });
        if (next >= count) return;
        i = next++;
      }
      Result r = work(i);
      {
        std::lock_guard lock(mu);
        slots[i] = std::move(r);
      }
      ready.notify_one();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (std::size_t t = caller_works ? 1 : 0; t < workers; ++t)
    threads.push_back(start_on_another_cpu(threads.size(), worker));

  std::unique_lock lock(mu);
  while (consumed < count) {
    const std::size_t i = consumed;
    if (slots[i]) {
      Result r = std::move(*slots[i]);
      slots[i].reset();
      consumed = i + 1;
      lock.unlock();
      room.notify_all();
      consume(i, r);
      if (tick) tick();
      lock.lock();
    } else if (caller_works && next < count && next < consumed + window) {
      const std::size_t mine = next++;
      lock.unlock();
      Result r = work(mine);
      lock.lock();
      slots[mine] = std::move(r);
    } else if (tick) {
      ready.wait_for(lock, std::chrono::milliseconds(100));
      if (!slots[i]) {
        lock.unlock();
        tick();
        lock.lock();
      }
    } else {
      // Input i is on another worker (every input up to `next` is taken).
      ready.wait(lock);
    }
  }
  lock.unlock();
  for (std::thread& t : threads) t.join();
}

}  // namespace plancmp::cli
