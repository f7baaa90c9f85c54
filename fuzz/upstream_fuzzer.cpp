// upstream_url() and plan_chat_call() on an arbitrary base URL, path, provider, adapter
// and model name; curl_command() on the plan's call. Invariants: an accepted URL is http(s),
// has no fragment, no credentials and no whitespace; a plan's URL is an accepted one;
// shell_quote() always gives back exactly its text to a POSIX shell; a curl command reads
// back as its URL, its key header (whose double-quoted word expands only $PROVIDER_KEY,
// whatever its name and scheme hold) and each other header once, the last value of a name in
// its first place.
//
// Input: [api_base '\n'][path '\n'][provider '\n'][adapter '\n'][model_name].
#include "core/base/text.h"
#include "core/upstream/curl.h"
#include "core/upstream/upstream.h"
#include "fuzz_util.h"

#include <algorithm>
#include <vector>

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

// What a POSIX shell makes of the word at `at` made only of '…' runs and \' (shell_quote's
// output); `at` moves to the first byte after it.
std::string read_single_quoted(std::string_view s, std::size_t& at) {
  std::string out;
  while (at < s.size() && s[at] != ' ') {
    if (s[at] == '\'') {
      const std::size_t close = s.find('\'', at + 1);
      PGFUZZ_CHECK(close != std::string_view::npos);
      out.append(s.substr(at + 1, close - at - 1));
      at = close + 1;
    } else {
      PGFUZZ_CHECK(s[at] == '\\' && at + 1 < s.size());
      out.push_back(s[at + 1]);
      at += 2;
    }
  }
  return out;
}

std::string unquote(std::string_view word) {
  std::size_t at = 0;
  std::string out = read_single_quoted(word, at);
  PGFUZZ_CHECK(at == word.size());
  return out;
}

// What a POSIX shell makes of the "…" word at `at` (curl_command's key header): a backslash
// before " \ $ ` is dropped; no other " $ ` or \ may stand unescaped, and the word ends with
// the one expansion, $PROVIDER_KEY. `at` moves past it.
std::string read_key_word(std::string_view s, std::size_t& at) {
  static constexpr std::string_view kKey = "$PROVIDER_KEY\"";
  PGFUZZ_CHECK(at < s.size() && s[at] == '"');
  std::string out;
  for (++at;; ++at) {
    PGFUZZ_CHECK(at < s.size());
    const char c = s[at];
    if (c == '\\' && at + 1 < s.size() && std::string_view("\"\\$`").find(s[at + 1]) != std::string_view::npos) {
      out.push_back(s[++at]);
      continue;
    }
    if (c == '$') {
      PGFUZZ_CHECK(s.substr(at, kKey.size()) == kKey);
      at += kKey.size();
      return out;
    }
    PGFUZZ_CHECK(c != '"' && c != '`' && c != '\\');
    out.push_back(c);
  }
}

void expect(std::string_view s, std::size_t& at, std::string_view text) {
  PGFUZZ_CHECK(s.substr(at, text.size()) == text);
  at += text.size();
}

// The headers a call sends, as the relay's header object holds them: each name (without case)
// once, in its first place, with its last value; the key's header apart.
std::vector<std::string> expected_headers(const pg::CurlCall& call) {
  std::vector<std::string> names;
  std::vector<std::string> lines;
  for (const auto& [name, value] : call.headers) {
    const std::string lower = pg::lower_ascii(name);
    if (lower == pg::lower_ascii(call.key_header)) continue;
    const auto it = std::find(names.begin(), names.end(), lower);
    if (it == names.end()) {
      names.push_back(lower);
      lines.push_back(name + ": " + value);
    } else {
      lines[static_cast<std::size_t>(it - names.begin())] = name + ": " + value;
    }
  }
  return lines;
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
  // key header's name and scheme no plan makes, to reach the escaping, and the provider as a
  // key's default header that may repeat a name.
  const pg::CurlCall call{plan.url,
                          std::string(adapter),
                          std::string(model_name),
                          {{"content-type", "application/json"}, {std::string(provider), "v"}, {"Content-Type", "x"}}};
  const std::string command = pg::curl_command(call, pg::json{{"model", std::string(model_name)}});
  pgfuzz::checked_dump(pg::json{{"command", command}});
  // Read back as a shell would: the URL, the key's header, then every other header.
  std::size_t at = 0;
  expect(command, at, "curl ");
  PGFUZZ_CHECK(read_single_quoted(command, at) == call.url);
  expect(command, at, " \\\n  -H ");
  PGFUZZ_CHECK(read_key_word(command, at) == call.key_header + ": " + call.key_scheme);
  expect(command, at, " \\\n");
  std::vector<std::string> headers;
  while (command.compare(at, 6, "  -H '") == 0) {
    at += 5;
    headers.push_back(read_single_quoted(command, at));
    expect(command, at, " \\\n");
  }
  PGFUZZ_CHECK(headers == expected_headers(call));
  expect(command, at, "  -d ");
  PGFUZZ_CHECK(unquote(pg::shell_quote(model_name)) == model_name);
  return 0;
}
