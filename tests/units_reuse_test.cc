// The units stage keeps its per-document buffers (Notes, src/units.cc) from
// one document to the next on a thread: a document's units must not depend
// on what was read before it. Each sample plan is read after every other
// (in one order and then the reverse) and must give what it gives first.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "plancmp/output.h"
#include "plancmp/pipeline.h"
#include "test_support.h"

TEST_CASE("a plan's units do not depend on the plans read before it") {
  std::vector<std::pair<std::string, std::string>> plans;  // name, bytes
  for (const auto& path : plancmp_test::sample_plan_files())
    plans.emplace_back(path.filename().string(), plancmp_test::slurp(path));
  REQUIRE(plans.size() >= 2);
  std::map<std::string, std::string> first;
  for (const auto& [name, bytes] : plans) first[name] = plancmp::to_yaml(plancmp::extract_bytes(bytes, name));
  for (auto it = plans.rbegin(); it != plans.rend(); ++it) {
    CAPTURE(it->first);
    CHECK(plancmp::to_yaml(plancmp::extract_bytes(it->second, it->first)) == first[it->first]);
  }
}
