// yaml-cpp positions as plancmp errors (private to src/): a YAML::Mark is
// 0-based and -1 when unknown; messages are 1-based file:line:col.
#pragma once
#include <string>

#include <yaml-cpp/yaml.h>

#include "plancmp/diagnostic.h"

namespace plancmp {

[[noreturn]] inline void throw_at_mark(const std::string& file, const std::string& text, const YAML::Mark& mark,
                                       const std::string& message) {
  throw error_in_text(file, text, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0,
                      message);
}

}  // namespace plancmp
