#include "core/provider/rate_limits.h"

#include "core/base/date_time.h"
#include "core/base/detail/json_writer.h"
#include "core/base/json_util.h"
#include "core/base/text.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <type_traits>

namespace pg {
namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

using date_time_detail::fixed_digits;

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

std::optional<std::int64_t> epoch_ms(int y, int mo, int d, int h, int mi, int s, int ms) {
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60) return {};
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000 + static_cast<std::int64_t>(s) * 1000 + ms;
}

std::string group_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string utc_time(std::int64_t at) {
  const std::int64_t days = at >= 0 ? at / 86400000 : (at - 86399999) / 86400000;
  const std::int64_t in_day = (at - days * 86400000) / 1000;
  int y = 0, m = 0, d = 0;
  civil_from_days(days, y, m, d);
  const auto two = [](std::int64_t n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
  std::string year = std::to_string(y);
  if (year.size() < 4) year.insert(0, 4 - year.size(), '0');
  return year + "-" + two(m) + "-" + two(d) + " " + two(in_day / 3600) + ":" + two(in_day / 60 % 60) + ":" +
         two(in_day % 60) + " UTC";
}

const char* kind_words(std::string_view kind) {
  if (kind == "input_tokens") return "input tokens";
  if (kind == "output_tokens") return "output tokens";
  return kind == "tokens" ? "tokens" : "requests";
}

// Where each value of a limit comes from: OpenAI's names, then Anthropic's.
struct Source {
  const char* source;
  const char* kind;
  std::string limit, remaining, reset;
};

// Built once: the relay reads these headers on every answer it forwards.
const std::vector<Source>& sources() {
  static const std::vector<Source> table = [] {
    std::vector<Source> out;
    for (const char* kind : {"requests", "tokens"})
      out.push_back({"openai", kind, std::string("x-ratelimit-limit-") + kind,
                     std::string("x-ratelimit-remaining-") + kind, std::string("x-ratelimit-reset-") + kind});
    for (const char* kind : {"requests", "tokens", "input_tokens", "output_tokens"}) {
      std::string name = kind;
      for (char& c : name)
        if (c == '_') c = '-';
      const std::string base = "anthropic-ratelimit-" + name;
      out.push_back({"anthropic", kind, base + "-limit", base + "-remaining", base + "-reset"});
    }
    return out;
  }();
  return table;
}

class Reader {
 public:
  Reader(const std::vector<std::pair<std::string_view, std::string_view>>& headers, std::optional<std::int64_t> now)
      : now_(now) {
    // Sorted by name, each name once: its value, or none and a problem when the same header
    // came again with another value. Views into the caller's headers (or a lower-cased copy).
    std::vector<std::pair<std::string_view, std::string_view>> all;
    all.reserve(headers.size());
    for (const auto& [name, value] : headers) all.emplace_back(lowered(name), trim_ows(value));
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    values_.reserve(all.size());
    for (std::size_t i = 0; i < all.size();) {
      std::size_t next = i + 1;
      bool differs = false;
      for (; next < all.size() && all[next].first == all[i].first; ++next)
        differs = differs || all[next].second != all[i].second;
      if (differs)
        problem("conflicting", std::string(all[i].first), "the header came twice with different values");
      else
        values_.push_back(all[i]);
      i = next;
    }
  }

  RateLimits read() {
    for (const Source& s : sources()) limit(s);
    retry_after();
    return std::move(out_);
  }

 private:
  std::optional<std::string_view> value(std::string_view name) const {
    auto it = std::lower_bound(values_.begin(), values_.end(), name,
                               [](const auto& entry, std::string_view n) { return entry.first < n; });
    if (it == values_.end() || it->first != name) return std::nullopt;
    return it->second;
  }

  std::string_view lowered(std::string_view name) {
    if (std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return name;
    return owned_.emplace_back(lower_ascii(name));
  }

  void problem(const char* code, const std::string& header, std::string message) {
    out_.problems.push_back({code, header, std::move(message)});
  }

  std::optional<std::uint64_t> count(const std::string& name) {
    const std::optional<std::string_view> v = value(name);
    if (!v) return {};
    auto n = v->size() <= kMaxRateLimitValueBytes ? parse_count(*v) : std::nullopt;
    if (!n) problem("bad_number", name, "not a whole number: " + excerpt(*v, 40));
    return n;
  }

  // A reset: a duration for OpenAI's names, an RFC 3339 time for Anthropic's (each provider's
  // documented form; the other form is not guessed at).
  void reset(const Source& s, Headroom& h) {
    const std::optional<std::string_view> v = value(s.reset);
    if (!v) return;
    const bool fits = v->size() <= kMaxRateLimitValueBytes;
    if (std::string_view(s.source) == "openai") {
      auto ms = fits ? parse_go_duration(*v) : std::nullopt;
      if (ms)
        h.reset_ms = ms;
      else
        problem("bad_reset", s.reset, "not a duration such as 6s or 1m30s: " + excerpt(*v, 40));
      return;
    }
    auto at = fits ? parse_rfc3339(*v) : std::nullopt;
    if (!at) return problem("bad_reset", s.reset, "not an RFC 3339 time: " + excerpt(*v, 40));
    absolute(*at, s.reset, h.reset_at, h.reset_ms);
  }

  void absolute(std::int64_t at, const std::string& header, std::optional<std::int64_t>& at_out,
                std::optional<double>& ms_out) {
    if (!now_) {
      at_out = at;
      return;
    }
    const double ahead = static_cast<double>(at) - static_cast<double>(*now_);
    if (ahead < 0) return problem("reset_passed", header, "the time sent has already passed: " + utc_time(at));
    if (ahead > kMaxResetMs) return problem("bad_reset", header, "the time sent is more than a year ahead");
    at_out = at;
    ms_out = ahead;
  }

  void limit(const Source& s) {
    Headroom h;
    h.kind = s.kind;
    h.source = s.source;
    h.limit = count(s.limit);
    h.remaining = count(s.remaining);
    if (h.limit && h.remaining && *h.remaining > *h.limit) {
      problem("remaining_above_limit", s.remaining,
              "more left (" + group_thousands(*h.remaining) + ") than the limit (" + group_thousands(*h.limit) + ")");
      h.limit.reset();
      h.remaining.reset();
    }
    reset(s, h);
    if (!h.limit && !h.remaining && !h.reset_ms && !h.reset_at) return;
    const std::string words = kind_words(h.kind);
    if (h.limit && h.remaining)
      h.text = group_thousands(*h.remaining) + " of " + group_thousands(*h.limit) + " " + words + " left";
    else if (h.remaining)
      h.text = group_thousands(*h.remaining) + " " + words + " left";
    else if (h.limit)
      h.text = "a limit of " + group_thousands(*h.limit) + " " + words;
    else
      h.text = "the " + std::string(kind_words(h.kind)) + " limit";
    if (h.reset_ms)
      h.text += (h.limit || h.remaining ? "; resets in " : " resets in ") + duration_words(*h.reset_ms);
    else if (h.reset_at)
      h.text += (h.limit || h.remaining ? "; resets at " : " resets at ") + utc_time(*h.reset_at);
    out_.limits.push_back(std::move(h));
  }

  void retry_after() {
    const std::string name = "retry-after";
    const std::optional<std::string_view> v = value(name);
    if (!v) return;
    const bool fits = v->size() <= kMaxRateLimitValueBytes;
    if (auto secs = fits ? parse_count(*v) : std::nullopt) {
      const double ms = static_cast<double>(*secs) * 1000;
      if (ms > kMaxResetMs) return problem("bad_retry_after", name, "more than a year ahead");
      out_.retry_after_ms = ms;
    } else if (auto at = fits ? parse_http_date(*v) : std::nullopt) {
      absolute(*at, name, out_.retry_at, out_.retry_after_ms);
    } else {
      return problem("bad_retry_after", name, "neither seconds nor an HTTP date: " + excerpt(*v, 40));
    }
    if (out_.retry_after_ms)
      out_.retry_text = "the provider asks to wait " + duration_words(*out_.retry_after_ms) + " before retrying";
    else if (out_.retry_at)
      out_.retry_text = "the provider asks to retry after " + utc_time(*out_.retry_at);
  }

  std::vector<std::pair<std::string_view, std::string_view>> values_;  // sorted by name
  std::deque<std::string> owned_;  // lower-cased names (a deque: views into it stay valid)
  std::optional<std::int64_t> now_;
  RateLimits out_;
};

}  // namespace

std::optional<std::uint64_t> parse_count(std::string_view text) {
  text = trim_ows(text);
  if (text.empty() || text.size() > 15) return {};
  std::uint64_t n = 0;
  for (char c : text) {
    if (!is_digit(c)) return {};
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

std::optional<double> parse_go_duration(std::string_view s) {
  s = trim_ows(s);
  if (s.empty() || s.size() > kMaxRateLimitValueBytes) return {};
  double total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start || i - start > 15) return {};
    double value = 0;
    for (std::size_t k = start; k < i; ++k) value = value * 10 + (s[k] - '0');
    if (i < s.size() && s[i] == '.') {
      const std::size_t frac = ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i == frac || i - frac > 9) return {};
      double scale = 0.1;
      for (std::size_t k = frac; k < i; ++k, scale /= 10) value += (s[k] - '0') * scale;
    }
    const std::string_view rest = s.substr(i);
    double unit = 0;
    std::size_t len = 0;
    for (const auto& [name, ms] : {std::pair<std::string_view, double>{"ns", 1e-6},
                                   {"us", 1e-3},
                                   {"\xC2\xB5s", 1e-3},
                                   {"ms", 1},
                                   {"s", 1000},
                                   {"m", 60000},
                                   {"h", 3600000}})
      if (rest.substr(0, name.size()) == name && (len == 0 || name.size() > len)) {
        unit = ms;
        len = name.size();
      }
    // "m" is a prefix of "ms": the longest unit that matches wins.
    if (len == 0) return {};
    i += len;
    total += value * unit;
  }
  if (!(total <= kMaxResetMs)) return {};
  return total;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  s = trim_ows(s);
  if (s.size() > 40) return {};
  const std::optional<DateTimeFields> f = read_rfc3339(s);
  if (!f || f->fraction_digits > 9) return {};
  auto at = epoch_ms(f->year, f->month, f->day, f->hour, f->minute, f->second, f->millis);
  if (!at) return {};
  return *at - static_cast<std::int64_t>(f->offset_minutes) * 60000;
}

