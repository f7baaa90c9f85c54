// AISIX resources, the building blocks: SHA-1 / SHA-256 / UUIDv5 ids and ${VAR} interpolation.
#include <doctest/doctest.h>

#include "support/resources.h"

#include "core/base/sha1.h"
#include "core/base/uuid5.h"
#include "core/resources/detail/interpolate.h"  // internal under test
#include "core/resources/detail/key_hash.h"     // internal under test
#include "core/resources/detail/references.h"   // internal under test
#include "core/resources/resources.h"

#include <fstream>
#include <sstream>
#include <string>

using namespace pg;

// ---------------------------------------------------------------------------------- SHA-1, ids

TEST_CASE("sha1 matches the FIPS 180 test vectors") {
  CHECK(to_hex(sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(to_hex(sha1("")) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(to_hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(to_hex(sha1(std::string(1000000, 'a'))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1 gives the same digest however the input is split") {
  const std::string text(1000, 'x');
  const std::string whole = to_hex(sha1(text));
  for (std::size_t piece : {1u, 55u, 56u, 63u, 64u, 65u, 999u}) {
    Sha1 h;
    for (std::size_t i = 0; i < text.size(); i += piece) h.update(std::string_view(text).substr(i, piece));
    CHECK_MESSAGE(to_hex(h.finish()) == whole, "piece size " << piece);
  }
}

TEST_CASE("uuid v5 reproduces RFC 4122 names and the gateway's pinned file ids") {
  const auto url_ns = parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  const auto dns_ns = parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  REQUIRE(url_ns);
  REQUIRE(dns_ns);
  CHECK(format_uuid(uuid_v5(*dns_ns, "python.org")) == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  // The gateway's namespace is itself uuid5(NAMESPACE_URL, …): re-derive it.
  CHECK(format_uuid(uuid_v5(*url_ns, "https://github.com/api7/aisix#resources-file")) ==
        "63e50ab2-677a-54d3-8d1e-c0cb29ceae94");
  CHECK(derive_id("models", "gpt-4o") == "6efd592d-a73b-573d-8e2c-e9e103692f92");
  CHECK(derive_id("provider_keys", "gpt-4o") != derive_id("models", "gpt-4o"));
}

TEST_CASE("parse_uuid accepts only the 8-4-4-4-12 form") {
  CHECK(parse_uuid("6BA7B811-9DAD-11D1-80B4-00C04FD430C8"));
  CHECK_FALSE(parse_uuid(""));
  CHECK_FALSE(parse_uuid("6ba7b8119dad11d180b400c04fd430c8"));
  CHECK_FALSE(parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430cg"));
  CHECK_FALSE(parse_uuid("6ba7b811-9dad-11d1-80b400-c04fd430c8"));
}

// ---------------------------------------------------------------------------------- ${VAR}

TEST_CASE("interpolation follows the gateway's grammar") {
  const EnvMap env = {{"HOST", "up.example"}, {"KEY", "sk-1"}, {"EMPTY", ""}};
  CHECK(interpolate("${KEY}", env).value == "sk-1");
  CHECK(interpolate("https://${HOST}/v1", env).value == "https://up.example/v1");
  CHECK(interpolate("${HOST}:${KEY}", env).value == "up.example:sk-1");
  CHECK(interpolate("$${KEY}", env).value == "${KEY}");
  CHECK(interpolate("a$$b", env).value == "a$b");
  CHECK(interpolate("$$$${KEY}", env).value == "$${KEY}");
  CHECK(interpolate("$$${KEY}", env).value == "$sk-1");
  CHECK(interpolate("$KEY and 5$", env).value == "$KEY and 5$");

  auto unset = interpolate("x${NOPE}y", env);
  CHECK_FALSE(unset.ok);
  CHECK(unset.error.find("`NOPE`") != std::string::npos);
  CHECK(unset.unset == "NOPE");
  auto empty = interpolate("${EMPTY}", env);
  CHECK_FALSE(empty.ok);
  CHECK(empty.error.find("`EMPTY` is empty") != std::string::npos);
  // No default syntax: the whole text between the braces is the name.
  CHECK(interpolate("${HOST:-x}", env).error.find("`HOST:-x`") != std::string::npos);
  auto open = interpolate("sk-abc${KEY", env);
  CHECK_FALSE(open.ok);
  CHECK(open.error.find("unterminated") != std::string::npos);
  CHECK(open.error.find("sk-abc") == std::string::npos);  // never echoes the value
  CHECK(interpolate("${}", env).error.find("empty variable name") != std::string::npos);
}

TEST_CASE("interpolate_tree touches string values only and reports each failure with its path") {
  const EnvMap env = {{"H", "h"}};
  json doc = {{"${H}", "${H}"}, {"n", 5}, {"list", {"a", "${MISSING}", {{"deep", "${ALSO}"}}}}};
  std::vector<InterpolationError> errors;
  json out = interpolate_tree(doc, env, errors);
  CHECK(out["${H}"] == "h");  // the key stays as written
  CHECK(out["n"] == 5);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].path == "list[1]");
  CHECK(errors[1].path == "list[2].deep");
  CHECK(errors[1].unset == "ALSO");
}

TEST_CASE("sha256 matches the FIPS 180 test vectors") {
  CHECK(resources_detail::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(resources_detail::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(resources_detail::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(resources_detail::sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
