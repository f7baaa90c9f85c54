// The gateway's credential checks, per bridge (read in its OpenAI, Anthropic and Azure OpenAI
// bridges; docs/gateway-parity.md): an empty secret, or one that cannot be an HTTP header
// value (a line break or another control character), is refused before any request with 401.
// Azure trims the secret first, and takes one that starts with '{' as Entra ID client
// credentials, which it exchanges for a token sent as Authorization: Bearer.
#include "core/resources/detail/credentials.h"

#include "core/base/json_util.h"
#include "core/base/text.h"
#include "core/upstream/upstream.h"

namespace pg::resources_detail {

namespace {

// The HTTP library's rule for a header value: visible bytes, spaces and tabs; no other control.
bool header_value(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

std::string refused(const ProviderKey& key, const std::string& why) {
  return "the gateway refuses provider key `" + excerpt(key.display_name, 80) +
         "` before any request (401 invalid upstream credentials): its api_key " + why +
         "; set api_key to the provider's key as issued";
}

}  // namespace

std::string credential_problem(const ProviderKey& key) {
  const WireProtocol protocol = wire_protocol(key.provider, key.adapter);
  if (protocol == WireProtocol::AzureOpenAI) {
    const std::string_view secret = trim(key.api_key);
    if (secret.empty()) return refused(key, "is empty once trimmed");
    if (secret.front() == '{') {
      const ParseOutcome parsed = parse_json(secret);
      const json* creds = parsed.value ? &*parsed.value : nullptr;
      bool complete = creds && creds->is_object();
      for (const char* field : {"tenant_id", "client_id", "client_secret"}) {
        const std::string* v = complete ? string_member(*creds, field) : nullptr;
        complete = complete && v && !v->empty();
      }
      if (!complete)
        return refused(key,
                       "looks like JSON but is not Entra ID client credentials {tenant_id, client_id, "
                       "client_secret}");
      return "provider key `" + excerpt(key.display_name, 80) +
             "` holds Entra ID client credentials: the gateway exchanges them for a token and sends Authorization: "
             "Bearer <token>, which the playground cannot do; test this model through the gateway";
    }
    if (!header_value(secret)) return refused(key, "contains a line break or another control character");
    return "";
  }
  if (protocol == WireProtocol::Unsupported) return "";
  if (key.api_key.empty()) return refused(key, "is empty");
  if (!header_value(key.api_key)) return refused(key, "contains a line break or another control character");
  return "";
}

}  // namespace pg::resources_detail
