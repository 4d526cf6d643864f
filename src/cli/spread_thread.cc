// See spread_thread.h.
#include "spread_thread.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <utility>
#include <vector>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#endif

namespace plancmp::cli {

std::thread start_on_another_cpu(std::size_t index, std::function<void()> body) {
#ifdef __linux__
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  const int here = sched_getcpu();
  std::vector<int> others;
  if (here >= 0 && sched_getaffinity(0, sizeof allowed, &allowed) == 0)
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (cpu != here && CPU_ISSET(cpu, &allowed)) others.push_back(cpu);
  if (!others.empty()) {
    // The new thread waits until it is pinned, then unpins itself: were it
    // to unpin first, the pin would outlive its start.
    auto pinned = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([pinned, allowed, body = std::move(body)] {
      pinned->wait(false, std::memory_order_acquire);
      pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
      body();
    });
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(others[index % others.size()], &one);
    pthread_setaffinity_np(thread.native_handle(), sizeof one, &one);  // on failure: where it is
    pinned->store(true, std::memory_order_release);
    pinned->notify_one();
    return thread;
  }
#else
  (void)index;
#endif
  return std::thread(std::move(body));
}

RunTasks run_tasks_on(int jobs) {
  return [jobs](std::size_t count, const std::function<void(std::size_t)>& task) {
    std::atomic<std::size_t> next{0};
    auto take_tasks = [&] {
      for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < count;) task(i);
    };
    const std::size_t threads = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(jobs, 1)));
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < threads; ++t) helpers.push_back(start_on_another_cpu(t - 1, take_tasks));
    take_tasks();
    for (std::thread& h : helpers) h.join();
  };
}

}  // namespace plancmp::cli
