// For tests of find_dates (private to src/).
#pragma once

namespace plancmp {

// A switch to find_dates' straightforward path (every rule searched for
// unanchored, never from the places where its matches can start), to
// compare with. A plain global, set by one test at a time.
struct DatesTesting {
  static inline bool straightforward = false;
};

}  // namespace plancmp