std::optional<std::int64_t> parse_http_date(std::string_view s) {
  // IMF-fixdate (RFC 9110 §5.6.7), the form every sender must use: "Sun, 06 Nov 1994 08:49:37 GMT".
  s = trim_ows(s);
  if (s.size() != 29) return {};
  static constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  bool day_ok = false;
  for (std::string_view day : kDays) day_ok = day_ok || s.substr(0, 3) == day;
  int month = 0;
  for (int m = 0; m < 12; ++m)
    if (s.substr(8, 3) == kMonths[m]) month = m + 1;
  if (!day_ok || month == 0 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':' || s.substr(25) != " GMT")
    return {};
  const int d = fixed_digits(s, 5, 2), y = fixed_digits(s, 12, 4);
  const int h = fixed_digits(s, 17, 2), mi = fixed_digits(s, 20, 2), sec = fixed_digits(s, 23, 2);
  if (d < 0 || y < 0 || h < 0 || mi < 0 || sec < 0) return {};
  return epoch_ms(y, month, d, h, mi, sec, 0);
}

std::string duration_words(double ms) {
  if (!(ms >= 0)) ms = 0;
  if (ms < 1000) return std::to_string(static_cast<long long>(std::llround(ms))) + " ms";
  if (ms < 10000) {
    const long long tenths = std::llround(ms / 100);
    if (tenths % 10 == 0) return std::to_string(tenths / 10) + " s";
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
  }
  const long long secs = std::llround(ms / 1000);
  if (secs < 60) return std::to_string(secs) + " s";
  if (secs < 3600)
    return std::to_string(secs / 60) + " min" + (secs % 60 ? " " + std::to_string(secs % 60) + " s" : "");
  const long long mins = (secs + 30) / 60;
  return std::to_string(mins / 60) + " h" + (mins % 60 ? " " + std::to_string(mins % 60) + " min" : "");
}

