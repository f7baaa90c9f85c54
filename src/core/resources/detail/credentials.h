// Internal to testability.cpp: what the gateway does with a provider key's secret
// before any request (its bridges' credential checks), so a key the gateway would refuse with
// 401 — or turn into another header — is not tested here as if it worked.
#pragma once

#include "core/resources/resources.h"

#include <string>

namespace pg::resources_detail {

// Why the gateway would not send this key as the playground would, or "" when it would.
std::string credential_problem(const ProviderKey& key);

}  // namespace pg::resources_detail
