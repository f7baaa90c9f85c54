#include <doctest/doctest.h>

#include "core/base/detail/decimal.h"  // internal under test

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using pg::decimal_to_double;

namespace {

// decimal_to_double replaces strtod in the core: for every decimal text it must give
// exactly glibc's double, bit for bit (signed zeros and infinities included).
struct Comparison {
  long cases = 0;
  std::vector<std::string> failures;

  void check(const std::string& text) {
    ++cases;
    const double want = std::strtod(text.c_str(), nullptr);
    const double got = decimal_to_double(text);
    if (std::memcmp(&want, &got, sizeof want) != 0 && failures.size() < 10) failures.push_back(text);
  }
};

void check_all_alike(const Comparison& c) {
  for (const std::string& text : c.failures) {
    char line[96];
    std::snprintf(line, sizeof line, " (%zu chars): strtod %.17g, decimal_to_double %.17g", text.size(),
                  std::strtod(text.c_str(), nullptr), decimal_to_double(text));
    const std::string message = text.substr(0, 200) + line;
    FAIL_CHECK(message);
  }
  CHECK(c.failures.empty());
}

std::string printed(const char* format, double v) {
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

double from_bits(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// The exact decimal expansion of the point halfway between `d` and the next double up
// (long double holds it exactly: 54 significant bits), with trailing zeros dropped.
std::string exact_halfway(double d) {
  const long double up = d == DBL_MAX ? static_cast<long double>(d) * 2 - std::nextafter(d, 0.0)  // 2^1024
                                      : std::nextafter(d, INFINITY);
  const long double mid = (d + up) / 2;
  static std::vector<char> text(900);
  std::snprintf(text.data(), text.size(), "%.780Le", mid);
  std::string s(text.data());
  const std::size_t e = s.find('e');
  std::size_t last = e;
  while (s[last - 1] == '0') --last;
  return s.substr(0, last) + s.substr(e);
}

// The same text nudged just above (a 1 digit appended) or just below (its last digit, not
// a zero, one less, then nines).
std::string nudged(const std::string& halfway, bool up) {
  std::string s = halfway;
  const std::size_t e = s.find('e');
  if (up) return s.insert(e, "0000001");
  --s[s[e - 1] == '.' ? e - 2 : e - 1];
  return s.insert(e, "999");
}

}  // namespace

TEST_CASE("decimal_to_double: hand-picked edges give strtod's double") {
  Comparison c;
  for (const char* text :
       {"0",
        "-0",
        "+0",
        "0.0",
        "-0.0",
        "-.0e5",
        "0e999999",
        "-0e-999999",
        "00000",
        "0.000",
        "1",
        "-1",
        "+1",
        "5.",
        ".5",
        "-.5",
        "1.5",
        "2.5",
        "0.1",
        "0.2",
        "0.3",
        "123.456",
        "3.14159",
        "1e0",
        "1E5",
        "1e+5",
        "1e-5",
        "1e22",
        "1e23",
        "1e25",
        "9e22",
        "9007199254740992",
        "9007199254740993",
        "9007199254740994",
        "9007199254740995",
        "9007199254740991",
        "18014398509481985",
        "18014398509481986",
        "18014398509481987",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "12345678901234567890123",
        "0.30000000000000004",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072014e-308",
        "2.225073858507201136057409796709131975934819546351645648e-308",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.47032822920623272088e-324",
        "2."
        "47032822920623272088284396434110686182529901307162382212792841250337753635104375932649918180817996189898282347"
        "72285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500"
        "31937045767824921936562366986365848075700158576926990370631192827955855133292783433840935197801553124659726357"
        "95746227664652728272200563740064854999770965994704540208281662262378573934507363390079677619305775067401763246"
        "73600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524"
        "91262365388187963623937328042389101867234849766823508986338858792562830275599565752445550725518931369083625477"
        "9186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324",
        "4.9406564584124654e-324",
        "5e-324",
        "3e-324",
        "7.4e-324",
        "7.5e-324",
        "1e-324",
        "1e-400",
        "-1e-400",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "-1.7976931348623159e308",
        "1.797693134862315807e308",
        "1.797693134862315808e308",
        "1e308",
        "1e309",
        "-1e309",
        "8.98846567431158e307",
        "4.4501477170144023e-308",
        "1e-307",
        "1e-308",
        "1e-309",
        "1e-310",
        "1e-320",
        "123456789012345678901234567890",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "1.0000000000000002220446049250313080847263336181640625",
        "100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
        "1e999999999",
        "-1e999999999",
        "1e-999999999",
        "1e99999999999999999999999999",
        "1e-99999999999999999999999999",
        "0.0000000000000000000000000000001e400",
        "1000000000000000000000000000000e-400",
        "7.2057594037927933e16",
        "7.2057594037927936e16",
        "5708990770823839524233143877797980545530986496",
        "4.35679774e-09",
        "9.9999999999999999e22",
        "1.448997445238699",
        "6.62607015e-34",
        "2.718281828459045235360287471352662497757"})
    c.check(text);

  // Thousands of digits, and exponents that move them back into range.
  const std::string ones(3000, '1'), zeros(3000, '0');
  for (const std::string& text :
       {ones, "0." + ones, ones + "e-3300", ones + "e-3000", "0." + zeros + "1e3001", "0." + zeros + "1e2700",
        "1" + zeros, "1" + zeros + "e-3000", "1" + zeros + "e-3308", "1" + zeros + "e-3324", "1" + zeros + "e-3325",
        "4" + zeros + "e-3324", "2.4703282292062327" + zeros + "1e-324", "2.4703282292062328" + zeros + "e-324",
        "1" + zeros + "1e-3000", "9007199254740993" + zeros + "e-3000", "9007199254740993." + zeros + "1"})
    c.check(text);

  // Halfway points, exactly (ties to even) and padded to over 800 digits: a last 1 breaks the tie.
  for (double d : {1.0, 0.1, 9007199254740992.0, 1e23, DBL_MAX, DBL_MIN, 4.9406564584124654e-324,
                   std::nextafter(DBL_MIN, 0.0), 2.2250738585072009e-308, 8.98846567431158e307, 5e-324 * 3}) {
    const std::string halfway = exact_halfway(d);
    c.check(halfway);
    c.check(nudged(halfway, true));
    c.check(nudged(halfway, false));
    const std::size_t e = halfway.find('e');
    std::string padded = halfway.substr(0, e) + std::string(900, '0') + halfway.substr(e);
    c.check(padded);
    c.check(padded.insert(padded.find('e'), "1"));
    c.check("-" + padded);
  }
  check_all_alike(c);
  CHECK(c.cases > 150);
}

TEST_CASE("decimal_to_double: other text is NaN") {
  for (const char* text :
       {"",      "+",     "-",        ".",   "+.",  "-.",    "e5",    ".e5",      "1e",   "1e+", "1E-",
        "inf",   "-inf",  "infinity", "nan", "NaN", "0x1p3", "0x10",  "1.5x",     " 1",   "1 ",  "1..2",
        "1.2.3", "1e5.5", "1e5e5",    "--1", "+-1", "1,5",   "1_000", "\xd9\xa1", "1e 5", "0b1"})
    CHECK(std::isnan(decimal_to_double(text)));
  CHECK(std::isnan(decimal_to_double(std::string_view("12\0", 3))));
}

// `make test` also runs this suite under ASan + UBSan, where the million texts take 15 s: that
// run checks memory safety over the same paths with a tenth of them.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kRandomScale = 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kRandomScale = 10;
#else
constexpr int kRandomScale = 1;
#endif
#else
constexpr int kRandomScale = 1;
#endif

TEST_CASE("decimal_to_double: a million random texts give strtod's double") {
  std::mt19937_64 random(20261205);
  Comparison c;

  // Random digit strings of 1 to 40 digits, a point anywhere (or none), exponents -350..350.
  std::string text;
  for (int i = 0; i < 400000 / kRandomScale; ++i) {
    text.clear();
    if (random() % 4 == 0) text += random() % 2 ? '-' : '+';
    const int length = 1 + static_cast<int>(random() % 40);
    const int point = static_cast<int>(random() % (length + 2)) - 1;  // -1: none
    for (int k = 0; k < length; ++k) {
      if (k == point) text += '.';
      text += static_cast<char>('0' + random() % 10);
    }
    if (point == length) text += '.';
    if (random() % 8 != 0) {
      text += random() % 2 ? 'e' : 'E';
      const int exponent = static_cast<int>(random() % 701) - 350;
      if (exponent >= 0 && random() % 2) text += '+';
      text += std::to_string(exponent);
    }
    c.check(text);
  }

  // Finite doubles of every size, as %.17g (exact round trip) and %.16g / %.15g (near ones).
  for (int i = 0; i < 200000 / kRandomScale; ++i) {
    double d = from_bits(random());
    if (!std::isfinite(d)) continue;
    c.check(printed("%.17g", d));
    c.check(printed("%.16g", d));
    c.check(printed("%.15g", d));
  }

  // Points halfway between adjacent doubles: exactly, just above and just below.
  for (int i = 0; i < 25000 / kRandomScale; ++i) {
    std::uint64_t bits = random() & 0x7FFFFFFFFFFFFFFF;
    if (i % 4 == 1) bits %= std::uint64_t{1} << 52;  // subnormals
    if (i % 4 == 2) bits = (bits & 0x800FFFFFFFFFFFFF) | (static_cast<std::uint64_t>(1000 + i % 100) << 52);  // near 1
    const double d = from_bits(bits);
    if (!std::isfinite(d)) continue;
    const std::string halfway = exact_halfway(d);
    c.check(halfway);
    c.check(nudged(halfway, true));
    c.check(nudged(halfway, false));
  }
  check_all_alike(c);
  CHECK(c.cases > 1000000 / kRandomScale);
}
