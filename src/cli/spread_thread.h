// Starting worker threads on other CPUs than the one starting them
// (private to src/cli/).
#pragma once
#include <cstddef>
#include <functional>
#include <thread>

#include "plancmp/grammar.h"

namespace plancmp::cli {

// A thread running `body`, started on the `index`-th CPU (counting round)
// of those this process may use, leaving out the caller's own; once running
// it may move to any of them again, as the scheduler decides.
//
// Why: Linux puts a new thread on its creator's CPU and moves it to an idle
// one only at a later load balance. On the 2-vCPU VM of the benchmarks
// (where an idle vCPU can look busy to the guest) that took 2–5 ms, during
// which the new thread and its creator shared one CPU: two threads with
// 4.5 ms of work each took 8 ms, and a -j2 batch of 0.1 s lost part of its
// second core. With one allowed CPU, or off Linux, it is a plain std::thread.
std::thread start_on_another_cpu(std::size_t index, std::function<void()> body);

// Runs tasks on up to `jobs` threads: the caller's and jobs - 1 started as
// above, each taking the next task until none is left (for Grammar loading).
RunTasks run_tasks_on(int jobs);

}  // namespace plancmp::cli
