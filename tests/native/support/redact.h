// Test support shared by the redact_*_test.cpp files: a key, split helpers, the encoders
// (\u escapes, percent, base64); the CPU-time measure is cpu_time.h.
#pragma once

#include <doctest/doctest.h>

#include "core/base/json_util.h"
#include "core/secrets/redact.h"
#include "cpu_time.h"

#include <cctype>
#include <ctime>
#include <random>
#include <string>
#include <vector>

using namespace pg;

namespace {

const std::string kKey = "sk-proj-AbCdEfGh1234567890WxYz";
const std::string R = std::string(kRedacted);

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Feeds `text` to a StreamRedactor in the given chunk lengths (the rest in one last chunk).
std::string stream(const std::string& text, const std::vector<std::string>& secrets,
                   const std::vector<std::size_t>& cuts, std::size_t* max_held = nullptr) {
  StreamRedactor r(secrets);
  std::string out;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    if (cut < at || cut > text.size()) continue;
    out += r.push(std::string_view(text).substr(at, cut - at));
    if (max_held) *max_held = std::max(*max_held, r.held_back());
    at = cut;
  }
  out += r.push(std::string_view(text).substr(at));
  if (max_held) *max_held = std::max(*max_held, r.held_back());
  out += r.finish();
  return out;
}

std::string byte_by_byte(const std::string& text, const std::vector<std::string>& secrets) {
  StreamRedactor r(secrets);
  std::string out;
  for (char c : text) out += r.push(std::string_view(&c, 1));
  return out + r.finish();
}

// Every split of `text` into three pieces (the second cut every 7 bytes) and one byte at a
// time give redact() of the whole, holding back at most window().
void check_every_split(const std::string& text, const std::vector<std::string>& secrets) {
  const std::string whole = redact(text, secrets);
  const std::size_t window = StreamRedactor(secrets).window();
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); j += 7) {
      std::size_t held = 0;
      CAPTURE(i);
      CAPTURE(j);
      REQUIRE(stream(text, secrets, {i, j}, &held) == whole);
      REQUIRE(held <= window);
    }
  }
  REQUIRE(byte_by_byte(text, secrets) == whole);
}

const char kHex[] = "0123456789abcdef";

// Every ASCII byte as \u00xx (non-ASCII bytes stay raw, as a JSON string may hold them).
std::string u_escape_all(const std::string& s, bool upper = false) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    out += "\\u00";
    out += upper ? static_cast<char>(std::toupper(kHex[c >> 4])) : kHex[c >> 4];
    out += upper ? static_cast<char>(std::toupper(kHex[c & 15])) : kHex[c & 15];
  }
  return out;
}

// Every byte as %XX.
std::string pct_all(const std::string& s, bool lower = false) {
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += lower ? kHex[c >> 4] : static_cast<char>(std::toupper(kHex[c >> 4]));
    out += lower ? kHex[c & 15] : static_cast<char>(std::toupper(kHex[c & 15]));
  }
  return out;
}

std::string base64(std::string_view data, bool url_safe = false, bool pad = true) {
  const std::string alphabet =
      std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") + (url_safe ? "-_" : "+/");
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += alphabet[(v >> k) & 63];
  }
  if (data.size() - i == 1) {
    const unsigned v = static_cast<unsigned char>(data[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (data.size() - i == 2) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += "=";
  }
  return out;
}

// The base64 characters `key` alone decides at alignment `align`, found without knowing
// how redact.cpp works them out: encode it between zero bytes and between 0xFF bytes and
// keep the characters both encodings agree on.
std::string stable_base64(const std::string& key, std::size_t align, bool url_safe) {
  const std::string a = base64(std::string(align, '\0') + key + std::string(3, '\0'), url_safe);
  const std::string b = base64(std::string(align, '\xFF') + key + std::string(3, '\xFF'), url_safe);
  std::size_t from = 0;
  while (a[from] != b[from]) ++from;
  std::size_t to = from;
  while (a[to] == b[to]) ++to;
  return a.substr(from, to - from);
}

}  // namespace
