#include <doctest/doctest.h>

#include "core/base/text.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

using namespace pg;

namespace {

std::string printf_of(const char* format, double v) {
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

// fixed_decimal and general_decimal replace snprintf in the core (the page's module carries
// no printf): they must write exactly what the C library writes, ties and carries included.
void check_like_printf(double v) {
  CAPTURE(v);
  if (v < 1e17) {
    CHECK(fixed_decimal(v, 0) == printf_of("%.0f", v));
    CHECK(fixed_decimal(v, 1) == printf_of("%.1f", v));
  }
  if (v > 0 && v < 1000) CHECK(general_decimal(v, 3) == printf_of("%.3g", v));
}

}  // namespace

TEST_CASE("number text: fixed_decimal and general_decimal write what printf writes") {
  for (double v : {0.0, 0.5, 1.5, 2.5, 0.125, 0.05, 9.995, 99.95, 99.949999, 999.5, 999.4, 1e-5, 1.25e-7, 4.9e-324,
                   2.2250738585072014e-308, 1024.0 / 1024, 1536.0 / 1024, 25.0 * 1048576 / 1048576, 1800.0})
    check_like_printf(v);
  for (long ms = 1; ms <= 200000; ms += 7) check_like_printf(ms / 1000.0);  // model deadlines in seconds
  for (long k = 0; k <= 20000; ++k) check_like_printf(k / 10.0);            // human_bytes' rounded units
  std::mt19937_64 random(18);
  for (int i = 0; i < 20000; ++i) check_like_printf(std::exp(std::uniform_real_distribution<double>(-700, 25)(random)));
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t bits = random() & 0x7fffffffffffffffULL;
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    if (std::isfinite(v)) check_like_printf(v);
  }
}

TEST_CASE("number text: examples") {
  CHECK(fixed_decimal(1.5, 1) == "1.5");
  CHECK(fixed_decimal(2.5, 0) == "2");  // half to even, as printf
  CHECK(general_decimal(1.5, 3) == "1.5");
  CHECK(general_decimal(30, 3) == "30");
  CHECK(general_decimal(99.96, 3) == "100");
  CHECK(general_decimal(0.00005, 3) == "5e-05");
}
