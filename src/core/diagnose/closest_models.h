// "Did you mean …?": the names of a provider's model list closest to a model name the
// provider refused. Case does not count; a dated suffix (-2024-08-06, -20241022, -0613) or
// -latest (and Ollama's :latest) is read as a version of the same model; one name that starts
// another at a separator (gpt-4o, gpt-4o-mini) is near; otherwise the edit distance decides,
// relative to the names' length. At most kMaxSuggestions names, the closest first; none when
// nothing is close (a list of unrelated models suggests nothing).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

inline constexpr std::size_t kMaxSuggestions = 3;

// `ids`: the provider's list (model_list.h's reader bounds it). The wanted name itself, when
// listed exactly, is never suggested.
std::vector<std::string> closest_models(std::string_view wanted, const std::vector<std::string>& ids,
                                        std::size_t max = kMaxSuggestions);

}  // namespace pg
