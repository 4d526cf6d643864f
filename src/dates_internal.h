// For tests of find_dates (private to src/).
#pragma once

#include <atomic>

namespace plancmp {

// A switch to find_dates' straightforward path (every rule searched for
// unanchored, never from the places where its matches can start), to
// compare with. Set by one test at a time; read by every worker thread.
struct DatesTesting {
  static inline std::atomic<bool> straightforward{false};
};

}  // namespace plancmp
