// What a stage derives from a grammar's patterns (helper regexes and sets,
// required-word tables, start tests) costs far more to build than to use and
// is the same for every document: it is built once per process for each
// distinct key (the patterns it comes from, see regex_key) and then shared,
// read-only, by every document and thread. Private to src/.
#pragma once
#include <re2/re2.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace plancmp {

template <class T>
class DerivedCache {
 public:
  // The value for `key`: `build()` (returning std::shared_ptr<const T>, null
  // allowed) runs the first time, under the lock, so it runs once even when
  // threads ask together. Entries are never erased (a run loads few
  // grammars), so what a value refers to stays valid.
  template <class Build>
  std::shared_ptr<const T> get(const std::string& key, Build&& build) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, fresh] = entries_.try_emplace(key);
    if (fresh) it->second = build();
    return it->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const T>> entries_;
};

// The options that change what a pattern means (and the memory it may use),
// as a short string: equal strings, equal readings.
inline std::string options_key(const RE2::Options& o) {
  std::string key;
  for (bool flag : {o.posix_syntax(), o.longest_match(), o.literal(), o.never_nl(), o.dot_nl(), o.never_capture(),
                    o.case_sensitive(), o.perl_classes(), o.word_boundary(), o.one_line(),
                    o.encoding() == RE2::Options::EncodingUTF8})
    key += flag ? '1' : '0';
  key += std::to_string(o.max_mem());
  return key;
}

// A key naming what a regex matches: its pattern and its options_key. Keys of
// several regexes are joined with '\0'.
inline std::string regex_key(const RE2& re) {
  return re.pattern() + '\0' + options_key(re.options()) + '\0';
}

}  // namespace plancmp
