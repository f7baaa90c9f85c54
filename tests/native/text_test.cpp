#include <doctest/doctest.h>

#include "core/base/text.h"

#include <cctype>
#include <clocale>
#include <string>

using namespace pg;

TEST_CASE("text: the byte classes are <cctype>'s in the C locale, for every byte") {
  // The core's helpers replaced isspace/isdigit/isalnum/isxdigit/tolower: same answers as
  // the "C" locale gives, and no locale can change them.
  REQUIRE(std::setlocale(LC_CTYPE, nullptr) != nullptr);
  const std::string before = std::setlocale(LC_CTYPE, nullptr);
  std::setlocale(LC_CTYPE, "C");
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    CAPTURE(b);
    CHECK(is_space(c) == (std::isspace(b) != 0));
    CHECK(is_digit(c) == (std::isdigit(b) != 0));
    CHECK(is_alpha(c) == (std::isalpha(b) != 0));
    CHECK(is_alnum(c) == (std::isalnum(b) != 0));
    CHECK(is_hex_digit(c) == (std::isxdigit(b) != 0));
    CHECK(static_cast<unsigned char>(lower(c)) == std::tolower(b));
  }
  std::setlocale(LC_CTYPE, before.c_str());
}

TEST_CASE("text: bytes >= 0x80 are never spaces, digits or letters, and lower() keeps them") {
  for (int b = 0x80; b < 256; ++b) {
    const char c = static_cast<char>(b);
    CHECK_FALSE(is_space(c));
    CHECK_FALSE(is_digit(c));
    CHECK_FALSE(is_alnum(c));
    CHECK_FALSE(is_hex_digit(c));
    CHECK(lower(c) == c);
  }
  CHECK(lower_ascii("\xC3\x84-ÄBC-Straße") == "\xC3\x84-Äbc-straße");
}

TEST_CASE("text: hex digits read and written") {
  CHECK(hex_value('0') == 0);
  CHECK(hex_value('9') == 9);
  CHECK(hex_value('a') == 10);
  CHECK(hex_value('F') == 15);
  CHECK(hex_value('g') == -1);
  CHECK(hex_value('G') == -1);
  CHECK(hex_value(' ') == -1);
  CHECK(hex_value('\xff') == -1);
  for (unsigned v = 0; v < 16; ++v) {
    CHECK(hex_value(hex_digit(v)) == static_cast<int>(v));
    CHECK(hex_value(hex_digit(v, true)) == static_cast<int>(v));
  }
  CHECK(hex_digit(0xab) == 'b');  // the low four bits only
  CHECK(hex_digit(10, true) == 'A');
  std::string out;
  append_hex(out, 0x00);
  append_hex(out, 0x7f);
  append_hex(out, 0xAB);
  append_hex(out, 0xcd, /*upper=*/true);
  CHECK(out == "007fabCD");
  static_assert(hex_value('e') == 14 && hex_digit(14) == 'e', "usable in constant expressions");
}

TEST_CASE("text: trimming") {
  CHECK(trim(" \t\r\n\f\vx y\v\f\n\r\t ") == "x y");
  CHECK(trim("") == "");
  CHECK(trim("   ") == "");
  CHECK(trim_start("  a  ") == "a  ");
  CHECK(trim_end("  a  ") == "  a");
  CHECK(trim("\xC2\xA0x\xC2\xA0") == "\xC2\xA0x\xC2\xA0");  // NBSP is not ASCII white space
  CHECK(skip_bom("\xEF\xBB\xBFx") == "x");
  CHECK(skip_bom("\xEF\xBBx") == "\xEF\xBBx");
  CHECK(skip_bom(" \xEF\xBB\xBFx") == " \xEF\xBB\xBFx");  // only at the very start
  CHECK(skip_bom("") == "");
  CHECK(trim(skip_bom("\xEF\xBB\xBF \n{}\n")) == "{}");
  CHECK(is_blank(""));
  CHECK(is_blank(" \t\n"));
  CHECK_FALSE(is_blank(" x "));
}

