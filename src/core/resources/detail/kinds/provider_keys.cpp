// Provider keys (docs/gateway-parity.md, "Loading"; the newest schema read adds `apis` and
// `resolve_address`): every object closed, nullable where the gateway's schema says so.
#include "core/resources/detail/kinds/entries.h"

#include "core/upstream/address.h"

#include <algorithm>

namespace pg::resources_detail {

namespace {

void number(EntryLog& l, const std::string& p, const json& v) {
  check_number(l, p, v, -std::numeric_limits<double>::infinity());
}
void string_map(EntryLog& l, const std::string& p, const json& v) { check_string_map(l, p, v); }
void mapping(EntryLog& l, const std::string& p, const json& v) { check_object(l, p, v); }

void adapter(EntryLog& l, const std::string& p, const json& v) {
  check_enum(l, p, v, {"openai", "anthropic", "bedrock", "vertex", "azure-openai"});
}

void request_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> constraints = {{"temperature_min", number, false, true},
                                                     {"temperature_max", number, false, true}};
  static const std::vector<FieldRule> rules = {
      {"param_renames", string_map},
      {"param_constraints",
       [](EntryLog& l2, const std::string& p2, const json& v2) { check_fields(l2, p2, v2, constraints); }, false, true},
      {"default_headers", string_map},
      {"forward_client_headers", string_list},
      {"forward_jwt_header", check_jwt_header_slot, false, true},
      {"default_body_fields", mapping},  // an open map of body fields
  };
  check_fields(l, p, v, rules);
}

void response_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"stream_done_marker",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         check_enum(l2, p2, v2, {"required", "optional", "none"});
       },
       false, true},
      {"content_list_to_string", boolean},
      {"error_envelope", any_string, false, true},
      {"reasoning_field", any_string, false, true},
  };
  check_fields(l, p, v, rules);
}

void tls_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {{"ca_cert", any_string, false, true}, {"verify", boolean}};
  check_fields(l, p, v, rules);
}

void telemetry_tags(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> rules = {
      {"branded_provider", any_string, false, true},
      {"byo_label", any_string, false, true},
      {"featured", boolean},
      {"kind",
       [](EntryLog& l2, const std::string& p2, const json& v2) {
         check_enum(l2, p2, v2, {"catalog", "byo"});
       },
       false, true},
      {"pk_label", any_string, false, true},
  };
  check_fields(l, p, v, rules);
}

// `apis`: further native surfaces of the same upstream, each with an optional base of its own.
void apis_block(EntryLog& l, const std::string& p, const json& v) {
  static const std::vector<FieldRule> endpoint = {{"base", any_string, false, true}};
  static const std::vector<FieldRule> rules = {
      {"messages", [](EntryLog& l2, const std::string& p2, const json& v2) { check_fields(l2, p2, v2, endpoint); },
       false, true},
      {"responses", [](EntryLog& l2, const std::string& p2, const json& v2) { check_fields(l2, p2, v2, endpoint); },
       false, true},
  };
  check_fields(l, p, v, rules);
}

// `resolve_address`: an IP literal without port or brackets (the schema's format "ip").
void ip_literal(EntryLog& l, const std::string& p, const json& v) {
  if (!check_string(l, p, v, true)) return;
  const auto& s = v.get_ref<const std::string&>();
  const bool dotted = s.find_first_not_of("0123456789.") == std::string::npos &&
                      std::count(s.begin(), s.end(), '.') == 3 && parse_ipv4(s).has_value();
  if (!dotted && !parse_ipv6(s))
    l.error(p, "must be an IPv4 or IPv6 address, without a port or brackets (the address to connect to)");
}

const std::vector<FieldRule>& provider_key_rules() {
  static const std::vector<FieldRule> rules = {
      {"display_name", non_empty_string, true},
      {"api_key", non_empty_string},
      {"secret", non_empty_string},
      {"api_base", any_string, false, true},
      {"provider", any_string},
      {"adapter", adapter, false, true},
      {"apis", apis_block, false, true},
      {"request", request_block, false, true},
      {"resolve_address", ip_literal, false, true},
      {"response", response_block, false, true},
      {"strip_headers", string_list},
      {"telemetry_tags", telemetry_tags},
      {"tls", tls_block, false, true},
  };
  return rules;
}

}  // namespace

std::optional<ProviderKey> read_provider_key(const json& doc, EntryLog& log) {
  if (!doc.is_object()) {
    log.error("", std::string("a provider key must be a mapping, not ") + describe_type(doc));
    return std::nullopt;
  }
  const std::size_t errors_before = log.errors_logged();
  const auto& rules = provider_key_rules();
  check_members(log, "", doc, rules, Unknown::Refuse);

  // `secret` is a serde alias of `api_key`: both at once is the decoder's "duplicate field".
  const bool has_key = member(doc, "api_key") != nullptr, has_secret = member(doc, "secret") != nullptr;
  if (has_key && has_secret)
    log.error("secret", "duplicate field: `api_key` and `secret` (its legacy alias) are both set: keep exactly one");
  else if (!has_key && !has_secret)
    log.error("api_key", "is required (the upstream credential; `secret` is accepted as a legacy alias)");

  if (log.errors_logged() != errors_before) return std::nullopt;

  ProviderKey key;
  key.display_name = string_or_empty(doc, "display_name");
  key.provider = string_or_empty(doc, "provider");
  key.adapter = string_or_empty(doc, "adapter");
  key.api_base = string_or_empty(doc, "api_base");
  key.api_key = string_or_empty(doc, has_key ? "api_key" : "secret");
  // An Anthropic-wire key that declares where its Messages API lives is called there.
  if (const json* apis = member(doc, "apis")) {
    if (const json* messages = member(*apis, "messages")) key.messages_base = string_or_empty(*messages, "base");
  }
  key.canonical = known_members_only(doc, rules);
  key.canonical.erase("secret");
  key.canonical["api_key"] = key.api_key;
  return key;
}

}  // namespace pg::resources_detail
