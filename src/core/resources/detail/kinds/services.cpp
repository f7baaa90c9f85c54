// MCP servers, A2A agents, cache policies and observability exporters (the gateway's newest
// schemas for each): the fields, their types, the auth modes that need a secret, and the
// endpoint patterns the exporters accept. Cache policies and exporters are open objects.
#include "core/base/text.h"
#include "core/resources/detail/kinds/entries.h"

#include <cstring>

namespace pg::resources_detail {

namespace {

bool non_empty_string_value(const json& doc, const char* field) {
  const std::string* s = string_member(doc, field);
  return s && !s->empty();
}

// `name` and its alternative spelling `display_name` are one field to the gateway's decoder.
bool one_label(const json& doc, EntryLog& log) {
  if (member(doc, "name") && member(doc, "display_name")) {
    log.error("display_name",
              "duplicate field: `name` and `display_name` (its alternative spelling) are both set: "
              "keep exactly one");
    return false;
  }
  return true;
}

// An MCP tool is exposed as <server>__<tool>: the server's label may not hold "__".
void mcp_label(EntryLog& l, const std::string& p, const json& v) {
  if (!check_string(l, p, v, true)) return;
  if (v.get_ref<const std::string&>().find("__") != std::string::npos)
    l.error(p, "must not contain \"__\" (the separator of the <server>__<tool> names the gateway exposes)");
}

// An agent is served at /a2a/<name>: one URL path segment. The gateway's pattern, read as
// written, also refuses '-' (its character class ends in a literal hyphen).
void a2a_label(EntryLog& l, const std::string& p, const json& v) {
  if (!check_string(l, p, v, true)) return;
  for (char ch : v.get_ref<const std::string&>()) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || ch == '/' || ch == '?' || ch == '#' || ch == '%' || ch == '-') {
      l.error(p, "must be a single URL path segment without '/', '?', '#', '%', '-', spaces or control characters");
      return;
    }
  }
}

// A secret is required (non-empty) for the auth types that send one.
void require_secret(const json& doc, EntryLog& log, std::initializer_list<const char*> fields) {
  for (const char* field : fields)
    if (!non_empty_string_value(doc, field))
      log.error(field, std::string("is required for auth_type ") + *string_member(doc, "auth_type"));
}

// An MCP server's or A2A agent's mapping: one label, then its fields. False: nothing more to check.
bool service_fields(const json& doc, EntryLog& log, const std::vector<FieldRule>& rules) {
  return check_object(log, "", doc) && one_label(doc, log) && check_fields(log, "", doc, rules);
}

// What the service's auth_type sends, required: bearer and api_key a `secret`, oauth2 also
// the client id and token URL. Returns the auth_type (nullptr when unset).
const std::string* require_auth_secrets(const json& doc, EntryLog& log) {
  const std::string* auth = string_member(doc, "auth_type");
  if (auth && (*auth == "bearer" || *auth == "api_key")) require_secret(doc, log, {"secret"});
  if (auth && *auth == "oauth2") require_secret(doc, log, {"secret", "client_id", "token_url"});
  return auth;
}

// "^https://.+|^http://(<allowed hosts>)(:[0-9]+)?(/.*)?$": https anywhere, plain http only
// to the local test hosts the gateway allows.
bool endpoint_allowed(const std::string& s, std::initializer_list<const char*> http_hosts, bool path_allowed) {
  if (starts_with(s, "https://") && s.size() > 8) return true;
  if (!starts_with(s, "http://")) return false;
  std::string_view rest = std::string_view(s).substr(7);
  for (const char* host : http_hosts) {
    if (rest.substr(0, std::strlen(host)) != host) continue;
    std::string_view after = rest.substr(std::strlen(host));
    if (!after.empty() && after.front() == ':') {
      std::size_t digits = 1;
      while (digits < after.size() && is_digit(after[digits])) ++digits;
      if (digits == 1) continue;
      after.remove_prefix(digits);
    }
    if (after.empty() || (path_allowed && after.front() == '/')) return true;
  }
  return false;
}

}  // namespace

