#include "core/upstream/curl.h"

#include "core/base/detail/json_writer.h"
#include "core/base/text.h"

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
  const auto& headers = call.headers;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (equals_nocase(headers[i].first, call.key_header)) continue;
    std::size_t last = i;  // a name's first place, with its last value
    bool earlier = false;
    for (std::size_t j = 0; j < headers.size(); ++j)
      if (equals_nocase(headers[j].first, headers[i].first)) {
        if (j < i) earlier = true;
        last = j;
      }
    if (!earlier) cmd += "  -H " + shell_quote(headers[last].first + ": " + headers[last].second) + " \\\n";
  }
  const json* stream = member(body, "stream");
  if (stream && stream->is_boolean() && stream->get<bool>()) cmd += "  -N \\\n";
  std::string pretty;
  write_json(body, pretty, 2);
  cmd += "  -d " + shell_quote(pretty);
  return cmd;
}

}  // namespace pg
