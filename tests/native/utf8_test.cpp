// The UTF-8 and JSON-text byte helpers (core/base/utf8.h) that the JSON reader, the chunk
// scanner, the JS-compatible body scanner and the redactor's escape reader share.
#include <doctest/doctest.h>

#include "core/base/utf8.h"

#include <cstdint>
#include <string>
#include <string_view>

using namespace pg;

namespace {

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::size_t literal_in(std::string_view s) { return utf8::literal_length(bytes(s), bytes(s) + s.size()); }

}  // namespace

TEST_CASE("utf8: simple_escape gives the byte of each of JSON's eight simple escapes, 0 for anything else") {
  const std::string_view from = "\"\\/bfnrt", to = "\"\\/\b\f\n\r\t";
  for (int b = 0; b < 256; ++b) {
    CAPTURE(b);
    const std::size_t at = from.find(static_cast<char>(b));
    CHECK(utf8::simple_escape(static_cast<unsigned>(b)) == (at == std::string_view::npos ? '\0' : to[at]));
  }
  CHECK(utf8::simple_escape('u') == '\0');  // four hex digits follow: read_hex4's
}

TEST_CASE("utf8: read_hex4 reads four hex digits of either case and moves past them") {
  std::uint32_t v = 0;
  std::string_view s = "00e9Fz";
  const unsigned char* p = bytes(s);
  REQUIRE(utf8::read_hex4(p, bytes(s) + s.size(), v));
  CHECK(v == 0x00E9);
  CHECK(p == bytes(s) + 4);
  s = "D83Dx";
  p = bytes(s);
  REQUIRE(utf8::read_hex4(p, bytes(s) + s.size(), v));
  CHECK(v == 0xD83D);
  for (std::string_view bad : {"", "1", "12", "123", "12G4", "-123", " 123"}) {
    CAPTURE(bad);
    p = bytes(bad);
    CHECK_FALSE(utf8::read_hex4(p, bytes(bad) + bad.size(), v));
  }
}

TEST_CASE("utf8: surrogates and their pairs") {
  CHECK_FALSE(utf8::is_high_surrogate(0xD7FF));
  CHECK(utf8::is_high_surrogate(0xD800));
  CHECK(utf8::is_high_surrogate(0xDBFF));
  CHECK_FALSE(utf8::is_high_surrogate(0xDC00));
  CHECK(utf8::is_low_surrogate(0xDC00));
  CHECK(utf8::is_low_surrogate(0xDFFF));
  CHECK_FALSE(utf8::is_low_surrogate(0xE000));
  CHECK_FALSE(utf8::is_low_surrogate(0xDBFF));
  CHECK(utf8::is_surrogate(0xD800));
  CHECK(utf8::is_surrogate(0xDFFF));
  CHECK_FALSE(utf8::is_surrogate(0xD7FF));
  CHECK_FALSE(utf8::is_surrogate(0xE000));
  CHECK(utf8::from_surrogates(0xD83D, 0xDE00) == 0x1F600);  // 😀
  CHECK(utf8::from_surrogates(0xD800, 0xDC00) == 0x10000);
  CHECK(utf8::from_surrogates(0xDBFF, 0xDFFF) == 0x10FFFF);
}

TEST_CASE("utf8: encode_code_point writes what append_code_point appends, at every length's edges") {
  const struct {
    std::uint32_t cp;
    std::string_view utf8;
  } cases[] = {{0x00, std::string_view("\0", 1)},
               {0x41, "A"},
               {0x7F, "\x7F"},
               {0x80, "\xC2\x80"},
               {0xE9, "\xC3\xA9"},
               {0x7FF, "\xDF\xBF"},
               {0x800, "\xE0\xA0\x80"},
               {0xFFFD, "\xEF\xBF\xBD"},
               {0xFFFF, "\xEF\xBF\xBF"},
               {0x10000, "\xF0\x90\x80\x80"},
               {0x1F600, "\xF0\x9F\x98\x80"},
               {0x10FFFF, "\xF4\x8F\xBF\xBF"}};
  for (const auto& c : cases) {
    CAPTURE(c.cp);
    unsigned char out[4] = {};
    const int n = utf8::encode_code_point(c.cp, out);
    CHECK(std::string_view(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n)) == c.utf8);
    std::string appended = "x";
    utf8::append_code_point(appended, c.cp);
    CHECK(appended == "x" + std::string(c.utf8));
  }
}

TEST_CASE("utf8: literal_length reads true, false and null, and nothing shorter or else") {
  CHECK(literal_in("true") == 4);
  CHECK(literal_in("false") == 5);
  CHECK(literal_in("null") == 4);
  CHECK(literal_in("null,") == 4);  // what follows is the caller's
  CHECK(literal_in("truex") == 4);
  for (std::string_view no : {"", "t", "tru", "fals", "nul", "True", "NULL", "nil", "trve", "fa1se", " true", "0"}) {
    CAPTURE(no);
    CHECK(literal_in(no) == 0);
  }
}