bool check_mcp_server(json& doc, EntryLog& log) {
  static const std::vector<FieldRule> rules = {
      {"api_key_header", non_empty_string, false, true},
      {"auth_type",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"none", "bearer", "api_key", "oauth2"});
       }},
      {"client_id", any_string, false, true},
      {"display_name", mcp_label},
      {"enabled", boolean},
      {"forward_client_headers", string_list},
      {"forward_jwt_header", check_jwt_header_slot, false, true},
      {"name", mcp_label},
      {"protocol_version",
       [](EntryLog& l, const std::string& p, const json& v) { check_enum(l, p, v, {"2026-07-28"}); }, false, true},
      {"scopes", string_list, false, true},
      {"secret", any_string, false, true},
      {"spec", nullptr},
      {"timeout_ms", positive_int, false, true},
      {"token_url", any_string, false, true},
      {"transport", [](EntryLog& l, const std::string& p, const json& v) { check_enum(l, p, v, {"streamable_http"}); }},
      {"type",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"mcp", "openapi"});
       }},
      {"url", non_empty_string, true},
  };
  if (!service_fields(doc, log, rules)) return false;
  const std::size_t before = log.errors_logged();
  const std::string* auth = require_auth_secrets(doc, log);
  const std::string* type = string_member(doc, "type");
  if (type && *type == "openapi") {
    const json* spec = member(doc, "spec");
    if (!spec || !spec->is_object())
      log.error("spec", "is required for type openapi: the OpenAPI 3.x document, as a mapping");
    else if (member(*spec, "swagger"))
      log.error("spec", "must be an OpenAPI 3.x document, not Swagger 2.0");
    if (const std::string* header = string_member(doc, "api_key_header")) {
      if (!is_http_token(*header)) log.error("api_key_header", "must be an HTTP header name");
      if (!auth || *auth != "api_key") log.error("api_key_header", "is only used with auth_type api_key");
    }
  } else {
    for (const char* field : {"api_key_header", "spec"})
      if (present(doc, field)) log.error(field, "belongs to type openapi; leave it unset for an MCP server");
  }
  return log.errors_logged() == before;
}

bool check_a2a_agent(json& doc, EntryLog& log) {
  static const std::vector<FieldRule> rules = {
      {"auth_type",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"none", "bearer", "api_key"});
       }},
      {"display_name", a2a_label},
      {"enabled", boolean},
      {"forward_client_headers", string_list},
      {"name", a2a_label},
      {"protocol_version",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"1.0", "0.3"});
       }},
      {"secret", any_string, false, true},
      {"timeout_ms", positive_int, false, true},
      {"url", non_empty_string, true},
  };
  if (!service_fields(doc, log, rules)) return false;
  const std::size_t before = log.errors_logged();
  require_auth_secrets(doc, log);  // its auth_type admits none, bearer and api_key
  return log.errors_logged() == before;
}

bool check_cache_policy(json& doc, EntryLog& log) {
  static const std::vector<FieldRule> rules = {
      {"applies_to", any_string},
      {"backend",
       [](EntryLog& l, const std::string& p, const json& v) {
         check_enum(l, p, v, {"memory", "redis"});
       }},
      {"enabled", boolean},
      {"name", any_string, true},
      {"ttl_seconds", [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 0, 4294967295LL); }},
  };
  return check_fields(log, "", doc, rules, Unknown::Open);
}

