// A switch for the units stage's tests (private to src/): with the
// shortcuts off, each raw piece of a list is read afresh wherever it stands
// (no TextMap memo) and each tail's body is read as soon as it is found,
// its role keywords looked for in the body (no lazy tails), so a test can
// hold the output with shortcuts against the output without.
#pragma once

namespace plancmp::units {

// On by default. Not for concurrent extractions (a test flips it between runs).
void use_shortcuts(bool on);

}  // namespace plancmp::units
