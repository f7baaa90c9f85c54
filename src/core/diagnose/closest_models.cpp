// Ranks a provider's model names by closeness to a refused one (closest_models.h). Each
// candidate gets one score, lower is closer: a difference of case only 0, the same model
// under another dated suffix or -latest about 0.02, otherwise the better of its relative edit
// distance (kept only up to kMaxDistance) and, for one name starting the other at a
// separator, 0.2 plus how much longer the longer one is. Ties keep the provider's order.
#include "core/diagnose/closest_models.h"

#include "core/base/text.h"

#include <algorithm>
#include <optional>

namespace pg {

namespace {

// Names longer than this are compared by case, suffix and prefix only: an edit distance of
// long names costs their product, and a list can hold thousands.
constexpr std::size_t kMaxEditBytes = 128;
// The largest relative edit distance still read as a slip of the keyboard (1 in 3 bytes).
constexpr double kMaxDistance = 0.34;

bool is_separator(char c) { return c == '-' || c == '.' || c == ':' || c == '/' || c == '_' || c == '@'; }

bool digits_at(std::string_view s, std::size_t at, std::size_t n) {
  return at + n <= s.size() && all_digits(s.substr(at, n));
}

// One version suffix removed from the end: -latest / :latest / @latest, -YYYY-MM-DD,
// -YYYYMMDD (or @YYYYMMDD, as Vertex writes it), -MMDD (OpenAI's older snapshots).
std::optional<std::string_view> without_version(std::string_view s) {
  for (std::string_view latest : {"-latest", ":latest", "@latest"})
    if (s.size() > latest.size() && ends_with(s, latest)) return s.substr(0, s.size() - latest.size());
  const std::size_t n = s.size();
  // -YYYY-MM-DD
  if (n > 11 && (s[n - 11] == '-' || s[n - 11] == '@') && digits_at(s, n - 10, 4) && s[n - 6] == '-' &&
      digits_at(s, n - 5, 2) && s[n - 3] == '-' && digits_at(s, n - 2, 2))
    return s.substr(0, n - 11);
  // -YYYYMMDD and -MMDD
  for (std::size_t digits : {std::size_t{8}, std::size_t{4}}) {
    if (n > digits + 1 && (s[n - digits - 1] == '-' || s[n - digits - 1] == '@') && digits_at(s, n - digits, digits))
      return s.substr(0, n - digits - 1);
  }
  return std::nullopt;
}

struct Name {
  std::string lower;
  std::string base;  // lower case, version suffixes removed, '_' read as '-'
};

Name normalise(std::string_view s) {
  Name n;
  n.lower = lower_ascii(s);
  std::string_view base = n.lower;
  for (int i = 0; i < 2; ++i) {  // "-latest" after a date, or a date after "-latest", at most
    const auto shorter = without_version(base);
    if (!shorter) break;
    base = *shorter;
  }
  n.base = std::string(base);
  std::replace(n.base.begin(), n.base.end(), '_', '-');
  return n;
}

// Optimal string alignment distance (an adjacent swap counts one edit), both at most
// kMaxEditBytes long.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

// The relative edit distance of a and b, when it is within kMaxDistance.
std::optional<double> near_by_edits(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty() || a.size() > kMaxEditBytes || b.size() > kMaxEditBytes) return std::nullopt;
  const double longer = static_cast<double>(std::max(a.size(), b.size()));
  const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (gap / longer > kMaxDistance) return std::nullopt;  // at least that many edits
  const double d = static_cast<double>(edit_distance(a, b)) / longer;
  if (d > kMaxDistance) return std::nullopt;
  return d;
}

// One name is the start of the other, ending at a separator of the longer one.
std::optional<double> near_by_prefix(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.size() < 2 || a.size() == b.size() || !starts_with(b, a) || !is_separator(b[a.size()])) return std::nullopt;
  return 0.2 + 0.5 * (1.0 - static_cast<double>(a.size()) / static_cast<double>(b.size()));
}

std::optional<double> score(const Name& w, const Name& c) {
  if (w.lower == c.lower) return 0.0;
  if (!w.base.empty() && w.base == c.base) {
    const auto d = near_by_edits(w.lower, c.lower);
    return 0.02 + (d ? *d / 10 : 0.03);
  }
  std::optional<double> best;
  for (const auto& d : {near_by_edits(w.lower, c.lower), near_by_edits(w.base, c.base), near_by_prefix(w.base, c.base),
                        near_by_prefix(w.lower, c.lower)}) {
    if (d && (!best || *d < *best)) best = d;
  }
  return best;
}

}  // namespace

std::vector<std::string> closest_models(std::string_view wanted, const std::vector<std::string>& ids, std::size_t max) {
  std::vector<std::string> out;
  const Name w = normalise(trim(wanted));
  if (w.lower.empty() || max == 0) return out;
  struct Scored {
    double score;
    std::size_t order;
  };
  std::vector<Scored> near;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == trim(wanted)) continue;
    if (const auto s = score(w, normalise(ids[i]))) near.push_back({*s, i});
  }
  std::stable_sort(near.begin(), near.end(), [](const Scored& a, const Scored& b) { return a.score < b.score; });
  for (const Scored& s : near) {
    if (out.size() >= max) break;
    if (std::find(out.begin(), out.end(), ids[s.order]) == out.end()) out.push_back(ids[s.order]);
  }
  return out;
}

}  // namespace pg
