// etcd rows (core/resources/resources.h): one row checked as the gateway's etcd loader reads
// it (canonical JSON, lenient), and a snapshot assembled from rows, a bad row skipped and
// reported.
#include "core/resources/resources.h"

#include "core/base/text.h"
#include "core/resources/detail/kinds/entries.h"

#include <string_view>

namespace pg {

using resources_detail::EntryLog;
using resources_detail::Mode;

RowResult parse_row(std::string_view kind, std::string_view id, std::string_view value) {
  namespace d = resources_detail;
  RowResult out;
  EntryLog log(Mode::Etcd, std::string(kind) + "/" + excerpt(id, 80), out.errors, out.warnings);
  static const char* kKinds[] = {"models",
                                 "provider_keys",
                                 "api_keys",
                                 "guardrails",
                                 "guardrail_attachments",
                                 "cache_policies",
                                 "observability_exporters",
                                 "rate_limit_policies",
                                 "mcp_servers",
                                 "mcp_policies",
                                 "a2a_agents",
                                 "oidc_providers",
                                 "claim_mappings",
                                 "passthrough_routes",
                                 "mcp_auth_settings"};
  bool known = false;
  for (const char* k : kKinds) known = known || kind == k;
  if (!known) {
    log.error("", "unknown kind: the gateway skips rows of kinds it does not read");
    return out;
  }
  if (id.empty()) {
    log.error("", "the row's key has no id");
    return out;
  }
  ParseOutcome parsed = parse_json(value);
  if (!parsed.value) {
    log.error("", "the row's value is not JSON: " + parsed.error);
    return out;
  }
  json doc = std::move(*parsed.value);
  if (doc.is_object() && doc.contains("id")) {
    // The row's key names the resource; an id inside the value is redundant at best.
    const std::string* inner = string_member(doc, "id");
    if (!inner || *inner != id) log.warning("id", "differs from the id in the row's key; the key's id is used");
    doc.erase("id");
  }
  bool keep = false;  // a valid row of a TrafficContext kind
  if (kind == "provider_keys") {
    out.provider_key = d::read_provider_key(doc, log);
    if (out.provider_key) out.provider_key->id = std::string(id);
  } else if (kind == "models") {
    out.model = d::read_model(doc, log, nullptr);
    if (out.model) out.model->id = std::string(id);
  } else if (kind == "api_keys")
    keep = d::check_api_key(doc, log, nullptr);
  else if (kind == "guardrails")
    keep = d::check_guardrail(doc, log);
  else if (kind == "guardrail_attachments")
    keep = d::check_guardrail_attachment(doc, log, nullptr);
  else if (kind == "cache_policies")
    keep = d::check_cache_policy(doc, log);
  else if (kind == "observability_exporters")
    d::check_observability_exporter(doc, log);
  else if (kind == "rate_limit_policies")
    keep = d::check_rate_limit_policy(doc, log, nullptr);
  else if (kind == "mcp_servers")
    d::check_mcp_server(doc, log);
  else if (kind == "a2a_agents")
    d::check_a2a_agent(doc, log);
  else if (kind == "oidc_providers")
    d::check_oidc_provider(doc, log);
  else if (kind == "claim_mappings")
    d::check_claim_mapping(doc, log, nullptr);
  else if (kind == "passthrough_routes")
    d::check_passthrough_route(doc, log, nullptr);
  else if (kind == "mcp_auth_settings")
    d::check_mcp_auth_settings(doc, log);
  // mcp_policies: read by the gateway's etcd loader; its schema was not read (docs/gateway-parity.md).
  if (keep && out.errors.empty()) {
    out.traffic = TrafficEntry{std::string(id), std::move(doc)};
    out.traffic_kind = std::string(kind);
  }
  return out;
}

std::vector<TrafficEntry>* TrafficContext::list(std::string_view kind) {
  if (kind == "api_keys") return &api_keys;
  if (kind == "guardrails") return &guardrails;
  if (kind == "guardrail_attachments") return &guardrail_attachments;
  if (kind == "cache_policies") return &cache_policies;
  if (kind == "rate_limit_policies") return &rate_limit_policies;
  return nullptr;
}

void add_row(Resources& resources, RowResult&& row) {
  if (row.provider_key) resources.provider_keys.push_back(std::move(*row.provider_key));
  if (row.model) resources.models.push_back(std::move(*row.model));
  if (row.traffic)
    if (std::vector<TrafficEntry>* list = resources.traffic.list(row.traffic_kind))
      list->push_back(std::move(*row.traffic));
  for (auto& e : row.errors) resources.warnings.push_back(std::move(e));
  for (auto& w : row.warnings) resources.warnings.push_back(std::move(w));
}

Resources load_rows(const json& rows) {
  Resources r;
  if (rows.is_array()) {
    for (const auto& row : rows) {
      const auto* kind = string_member(row, "kind");
      const auto* id = string_member(row, "id");
      const auto* value = string_member(row, "value");
      if (!kind || !id || !value) continue;
      // A bad row is skipped and reported, as the gateway does; the rest keeps serving.
      add_row(r, parse_row(*kind, *id, *value));
    }
  }
  resolve_models(r);
  return r;
}

}  // namespace pg
