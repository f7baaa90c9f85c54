// The gateway's cross-entry pass over a resources file (its loader's "pass 3"), and the name
// lookup the file sugar of every kind uses. Messages name entries and names, never a hash or a
// credential.
#include "core/resources/detail/references.h"

#include "core/base/text.h"

#include <map>
#include <set>

namespace pg::resources_detail {

namespace {

std::string defined_list(const IdentityMaps& ids, const char* kind) {
  const auto found = ids.find(kind);
  std::string names;
  if (found != ids.end())
    for (const auto& [name, id] : found->second) names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "none" : excerpt(names, 400);
}

bool defined(const IdentityMaps& ids, const char* kind, const std::string& name) {
  const auto found = ids.find(kind);
  return found != ids.end() && found->second.count(name) > 0;
}

bool defined_id(const IdentityMaps& ids, const char* kind, const std::string& id) {
  const auto found = ids.find(kind);
  if (found == ids.end()) return false;
  for (const auto& [name, derived] : found->second)
    if (derived == id) return true;
  return false;
}

std::vector<std::string> strings_at(const json& doc, const char* field) {
  std::vector<std::string> out;
  const json* list = member(doc, field);
  if (list && list->is_array())
    for (const auto& item : *list)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

void push(std::vector<ResourceError>& errors, const CheckedEntry& e, std::string field, std::string message) {
  errors.push_back({e.scope, std::move(field), std::move(message)});
}

// Model grants, route grants, credentials and JWT bindings of the api_keys entries.
void check_api_keys(const std::vector<CheckedEntry>& entries, const IdentityMaps& ids,
                    std::vector<ResourceError>& errors) {
  std::map<std::string, std::string> hashes;                            // key_hash → first scope
  std::map<std::pair<std::string, std::string>, std::string> bindings;  // (provider, subject) → scope
  for (const auto& e : entries) {
    if (e.kind != "api_keys" || !e.valid) continue;
    const auto models = strings_at(e.doc, "allowed_models");
    for (std::size_t i = 0; i < models.size(); ++i) {
      if (models[i].find('*') != std::string::npos || defined(ids, "models", models[i])) continue;
      push(errors, e, index_path("allowed_models", i),
           "allowed_models entry references unknown model \"" + excerpt(models[i], 80) +
               "\" (defined models: " + defined_list(ids, "models") + ")");
    }
    const auto routes = strings_at(e.doc, "allowed_routes");
    for (std::size_t i = 0; i < routes.size(); ++i) {
      if (routes[i].find('*') != std::string::npos || defined(ids, "passthrough_routes", routes[i])) continue;
      push(errors, e, index_path("allowed_routes", i),
           "allowed_routes entry references unknown passthrough route \"" + excerpt(routes[i], 80) +
               "\" (defined routes: " + defined_list(ids, "passthrough_routes") + ")");
    }
    // Authentication looks keys up by hash: two entries with one plaintext would silently collide.
    const std::string hash = string_or_empty(e.doc, "key_hash");
    const auto [first, inserted] = hashes.emplace(hash, e.scope);
    if (!inserted)
      push(errors, e, member(e.raw, "key_env") ? "key_env" : "key_hash",
           "duplicate api key credential: this entry's key resolves to the same key_hash as " + first->second +
               "; every api key must have a distinct plaintext");
    const std::string subject = string_or_empty(e.doc, "jwt_subject"),
                      provider = string_or_empty(e.doc, "jwt_provider");
    if (!subject.empty() && provider.empty()) {
      push(errors, e, "jwt_subject",
           "jwt_subject \"" + excerpt(subject, 80) +
               "\" is set without jwt_provider: a subject must name the OIDC "
               "provider allowed to assert it, or a second trusted provider could impersonate this identity");
    } else if (!subject.empty()) {
      const auto [bound, fresh] = bindings.emplace(std::make_pair(provider, subject), e.scope);
      if (!fresh)
        push(errors, e, "jwt_subject",
             "duplicate jwt binding \"" + excerpt(provider, 80) + "\"/\"" + excerpt(subject, 80) +
                 "\": already used by " + bound->second + "; every (jwt_provider, jwt_subject) pair must be distinct");
    }
  }
}

// Every model a multi-target model names exists (single-`*` globs are exempt); a reference by
// id must be the derived id of a model of this file. Checked on every model entry, so one load
// reports everything.
void check_models(const std::vector<CheckedEntry>& entries, const IdentityMaps& ids,
                  std::vector<ResourceError>& errors) {
  for (const auto& e : entries) {
    if (e.kind != "models") continue;
    for (const auto& [field, name] : model_references(e.raw)) {
      if (ends_with(field, "_id")) {
        if (!defined_id(ids, "models", name))
          push(errors, e, field,
               "does not match the derived id of any model in this file; reference the model by name");
        continue;
      }
      if (name.find('*') != std::string::npos || defined(ids, "models", name)) continue;
      push(errors, e, field,
           "references unknown model \"" + excerpt(name, 80) + "\" (defined models: " + defined_list(ids, "models") +
               ")");
    }
  }
}

void check_identity_providers(const std::vector<CheckedEntry>& entries, const IdentityMaps& ids,
                              std::vector<ResourceError>& errors) {
  std::map<std::string, std::string> issuers;
  for (const auto& e : entries) {
    if (e.kind == "oidc_providers" && e.valid) {
      const json* enabled = member(e.doc, "enabled");
      const std::string issuer = string_or_empty(e.doc, "issuer");
      if (!issuer.empty() && !(enabled && enabled->is_boolean() && !enabled->get<bool>())) {
        const auto [first, fresh] = issuers.emplace(issuer, e.scope);
        if (!fresh)
          push(errors, e, "issuer",
               "duplicate enabled OIDC issuer \"" + excerpt(issuer, 120) + "\": already used by " + first->second +
                   "; every enabled provider must have a distinct issuer");
      }
      for (const char* field : {"issuer", "jwks_uri"})
        if (url_has_credentials(string_or_empty(e.doc, field)))
          push(errors, e, field,
               std::string("OIDC provider ") + field +
                   " must not embed credentials (user info or a token query parameter): JWKS "
                   "endpoints are public");
    }
    if (e.kind == "claim_mappings" && e.valid) {
      const std::string provider = string_or_empty(e.doc, "jwt_provider");
      if (!defined(ids, "oidc_providers", provider))
        push(errors, e, "jwt_provider",
             "jwt_provider references unknown OIDC provider \"" + excerpt(provider, 80) +
                 "\" (defined providers: " + defined_list(ids, "oidc_providers") + ")");
      const json* resolve = member(e.doc, "resolve");
      const std::string key_id = resolve ? string_or_empty(*resolve, "api_key_id") : std::string();
      if (!defined_id(ids, "api_keys", key_id))
        push(errors, e, "resolve.api_key_id",
             "resolve.api_key_id does not match any api key defined in this file: reference the key by name via "
             "`resolve.api_key` instead");
    }
    if (e.kind == "mcp_auth_settings" && e.valid && url_has_credentials(string_or_empty(e.doc, "resource_url")))
      push(errors, e, "resource_url",
           "mcp_auth_settings resource_url must not embed credentials (user info or a token query parameter): "
           "protected resource metadata is public");
  }
}

}  // namespace

bool url_has_credentials(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::string_view after = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  if (after.substr(0, after.find_first_of("/?#")).find('@') != std::string_view::npos) return true;
  const std::size_t q = url.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = url.substr(q + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const std::string key = lower_ascii(pair.substr(0, pair.find('=')));
    if (key == "access_token" || key == "token" || key == "client_secret" || key == "password" || key == "api_key" ||
        key == "apikey")
      return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

std::optional<std::string> resolve_name(const FileSugar& file, const char* kind, const char* label,
                                        const std::string& name, const std::string& field, EntryLog& log) {
  const auto found = file.ids->find(kind);
  if (found != file.ids->end()) {
    const auto id = found->second.find(name);
    if (id != found->second.end()) return id->second;
  }
  const std::string names = defined_list(*file.ids, kind);
  log.error(field, "`" + field + "` references unknown " + label + " \"" + excerpt(name, 80) + "\" (" +
                       (names == "none" ? "no " + std::string(kind) + " are defined in this file"
                                        : "defined " + std::string(kind) + ": " + names) +
                       ")");
  return std::nullopt;
}

void check_cross_references(const std::vector<CheckedEntry>& entries, const IdentityMaps& ids,
                            std::vector<ResourceError>& errors) {
  check_api_keys(entries, ids, errors);
  check_models(entries, ids, errors);
  check_identity_providers(entries, ids, errors);
}

}  // namespace pg::resources_detail
