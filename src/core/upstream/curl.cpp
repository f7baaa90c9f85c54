#include "core/upstream/curl.h"

#include "core/base/detail/json_writer.h"
#include "core/base/text.h"

#include <algorithm>

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

namespace {

// Inside double quotes only these four keep a meaning to the shell; each is escaped, so the
// key header's name and scheme stay literal whatever the relay's plan holds, and only
// $PROVIDER_KEY is expanded.
std::string double_quoted_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '$' || c == '`') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string curl_command(const CurlCall& call, const json& body) {
  std::string cmd = "curl " + shell_quote(call.url) + " \\\n";
  cmd += "  -H \"" + double_quoted_literal(call.key_header + ": " + call.key_scheme) + "$PROVIDER_KEY\" \\\n";
  const std::string key_header = lower_ascii(call.key_header);
  std::vector<std::pair<std::string, std::string>> sent;  // lower-cased name, "Name: value"
  for (const auto& [name, value] : call.headers) {
    std::string lower = lower_ascii(name);
    if (lower == key_header) continue;
    auto same = std::find_if(sent.begin(), sent.end(), [&](const auto& h) { return h.first == lower; });
    if (same == sent.end()) same = sent.insert(sent.end(), {std::move(lower), std::string()});
    same->second = name + ": " + value;
  }
  for (const auto& h : sent) cmd += "  -H " + shell_quote(h.second) + " \\\n";
  const json* stream = member(body, "stream");
  if (stream && stream->is_boolean() && stream->get<bool>()) cmd += "  -N \\\n";
  std::string pretty;
  write_json(body, pretty, 2);
  cmd += "  -d " + shell_quote(pretty);
  return cmd;
}

}  // namespace pg
