// ${NAME} interpolation in the AISIX resources file, with the gateway's grammar: `${NAME}` is
// replaced by the variable (unset or empty → error), `$$` is a literal `$`, a bare `$NAME`
// passes through, an unterminated `${` or an empty `${}` is an error, and there is no
// default-value syntax (`${X:-y}` names a variable called "X:-y").
#pragma once

#include "core/base/json_util.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pg {

using EnvMap = std::unordered_map<std::string, std::string>;

struct Interpolated {
  bool ok = false;
  std::string value;  // when ok
  std::string error;  // when !ok; names the variable, never the value around it (it may be a secret)
  std::string unset;  // the unset or empty variable that caused the error, if that was the cause
};

// keep_unset (not the gateway's behaviour; the playground's demo mode): an unset or empty
// variable leaves its `${NAME}` text in place and is named in `unset`, with `ok` still true.
Interpolated interpolate(std::string_view input, const EnvMap& env, bool keep_unset = false);

struct InterpolationError {
  std::string path;  // relative to the entry: "api_key", "routing.targets[0].model"
  std::string message;
  std::string unset;  // set when the cause is an unset or empty variable
};

// A copy of `value` with every string scalar interpolated (mapping keys are not, so a variable
// can never add structure). Each failing string is reported once, with its path. With
// keep_unset, strings naming unset variables are reported too but keep their `${NAME}` text.
json interpolate_tree(const json& value, const EnvMap& env, std::vector<InterpolationError>& errors,
                      bool keep_unset = false);

}  // namespace pg
