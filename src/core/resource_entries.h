// Internal to the resources reader: one provider key or model document → its typed value,
// checked against the gateway's documented fields (shared/references/aisix-resources.md §2, §3,
// §5). The same readers serve the file (strict, `provider_key` name sugar) and etcd rows
// (lenient, canonical `provider_key_id` only).
#pragma once

#include "core/resource_checks.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg::resources_detail {

// File mode: provider key display_name → derived id, to resolve `provider_key` and to check
// that a `provider_key_id` names a key of the same file. Etcd mode passes nullptr.
using KeyIdsByName = std::map<std::string, std::string>;

// Returns a value only when the entry logged no error. `id` is left for the caller to set.
std::optional<ProviderKey> read_provider_key(const json& doc, EntryLog& log);
std::optional<Model> read_model(const json& doc, EntryLog& log, const KeyIdsByName* file_keys);

// The model names a multi-target model refers to, each with the field it came from
// ("routing.targets[1].model"), in document order.
std::vector<std::pair<std::string, std::string>> model_references(const json& model_doc);

}  // namespace pg::resources_detail