RateLimits read_rate_limits_in(const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                               std::optional<std::int64_t> now_ms) {
  return Reader(headers, now_ms).read();
}

RateLimits read_rate_limits(const std::vector<std::pair<std::string, std::string>>& headers,
                            std::optional<std::int64_t> now_ms) {
  std::vector<std::pair<std::string_view, std::string_view>> views(headers.begin(), headers.end());
  return read_rate_limits_in(views, now_ms);
}

namespace {

// One object's members written in order: `"name":value`, a comma before all but the first.
class ObjectText {
 public:
  explicit ObjectText(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectText() { out_ += '}'; }
  ObjectText(const ObjectText&) = delete;
  ObjectText& operator=(const ObjectText&) = delete;

  void text(const char* name, std::string_view value) { write_json_string(value, key(name)); }
  template <typename T>
  void number(const char* name, const std::optional<T>& value) {
    std::string& out = key(name);
    if (!value)
      out += "null";
    else if constexpr (std::is_floating_point_v<T>)
      out += dump_json(json(*value));  // nlohmann's form: 6.0, 1.5
    else
      out += std::to_string(*value);
  }

 private:
  std::string& key(const char* name) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += name;
    out_ += "\":";
    return out_;
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace

// Written straight to text, keys in the order nlohmann's objects keep (sorted): the relay
// writes this for every answer it forwards, and a JSON object tree for it cost more than reading
// the headers.
std::string to_json_text(const RateLimits& r) {
  std::string out;
  out.reserve(192 + 192 * r.limits.size() + 128 * r.problems.size());
  out += "{\"limits\":[";
  for (const Headroom& h : r.limits) {
    if (&h != &r.limits.front()) out += ',';
    ObjectText o(out);
    o.text("kind", h.kind);
    o.number("limit", h.limit);
    o.number("remaining", h.remaining);
    o.number("resetAt", h.reset_at);
    o.number("resetMs", h.reset_ms);
    o.text("source", h.source);
    o.text("text", h.text);
  }
  out += "],\"problems\":[";
  for (const RateLimitProblem& p : r.problems) {
    if (&p != &r.problems.front()) out += ',';
    ObjectText o(out);
    o.text("code", p.code);
    o.text("header", p.header);
    o.text("message", p.message);
  }
  out += "],\"retryAfter\":";
  if (r.retry_after_ms || r.retry_at) {
    ObjectText o(out);
    o.number("at", r.retry_at);
    o.number("ms", r.retry_after_ms);
    o.text("text", r.retry_text);
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

}  // namespace pg
