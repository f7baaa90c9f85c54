#include "core/upstream/curl.h"

#include "core/base/detail/json_writer.h"

namespace pg {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";  // close, escaped quote, reopen
    else
      out.push_back(c);
  }
  out += "'";
  return out;
}

std::string curl_command(const UpstreamPlan& plan, const json& body) {
  if (!plan.ok) return "# the base URL cannot be used: " + plan.error;
  // The header is double-quoted so the shell expands $PROVIDER_KEY; nothing else in it can
  // be expanded because header names and schemes are fixed words.
  std::string cmd = "curl " + shell_quote(plan.url) + " \\\n";
  cmd += "  -H \"" + plan.auth_header + ": " + plan.auth_scheme + "$PROVIDER_KEY\" \\\n";
  cmd += "  -H 'Content-Type: application/json' \\\n";
  for (const auto& [name, value] : plan.extra_headers) cmd += "  -H " + shell_quote(name + ": " + value) + " \\\n";
  const json* stream = member(body, "stream");
  if (stream && stream->is_boolean() && stream->get<bool>()) cmd += "  -N \\\n";
  std::string pretty;
  write_json(body, pretty, 2);
  cmd += "  -d " + shell_quote(pretty);
  return cmd;
}

}  // namespace pg
