// Image parts of a message: https: links and base64 data: URLs (detail/builder.h).
#include "core/request/detail/builder.h"

#include <cstdlib>

namespace pg::request_detail {

namespace {

// Image links are fetched by the provider; nothing legitimate is longer than this.
constexpr std::size_t kMaxImageLinkBytes = 8192;

bool is_base64_char(char c) { return is_alnum(c) || c == '+' || c == '/'; }

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (is_digit(c)) return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Empty when `s` is canonical padded base64 (what FileReader.readAsDataURL produces and
// what strict decoders on the provider side expect), else the reason.
std::string base64_problem(std::string_view s) {
  if (s.empty()) return "has no image data after the comma";
  std::size_t padding = 0;
  while (padding < 2 && padding < s.size() && s[s.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i + padding < s.size(); ++i) {
    if (!is_base64_char(s[i])) {
      return "is not valid base64: unexpected " +
             (s[i] == '='      ? std::string("'=' before the end")
              : is_space(s[i]) ? std::string("whitespace")
                               : "character " + quote_user(s.substr(i, 1))) +
             " at position " + std::to_string(i) + " of the data";
    }
  }
  if (s.size() % 4 != 0) return "is not valid base64: its length is not a multiple of 4 (truncated or unpadded?)";
  return {};
}

// The first bytes of base64 data (enough for a format signature).
std::string base64_head(std::string_view s, std::size_t max_bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : s) {
    const int v = base64_value(c);
    if (v < 0 || out.size() >= max_bytes) break;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// The image format the bytes really hold ("" when unknown).
std::string sniff_image(std::string_view bytes) {
  if (starts_with(bytes, std::string_view("\x89PNG\r\n\x1a\n", 8))) return "png";
  if (starts_with(bytes, "\xFF\xD8\xFF")) return "jpeg";
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return "gif";
  if (bytes.size() >= 12 && starts_with(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP") return "webp";
  return {};
}

void check_data_url(Report& report, const std::string& field, std::string_view url) {
  const std::size_t comma = url.find(',');
  if (comma == std::string_view::npos) {
    report.error(field, "is not a complete data URL: expected data:image/png;base64,<data>");
    return;
  }
  const std::string header = lower_ascii(url.substr(5, comma - 5));  // after "data:"
  const std::string_view payload = url.substr(comma + 1);
  const std::size_t semicolon = header.find(';');
  const std::string mime = header.substr(0, semicolon);
  const std::string params = semicolon == std::string::npos ? std::string() : header.substr(semicolon);
  std::string format;
  for (const char* f : {"png", "jpeg", "gif", "webp"})
    if (mime == std::string("image/") + f) format = f;
  if (format.empty()) {
    std::string hint = mime == "image/jpg" ? " (write image/jpeg)" : "";
    report.error(field,
                 "must be a PNG, JPEG, GIF or WebP image, got " + quote_user(mime.empty() ? "no type" : mime) + hint);
    return;
  }
  if (params != ";base64") {
    report.error(field, "must be base64-encoded: data:" + mime + ";base64,<data>");
    return;
  }
  const std::string problem = base64_problem(payload);
  if (!problem.empty()) {
    report.error(field, problem);
    return;
  }
  // Some providers (Anthropic among them) refuse an image whose bytes disagree with its
  // declared type; a renamed file is the usual cause.
  const std::string actual = sniff_image(base64_head(payload, 12));
  if (actual != format) {
    report.warn(FindingCode::ImageFormatMismatch, field,
                "the data does not look like a " + format + " image" +
                    (actual.empty() ? std::string() : " (it looks like " + actual + ")") +
                    "; some providers refuse an image whose bytes disagree with its declared type");
  }
}

// A host a provider could fetch from: a dotted name or IPv4 address, or a bracketed IPv6
// literal, with an optional port.
bool valid_host_port(std::string_view authority) {
  std::string_view host = authority, port;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos || close < 3) return false;
    for (char c : host.substr(1, close - 1))
      if (!(is_hex_digit(c) || c == ':' || c == '.')) return false;
    port = host.substr(close + 1);
    if (!port.empty() && port.front() != ':') return false;
    if (!port.empty())
      port.remove_prefix(1);
    else
      return true;
  } else {
    const std::size_t colon = host.rfind(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
    }
    if (host.empty() || host.find('.') == std::string_view::npos) return false;
    std::size_t label = 0;
    for (char c : host) {
      if (c == '.') {
        if (label == 0) return false;  // "a..b", ".a"
        label = 0;
      } else if (is_alnum(c) || c == '-' || static_cast<unsigned char>(c) >= 0x80) {
        ++label;
      } else {
        return false;
      }
    }
    if (label == 0) return false;  // "a.b."
    if (colon == std::string_view::npos) return true;
  }
  if (!all_digits(port) || port.size() > 5) return false;
  const long p = std::strtol(std::string(port).c_str(), nullptr, 10);
  return p >= 1 && p <= 65535;
}

void check_https_url(Report& report, const std::string& field, std::string_view url) {
  if (url.size() > kMaxImageLinkBytes) {
    report.error(field, "is " + human_bytes(url.size(), true) + " long; an image link may be at most " +
                            human_bytes(kMaxImageLinkBytes) + " (attach the image instead)");
    return;
  }
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      report.error(field, "contains spaces or control characters; percent-encode them");
      return;
    }
  }
  const std::string_view rest = url.substr(8);  // after "https://"
  const std::size_t end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) {
    report.error(field, "must not contain a user name or password");
    return;
  }
  if (!valid_host_port(authority)) report.error(field, "needs a host name such as https://images.example.com/cat.png");
}

}  // namespace

void check_image_url(Report& report, const std::string& field, const json* url) {
  if (!url || url->is_null()) {
    report.error(field, "is missing: give an https: link or a data:image/...;base64 URL");
    return;
  }
  if (!url->is_string()) {
    report.error(field, "must be a string (got " + type_name(*url) + ")");
    return;
  }
  const std::string& u = *url->get_ptr<const std::string*>();
  if (starts_with_nocase(u, "data:")) return check_data_url(report, field, u);
  if (starts_with_nocase(u, "https://")) return check_https_url(report, field, u);
  if (starts_with_nocase(u, "http://")) {
    report.error(field,
                 "must use https: (providers fetch image links over HTTPS only), or attach the image as a data: URL");
    return;
  }
  report.error(field, "must be an https: link or a data:image/...;base64 URL (got " + quote_user(u) + ")");
}

}  // namespace pg::request_detail