TEST_CASE("text: all_digits") {
  CHECK(all_digits("0"));
  CHECK(all_digits("0123456789"));
  CHECK_FALSE(all_digits(""));
  CHECK_FALSE(all_digits("12a"));
  CHECK_FALSE(all_digits("-1"));
  CHECK_FALSE(all_digits(" 1"));
  CHECK_FALSE(all_digits("\xd9\xa1"));  // ARABIC-INDIC DIGIT ONE is not ASCII
}

TEST_CASE("text: prefixes and suffixes") {
  CHECK(starts_with("https://x", "https://"));
  CHECK(starts_with("abc", ""));
  CHECK_FALSE(starts_with("ab", "abc"));
  CHECK_FALSE(starts_with("HTTPS://x", "https://"));
  CHECK(ends_with("/v1/chat/completions", "/chat/completions"));
  CHECK(ends_with("abc", ""));
  CHECK_FALSE(ends_with("bc", "abc"));
  CHECK_FALSE(ends_with("x.AZURE.com", ".azure.com"));
  CHECK(starts_with_nocase("<!DOCTYPE HTML>", "<!doctype html"));
  CHECK(starts_with_nocase("Data: x", "data:"));
  CHECK(starts_with_nocase("x", ""));
  CHECK_FALSE(starts_with_nocase("<!DOC", "<!doctype"));
  // The prefix is taken as written: an upper-case letter in it never matches.
  CHECK_FALSE(starts_with_nocase("Data:", "Data:"));
  CHECK(equals_nocase("User-Agent", "user-AGENT"));
  CHECK(equals_nocase("", ""));
  CHECK_FALSE(equals_nocase("user-agent", "user-agents"));
  CHECK_FALSE(equals_nocase("\xc4", "\xe4"));  // bytes >= 0x80 are not letters
}

TEST_CASE("text: case-insensitive search") {
  CHECK(find_nocase("<HTML><Head><TITLE>x", "<title") == 12);
  CHECK(find_nocase("say JSON please", "json") == 4);
  CHECK(find_nocase("jsojson", "json") == 3);
  CHECK(find_nocase("abc", "abcd") == std::string_view::npos);
  CHECK(find_nocase("<a><b><a>", "<a", 1) == 6);
  CHECK(find_nocase("abc", "", 1) == 1);
  CHECK(find_nocase("abc", "", 3) == 3);
  CHECK(find_nocase("abc", "", 4) == std::string_view::npos);
  CHECK(find_nocase("abc", "c", 9) == std::string_view::npos);
  CHECK(find_nocase("no tag here", "<html") == std::string_view::npos);
  CHECK(contains_nocase("Connection Unreachable", "unreachable"));
  CHECK(contains_nocase("anything", ""));
  CHECK_FALSE(contains_nocase("unreach", "unreachable"));
  CHECK_FALSE(contains_nocase("X", "Y"));
  // Same answers as lowering the text and searching it, on a few mixed inputs.
  const char* texts[] = {"", "a", "A<b", "<<HTML", "xJsOnX", "<Script>alert</SCRIPT>", "ÄÖÜ json"};
  const char* needles[] = {"", "a", "<b", "<html", "json", "</script", "ä"};
  for (const char* t : texts)
    for (const char* n : needles) {
      CAPTURE(t);
      CAPTURE(n);
      CHECK(find_nocase(t, n) == lower_ascii(t).find(n));
    }
}

TEST_CASE("text: a long text without the needle's first byte is one pass") {
  const std::string big(4 << 20, 'x');
  CHECK(find_nocase(big, "<html") == std::string_view::npos);
  CHECK(find_nocase(big + "<HTML", "<html") == big.size());
  CHECK(trim(std::string(1 << 20, ' ')).empty());
}
