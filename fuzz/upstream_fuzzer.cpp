// upstream_url() and plan_chat_call() on an arbitrary base URL, path, provider, adapter
// and model name; curl_command() on the plan's call. Invariants: an accepted URL is http(s),
// has no fragment, no credentials and no whitespace; a plan's URL is an accepted one;
// shell_quote() always gives back exactly its text to a POSIX shell; the key header's
// double-quoted word expands only $PROVIDER_KEY, whatever its name and scheme hold.
//
// Input: [api_base '\n'][path '\n'][provider '\n'][adapter '\n'][model_name].
#include "core/upstream/curl.h"
#include "core/upstream/upstream.h"
#include "fuzz_util.h"

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

void check_url(const std::string& url) {
  PGFUZZ_CHECK(starts_with(url, "http://") || starts_with(url, "https://"));
  PGFUZZ_CHECK(url.find('#') == std::string::npos);
  for (char c : url) PGFUZZ_CHECK(static_cast<unsigned char>(c) > 0x20 && c != 0x7f);
  const std::size_t authority = url.find("//") + 2;
  const std::size_t authority_end = url.find_first_of("/?", authority);
  PGFUZZ_CHECK(url.substr(authority, authority_end - authority).find('@') == std::string::npos);
}

// What a POSIX shell makes of a word made only of '…' runs and \' (shell_quote's output).
std::string unquote(std::string_view word) {
  std::string out;
  std::size_t i = 0;
  while (i < word.size()) {
    if (word[i] == '\'') {
      const std::size_t close = word.find('\'', i + 1);
      PGFUZZ_CHECK(close != std::string_view::npos);
      out.append(word.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      PGFUZZ_CHECK(word[i] == '\\' && i + 1 < word.size());
      out.push_back(word[i + 1]);
      i += 2;
    }
  }
  return out;
}

// What a POSIX shell makes of "…" (curl_command's key header): a backslash before " \ $ `
// is dropped; no other $ or ` may stand unescaped except the one $PROVIDER_KEY at the end.
std::string undouble(std::string_view word) {
  static constexpr std::string_view kKey = "$PROVIDER_KEY\"";
  PGFUZZ_CHECK(word.size() >= 1 + kKey.size() && word.front() == '"' && word.substr(word.size() - kKey.size()) == kKey);
  const std::string_view inner = word.substr(1, word.size() - 1 - kKey.size());
  std::string out;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size() &&
        std::string_view("\"\\$`").find(inner[i + 1]) != std::string_view::npos) {
      out.push_back(inner[++i]);
      continue;
    }
    PGFUZZ_CHECK(inner[i] != '"' && inner[i] != '$' && inner[i] != '`' && inner[i] != '\\');
    out.push_back(inner[i]);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const std::string_view api_base = in.until('\n');
  const std::string_view path = in.until('\n');
  const std::string_view provider = in.until('\n');
  const std::string_view adapter = in.until('\n');
  const std::string_view model_name = in.rest();

  const pg::UrlResult u = pg::upstream_url(api_base, path);
  pgfuzz::checked_dump(pg::to_json(u));
  PGFUZZ_CHECK(u.ok == !u.url.empty());
  if (u.ok)
    check_url(u.url);
  else
    PGFUZZ_CHECK(!u.error.empty());

  const pg::UpstreamPlan plan = pg::plan_chat_call(provider, adapter, api_base, model_name);
  pgfuzz::checked_dump(pg::to_json(plan));
  if (plan.ok) check_url(plan.url);

  // The call as the relay lists it, with the input's adapter and model name standing in for a
  // key header's name and scheme no plan makes, to reach the escaping.
  const pg::CurlCall call{
      plan.url, std::string(adapter), std::string(model_name), {{"content-type", "application/json"}}};
  const std::string command = pg::curl_command(call, pg::json{{"model", std::string(model_name)}});
  pgfuzz::checked_dump(pg::json{{"command", command}});
  const std::size_t line = command.find("\n  -H \"") + 6;
  PGFUZZ_CHECK(line != 5);
  const std::size_t line_end = command.find(" \\\n", line);
  PGFUZZ_CHECK(undouble(std::string_view(command).substr(line, line_end - line)) ==
               call.key_header + ": " + call.key_scheme);
  PGFUZZ_CHECK(unquote(pg::shell_quote(model_name)) == model_name);
  return 0;
}
