// Internal to the file loader: the gateway's third pass, the rules that span entries — every
// name a file entry references must be defined in the same file (globs exempt), caller
// credentials and JWT bindings must be unique, enabled OIDC issuers distinct, and URLs the
// gateway publishes must not carry credentials.
#pragma once

#include "core/resources/detail/kinds/entries.h"

namespace pg::resources_detail {

// One file entry after its own checks: `doc` is canonical (sugar rewritten), `raw` as written
// (after ${VAR} interpolation). `valid` when the entry's own checks passed.
struct CheckedEntry {
  std::string kind;
  std::string scope;
  json raw;
  json doc;
  bool valid = false;
};

void check_cross_references(const std::vector<CheckedEntry>& entries, const IdentityMaps& ids,
                            std::vector<ResourceError>& errors);

// True when a URL carries credentials: user info before the host, or a query parameter named
// access_token, token, client_secret, password, api_key or apikey (any case).
bool url_has_credentials(std::string_view url);

}  // namespace pg::resources_detail
