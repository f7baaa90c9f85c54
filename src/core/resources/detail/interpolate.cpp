#include "core/resources/detail/interpolate.h"

#include "core/base/json_path.h"

namespace pg {

namespace {

Interpolated failure(std::string error, std::string unset = "") {
  Interpolated out;
  out.error = std::move(error);
  out.unset = std::move(unset);
  return out;
}

}  // namespace

Interpolated interpolate(std::string_view input, const EnvMap& env, bool keep_unset) {
  Interpolated out;
  out.value.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    const char c = input[i];
    const char next = i + 1 < input.size() ? input[i + 1] : '\0';
    if (c != '$' || (next != '$' && next != '{')) {
      out.value.push_back(c);  // ordinary text, a bare $NAME, or a trailing $
      continue;
    }
    if (next == '$') {
      out.value.push_back('$');
      ++i;
      continue;
    }
    const std::size_t close = input.find('}', i + 2);
    if (close == std::string_view::npos)
      return failure("unterminated `${`: close it with `}`, or write `$${` for a literal `${`");
    const std::string name(input.substr(i + 2, close - i - 2));
    if (name.empty()) return failure("empty variable name in `${}`");
    const auto found = env.find(name);
    if (found == env.end() || found->second.empty()) {
      std::string message = "environment variable `" + excerpt(name, 80) + "` is " +
                            (found == env.end() ? "unset" : "empty") +
                            " (the gateway refuses an unset or empty ${VAR})";
      if (!keep_unset) return failure(std::move(message), name);
      if (out.unset.empty()) {
        out.unset = name;
        out.error = std::move(message);
      }
      out.value.append(input.substr(i, close - i + 1));
    } else {
      out.value += found->second;
    }
    i = close;
  }
  out.ok = true;
  return out;
}

namespace {

json walk(const json& value, const EnvMap& env, bool keep_unset, const std::string& path, std::size_t depth,
          std::vector<InterpolationError>& errors) {
  if (depth > kMaxJsonDepth) {
    errors.push_back({path, "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels", ""});
    return nullptr;
  }
  if (value.is_string()) {
    Interpolated r = interpolate(value.get_ref<const std::string&>(), env, keep_unset);
    if (!r.error.empty()) errors.push_back({path, std::move(r.error), std::move(r.unset)});
    return r.ok ? json(std::move(r.value)) : value;
  }
  if (value.is_array()) {
    json out = json::array();
    std::size_t i = 0;
    for (const auto& item : value) {
      out.push_back(walk(item, env, keep_unset, index_path(path, i), depth + 1, errors));
      ++i;
    }
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it)
      out[it.key()] = walk(it.value(), env, keep_unset, join_path(path, it.key()), depth + 1, errors);
    return out;
  }
  return value;
}

}  // namespace

json interpolate_tree(const json& value, const EnvMap& env, std::vector<InterpolationError>& errors, bool keep_unset) {
  return walk(value, env, keep_unset, "", 0, errors);
}

}  // namespace pg
