// Joins streamed tool-call fragments into whole calls. OpenAI sends, per call, a first
// fragment with `index`, `id`, `type` and `function.name`, then fragments with the same
// `index` carrying pieces of `function.arguments` to concatenate.
#pragma once

#include "core/base/json_util.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pg {

class ToolCallAssembler {
 public:
  // What was odd about a fragment (bit flags); the caller turns them into findings.
  enum Note : unsigned {
    kNotObject = 1u << 0,           // ignored
    kBadIndex = 1u << 1,            // index not a small non-negative integer: ignored
    kMissingIndex = 1u << 2,        // placed by its id, or onto the last call
    kIndexReused = 1u << 3,         // a new id at a known index: started a new call
    kArgumentsNotString = 1u << 4,  // an object/array: appended as JSON text
    kArgumentsBadType = 1u << 5,    // a number/bool: ignored
    kTooManyCalls = 1u << 6,        // beyond kMaxCalls: ignored
  };
  static constexpr std::size_t kMaxCalls = 128;
  static constexpr std::uint64_t kMaxIndex = 1024;

  unsigned add(const json& fragment);

  bool empty() const { return calls_.empty(); }
  // [{id, type, function: {name, arguments}}] in order of first appearance.
  json calls() const;

 private:
  struct Call {
    std::uint64_t index = 0;
    std::string id, type, name, arguments;
  };
  Call* last_with_index(std::uint64_t index);
  std::vector<Call> calls_;
};

}  // namespace pg
