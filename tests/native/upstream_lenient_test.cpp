#include <doctest/doctest.h>

#include "core/upstream/detail/upstream_url.h"  // internal under test

#include <string>

using namespace pg::upstream_detail;

namespace {

void check_reads(const char* raw, const char* scheme, const char* host, const char* port, const char* path,
                 const char* text) {
  CAPTURE(raw);
  const LenientBase b = parse_base_lenient(raw);
  CHECK(b.present);
  CHECK(b.scheme == scheme);
  CHECK(b.host == host);
  CHECK(b.port == port);
  CHECK(b.path == path);
  CHECK(b.text == text);
}

}  // namespace

TEST_CASE("upstream_url lenient: bases parse_base accepts read the same parts") {
  check_reads("https://api.openai.com/v1", "https", "api.openai.com", "443", "/v1", "https://api.openai.com/v1");
  check_reads("  https://API.OpenAI.com/v1/  \n", "https", "api.openai.com", "443", "/v1",
              "https://API.OpenAI.com/v1/");
  check_reads("http://localhost:11434/v1", "http", "localhost", "11434", "/v1", "http://localhost:11434/v1");
  check_reads("http://10.0.0.5", "http", "10.0.0.5", "80", "", "http://10.0.0.5");
  check_reads("HTTPS://[2001:DB8::1]:8443/openai/", "https", "2001:db8::1", "8443", "/openai",
              "https://[2001:DB8::1]:8443/openai/");
  check_reads("https://[::1]/v1", "https", "::1", "443", "/v1", "https://[::1]/v1");
}

TEST_CASE("upstream_url lenient: bases parse_base refuses still give their parts") {
  for (const char* refused :
       {"api.example.com/v1", "https://user:pw@api.example.com/v1?key=1#x", "ftp://files.example.com/",
        "https://exa mple.com/v1", "https://[::1/v1", "https://host:port/v1"}) {
    CAPTURE(refused);
    CHECK_FALSE(parse_base(refused, false, Context::Generic).ok);
    CHECK(parse_base_lenient(refused).present);
  }
  // No scheme: read as https.
  check_reads("api.example.com/v1", "https", "api.example.com", "443", "/v1", "https://api.example.com/v1");
  // Credentials dropped from every field; the query and fragment leave the path.
  const LenientBase creds = parse_base_lenient("https://user:s3cret@Api.Example.com:8443/v1/?key=1#frag");
  CHECK(creds.credentials);
  CHECK(creds.host == "api.example.com");
  CHECK(creds.port == "8443");
  CHECK(creds.path == "/v1");
  CHECK(creds.text == "https://Api.Example.com:8443/v1/?key=1#frag");
  CHECK(creds.text.find("s3cret") == std::string::npos);
  CHECK(creds.text.find("user") == std::string::npos);
  // An '@' in the password: everything up to the last '@' of the authority goes.
  const LenientBase at = parse_base_lenient("http://u:p@ss@host:8080/x");
  CHECK(at.host == "host");
  CHECK(at.port == "8080");
  CHECK(at.text == "http://host:8080/x");
  CHECK_FALSE(parse_base_lenient("https://host/a@b").credentials);  // an '@' in the path is not user info
  // Other schemes are read as given; their default port is 443 unless http.
  check_reads("FTP://files.example.com/pub", "ftp", "files.example.com", "443", "/pub", "ftp://files.example.com/pub");
  // An unclosed IPv6 bracket: the rest of the authority is the host.
  check_reads("https://[::1/v1", "https", "::1", "443", "/v1", "https://[::1/v1");
  // A port that is not a number is kept as given.
  check_reads("https://host:port/v1", "https", "host", "port", "/v1", "https://host:port/v1");
  // "host:8080" without a scheme: a port, not a scheme.
  check_reads("localhost:8080/v1", "https", "localhost", "8080", "/v1", "https://localhost:8080/v1");
  // A "://" past the first 16 bytes is not a scheme separator.
  check_reads("averyveryverylongscheme://x", "https", "averyveryverylongscheme", "443", "//x",
              "https://averyveryverylongscheme://x");
}

TEST_CASE("upstream_url lenient: nothing given, and bounds") {
  CHECK_FALSE(parse_base_lenient("").present);
  CHECK_FALSE(parse_base_lenient(" \t\r\n\f\v").present);
  const LenientBase empty = parse_base_lenient("");
  CHECK(empty.scheme.empty());
  CHECK(empty.host.empty());
  CHECK(empty.port.empty());
  // Only the first 2048 bytes are read.
  const std::string long_path = "https://host/" + std::string(5000, 'p');
  const LenientBase b = parse_base_lenient(long_path);
  CHECK(b.text.size() == 2048);
  CHECK(b.path.size() == 2048 - std::string("https://host").size());
  // Trailing slashes go from the path only.
  check_reads("https://host///", "https", "host", "443", "", "https://host///");
  check_reads("https://host/v1//?q=/", "https", "host", "443", "/v1", "https://host/v1//?q=/");
}