bool check_observability_exporter(json& doc, EntryLog& log) {
  auto content = [](std::vector<FieldRule> rules) {
    rules.push_back({"content_max_bytes",
                     [](EntryLog& l, const std::string& p, const json& v) { check_int(l, p, v, 1, 1048576); }});
    rules.push_back({"content_mode", [](EntryLog& l, const std::string& p, const json& v) {
                       check_enum(l, p, v, {"metadata_only", "full"});
                     }});
    return rules;
  };
  static const std::vector<FieldRule> base = {
      {"enabled", boolean},
      {"name", [](EntryLog& l, const std::string& p, const json& v) { check_string_length(l, p, v, 1, 120); }, true},
      {"kind", any_string, true}};
  auto plus = [&](std::vector<FieldRule> extra) {
    std::vector<FieldRule> rules = base;
    rules.insert(rules.end(), extra.begin(), extra.end());
    return rules;
  };
  static const std::vector<FieldRule> otlp = plus(content(
      {{"endpoint",
        [](EntryLog& l, const std::string& p, const json& v) {
          if (check_string(l, p, v, true) &&
              !endpoint_allowed(v.get_ref<const std::string&>(),
                                {"mock-otlp", "otel-collector", "127.0.0.1", "localhost"}, true))
            l.error(p, "must be an https:// URL (plain http only to a local collector)");
        },
        true},
       {"headers", [](EntryLog& l, const std::string& p, const json& v) { check_string_map(l, p, v); }},
       {"sample_rate", [](EntryLog& l, const std::string& p, const json& v) { check_number(l, p, v, 0, 1); }}}));
  static const std::vector<FieldRule> sls = plus(content({{"credential_ref", non_empty_string, true},
                                                          {"endpoint", non_empty_string, true},
                                                          {"logstore", non_empty_string, true},
                                                          {"project", non_empty_string, true}}));
  static const std::vector<FieldRule> object_store = plus(
      {{"auth_mode",
        [](EntryLog& l, const std::string& p, const json& v) {
          check_enum(l, p, v, {"credential_ref", "cloud_identity"});
        }},
       {"bucket", non_empty_string, true},
       {"compression",
        [](EntryLog& l, const std::string& p, const json& v) {
          check_enum(l, p, v, {"gzip", "none"});
        }},
       {"credential_ref", non_empty_string},
       {"endpoint",
        [](EntryLog& l, const std::string& p, const json& v) {
          if (check_string(l, p, v, false) &&
              !endpoint_allowed(v.get_ref<const std::string&>(),
                                {"minio", "azurite", "fake-gcs-server", "fake-gcs", "127.0.0.1", "localhost"}, true))
            l.error(p, "must be an https:// URL (plain http only to a local emulator)");
        }},
       {"prefix", non_empty_string, true},
       {"provider",
        [](EntryLog& l, const std::string& p, const json& v) {
          check_enum(l, p, v, {"s3", "gcs", "azure_blob"});
        },
        true},
       {"region", non_empty_string}});
  static const std::vector<FieldRule> datadog = plus(content({{"credential_ref", non_empty_string, true},
                                                              {"ddsource", non_empty_string},
                                                              {"service", non_empty_string, true},
                                                              {"site", non_empty_string, true},
                                                              {"tags", string_list}}));

  if (!check_object(log, "", doc)) return false;
  const std::string* kind = string_member(doc, "kind");
  const std::vector<FieldRule>* rules = nullptr;
  if (kind && *kind == "otlp_http")
    rules = &otlp;
  else if (kind && *kind == "aliyun_sls")
    rules = &sls;
  else if (kind && *kind == "object_store")
    rules = &object_store;
  else if (kind && *kind == "datadog")
    rules = &datadog;
  if (!rules) {
    log.error("kind", "must be one of otlp_http, aliyun_sls, object_store, datadog");
    return false;
  }
  if (!check_fields(log, "", doc, *rules, Unknown::Open)) return false;
  const std::size_t before = log.errors_logged();
  if (*kind == "aliyun_sls") {
    const std::string& endpoint = *string_member(doc, "endpoint");
    const std::string suffix = ".aliyuncs.com";
    const bool regional = endpoint.size() > suffix.size() &&
                          endpoint.compare(endpoint.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                          endpoint.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string::npos;
    if (!regional && !endpoint_allowed(endpoint, {"mock-sls", "127.0.0.1", "localhost"}, false))
      log.error("endpoint", "must be an SLS regional host such as ap-southeast-3.log.aliyuncs.com (no scheme)");
  }
  if (*kind == "datadog") {
    const std::string& site = *string_member(doc, "site");
    static const char* sites[] = {"datadoghq.com",     "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu",
                                  "ap1.datadoghq.com", "ap2.datadoghq.com", "ddog-gov.com"};
    bool ok = false;
    for (const char* s : sites) ok = ok || site == s;
    ok = ok || endpoint_allowed("http://" + site, {"mock-datadog", "127.0.0.1", "localhost"}, false);
    if (!ok) log.error("site", "must be a Datadog site such as datadoghq.com or datadoghq.eu");
  }
  if (*kind == "object_store") {
    const std::string* mode = string_member(doc, "auth_mode");
    if (mode && *mode == "cloud_identity") {
      const std::string* provider = string_member(doc, "provider");
      if (!provider || *provider == "azure_blob")
        log.error("provider", "auth_mode cloud_identity works with s3 or gcs only");
    } else if (!non_empty_string_value(doc, "credential_ref")) {
      log.error("credential_ref", "is required unless auth_mode is cloud_identity");
    }
  }
  return log.errors_logged() == before;
}

}  // namespace pg::resources_detail
