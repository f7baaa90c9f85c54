#include "core/answer/detail/tool_call_assembler.h"

#include <algorithm>
#include <cmath>

namespace pg {

ToolCallAssembler::Call* ToolCallAssembler::last_with_index(std::uint64_t index) {
  for (auto it = calls_.rbegin(); it != calls_.rend(); ++it)
    if (it->index == index) return &*it;
  return nullptr;
}

unsigned ToolCallAssembler::add(const json& fragment) {
  if (!fragment.is_object()) return kNotObject;
  unsigned notes = 0;
  const auto* id = string_member(fragment, "id");
  if (id && id->empty()) id = nullptr;

  Call* target = nullptr;
  std::uint64_t index = 0;
  const json* index_value = member(fragment, "index");
  if (!index_value || index_value->is_null()) {
    // Some servers omit the index: a new id starts a new call, anything else continues
    // the last one.
    notes |= kMissingIndex;
    const bool new_call = calls_.empty() || (id && !calls_.back().id.empty() && calls_.back().id != *id);
    if (!new_call) {
      target = &calls_.back();
      index = target->index;
    } else {
      for (const Call& call : calls_) index = std::max(index, call.index + 1);
    }
  } else {
    if (index_value->is_number_unsigned()) {
      index = index_value->get<std::uint64_t>();
    } else if (index_value->is_number_integer() && index_value->get<std::int64_t>() >= 0) {
      index = static_cast<std::uint64_t>(index_value->get<std::int64_t>());
    } else if (index_value->is_number_float() && index_value->get<double>() >= 0 &&
               std::floor(index_value->get<double>()) == index_value->get<double>() &&
               index_value->get<double>() <= static_cast<double>(kMaxIndex)) {
      index = static_cast<std::uint64_t>(index_value->get<double>());
    } else {
      return notes | kBadIndex;
    }
    if (index > kMaxIndex) return notes | kBadIndex;
    target = last_with_index(index);
    if (target && id && !target->id.empty() && target->id != *id) {
      notes |= kIndexReused;
      target = nullptr;
    }
  }

  if (!target) {
    if (calls_.size() >= kMaxCalls) return notes | kTooManyCalls;
    calls_.push_back(Call{});
    target = &calls_.back();
    target->index = index;
  }
  if (id && target->id.empty()) target->id = *id;
  if (const auto* type = string_member(fragment, "type"); type && target->type.empty()) target->type = *type;

  const json* function = member(fragment, "function");
  if (!function || !function->is_object()) return notes;
  if (const auto* name = string_member(*function, "name"); name && !name->empty()) {
    // The name normally comes whole in the first fragment; some servers repeat it.
    if (target->name.empty())
      target->name = *name;
    else if (target->name != *name)
      target->name += *name;
  }
  const json* arguments = member(*function, "arguments");
  if (arguments && !arguments->is_null()) {
    if (arguments->is_string())
      target->arguments += arguments->get_ref<const std::string&>();
    else if (arguments->is_object() || arguments->is_array()) {
      target->arguments += dump_json(*arguments);
      notes |= kArgumentsNotString;
    } else {
      notes |= kArgumentsBadType;
    }
  }
  return notes;
}

json ToolCallAssembler::calls() const {
  json out = json::array();
  for (const Call& call : calls_) {
    out.push_back(json{{"id", call.id.empty() ? json(nullptr) : json(call.id)},
                       {"type", call.type.empty() ? std::string("function") : call.type},
                       {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
  }
  return out;
}

}  // namespace pg
