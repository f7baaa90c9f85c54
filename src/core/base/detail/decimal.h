// Decimal text to the nearest double, without the C library's strtod.
//
// Why our own: strtod brings musl's float scanner and its 128-bit long-double arithmetic
// into the page's WebAssembly module (about 14 KB of code), and fast_float's table of
// powers of five made the module bigger still. This one is small: exact double arithmetic
// when that suffices (Clinger's fast path), otherwise a small big-integer division that is
// exact, so the result is always the correctly rounded one (ties to even), the same double
// glibc's strtod gives — tests/native/decimal_test.cpp checks that bit for bit.
#pragma once

#include <string_view>

namespace pg {

// `text` must be a whole decimal number: [+-]? digits* (. digits*)? ([eE] [+-]? digits+)?
// with at least one digit before the exponent. Returns the nearest double (±infinity past
// the largest double's rounding boundary, ±0 below half the smallest subnormal, "-0" is
// -0.0), or a quiet NaN for any other text ("", "inf", "nan", hex, stray characters).
// Any length and any exponent are fine; never throws, never allocates.
double decimal_to_double(std::string_view text);

}  // namespace pg
