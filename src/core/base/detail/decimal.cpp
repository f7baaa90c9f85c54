// Decimal text to the nearest double (decimal.h).
//
// The value is digits × 10^e10. When the digits fit in 53 bits and 10^|e10| is an exact
// double, one IEEE multiplication or division rounds it correctly (Clinger's fast path).
// Otherwise 10^e10 = 5^e10 × 2^e10 and, with integers only:
//  - e10 >= 0: the value is the integer digits × 5^e10, times 2^e10; its top 64 bits and
//    whether any lower bit is set decide the rounding;
//  - e10 < 0: the value is digits / 5^-e10, times 2^e10; long division, one bit at a time,
//    gives the top 64 bits of the quotient, and a non-zero remainder says "a bit more".
// Either way the 53 bits (fewer for a subnormal) are rounded to nearest, ties to even.
//
// Only the first 800 significant digits are used exactly: every point halfway between two
// adjacent doubles (where rounding could go either way) has at most 767 significant digits,
// so a longer number lies strictly between two 800-digit numbers that round alike unless
// one of them is such a point. Replacing the rest by a single 1 digit (the rest is not zero:
// trailing zeros are dropped first) keeps the value strictly inside that same interval.
#include "core/base/detail/decimal.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

namespace pg {

namespace {

constexpr std::size_t kMaxDigits = 800;

// 801 digits are below 2^2661, and 5^1127 (the largest divisor: a number below 1e-327 is
// zero) below 2^2617; the long division's remainder needs two bits more than either.
constexpr int kLimbs = 86;  // 2752 bits

// An unsigned integer in 32-bit limbs, least significant first, sized for the above.
struct Big {
  std::uint32_t limb[kLimbs];
  int size = 0;  // limbs in use; the top one is not zero

  // *this = *this × m + add
  void mul_add(std::uint32_t m, std::uint32_t add) {
    std::uint64_t carry = add;
    for (int i = 0; i < size; ++i) {
      carry += static_cast<std::uint64_t>(limb[i]) * m;
      limb[i] = static_cast<std::uint32_t>(carry);
      carry >>= 32;
    }
    if (carry != 0 && size < kLimbs) limb[size++] = static_cast<std::uint32_t>(carry);
  }

  void mul_pow5(int k) {
    for (; k >= 13; k -= 13) mul_add(1220703125, 0);  // 5^13, the largest power of 5 below 2^32
    std::uint32_t m = 1;
    for (; k > 0; --k) m *= 5;
    mul_add(m, 0);
  }

  void shift_left(int bits) {
    if (size == 0 || bits <= 0) return;
    const int words = bits / 32, rest = bits % 32;
    if (size + words + 1 > kLimbs) return;  // cannot happen with the sizes above
    const std::uint32_t top = rest != 0 ? limb[size - 1] >> (32 - rest) : 0;
    for (int i = size - 1; i >= 0; --i) {
      std::uint32_t v = limb[i] << rest;
      if (rest != 0 && i > 0) v |= limb[i - 1] >> (32 - rest);
      limb[i + words] = v;
    }
    for (int i = 0; i < words; ++i) limb[i] = 0;
    size += words;
    if (top != 0) limb[size++] = top;
  }

  // *this -= other, which is not larger.
  void subtract(const Big& other) {
    std::int64_t borrow = 0;
    for (int i = 0; i < size; ++i) {
      std::int64_t v = static_cast<std::int64_t>(limb[i]) - borrow - (i < other.size ? other.limb[i] : 0);
      borrow = v < 0 ? 1 : 0;
      limb[i] = static_cast<std::uint32_t>(v + (borrow << 32));
    }
    while (size > 0 && limb[size - 1] == 0) --size;
  }

  int bit_length() const {
    if (size == 0) return 0;
    int n = (size - 1) * 32;
    for (std::uint32_t top = limb[size - 1]; top != 0; top >>= 1) ++n;
    return n;
  }

  std::uint32_t at(int i) const { return i < size ? limb[i] : 0; }
};

int compare(const Big& a, const Big& b) {
  if (a.size != b.size) return a.size < b.size ? -1 : 1;
  for (int i = a.size - 1; i >= 0; --i)
    if (a.limb[i] != b.limb[i]) return a.limb[i] < b.limb[i] ? -1 : 1;
  return 0;
}

// The double nearest to a value in [q, q + 1) × 2^e (strictly above q × 2^e when `more`),
// q having its top bit set. Ties go to the even neighbour.
double nearest(std::uint64_t q, bool more, int e, bool negative) {
  const int lead = e + 63;                  // the binary exponent of q's top bit
  std::uint64_t bits = 0x7FF0000000000000;  // infinity
  if (lead <= 1023) {
    const int unit = lead > -1022 ? lead - 52 : -1074;  // the exponent of the result's last bit
    const int drop = unit - e;                          // 11, more for a subnormal
    std::uint64_t m = 0;
    if (drop == 64) {
      m = q > (std::uint64_t{1} << 63) || (q == (std::uint64_t{1} << 63) && more) ? 1 : 0;
    } else if (drop < 64) {
      m = q >> drop;
      const std::uint64_t rest = q & ((std::uint64_t{1} << drop) - 1), half = std::uint64_t{1} << (drop - 1);
      if (rest > half || (rest == half && (more || (m & 1) != 0))) ++m;
    }
    // m carries the implicit bit (or is a subnormal's mantissa), so adding it sets the
    // exponent field right, and a carry out of 53 bits moves into the exponent (up to infinity).
    const std::uint64_t biased = lead >= -1022 ? static_cast<std::uint64_t>(lead + 1022) : 0;
    bits = (biased << 52) + m;
  }
  if (negative) bits |= std::uint64_t{1} << 63;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The mantissa's digits with the point skipped: integer part, then fraction.
struct Digits {
  const char* whole;
  std::size_t whole_size;
  const char* fraction;
  char operator[](std::size_t k) const { return k < whole_size ? whole[k] : fraction[k - whole_size]; }
};

constexpr double kExactPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

}  // namespace

double decimal_to_double(std::string_view text) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const char* p = text.data();
  const char* const end = p + text.size();
  bool negative = false;
  if (p < end && (*p == '+' || *p == '-')) negative = *p++ == '-';
  const char* const whole = p;
  while (p < end && is_digit(*p)) ++p;
  const std::size_t whole_size = static_cast<std::size_t>(p - whole);
  std::size_t fraction_size = 0;
  if (p < end && *p == '.') {
    const char* const fraction = ++p;
    while (p < end && is_digit(*p)) ++p;
    fraction_size = static_cast<std::size_t>(p - fraction);
  }
  const Digits digits{whole, whole_size, p - fraction_size};
  const std::size_t count = whole_size + fraction_size;
  if (count == 0) return nan;
  std::int64_t exponent = 0;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative_exponent = false;
    if (p < end && (*p == '+' || *p == '-')) negative_exponent = *p++ == '-';
    if (p == end || !is_digit(*p)) return nan;
    // Past 10^15 the exponent only needs to stay huge: no text is that long.
    for (; p < end && is_digit(*p); ++p)
      if (exponent < 1000000000000000) exponent = exponent * 10 + (*p - '0');
    if (negative_exponent) exponent = -exponent;
  }
  if (p != end) return nan;

  std::size_t first = 0;
  while (first < count && digits[first] == '0') ++first;
  if (first == count) return negative ? -0.0 : 0.0;
  std::size_t last = count - 1;
  while (digits[last] == '0') --last;
  const std::size_t n = last - first + 1;  // significant digits
  // The decimal exponents of the first and the last significant digit.
  const std::int64_t units = exponent - static_cast<std::int64_t>(fraction_size);
  const std::int64_t lead = units + static_cast<std::int64_t>(count - 1 - first);
  const std::int64_t tail = units + static_cast<std::int64_t>(count - 1 - last);
  if (lead > 310) return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (lead < -327) return negative ? -0.0 : 0.0;

  if (n <= 19) {
    std::uint64_t w = 0;
    for (std::size_t k = first; k <= last; ++k) w = w * 10 + static_cast<unsigned>(digits[k] - '0');
    std::int64_t e10 = tail;
    // 1e25 is 1000 × 1e22: move what the integer can hold exactly.
    while (e10 > 22 && w <= (std::uint64_t{1} << 53) / 10) w *= 10, --e10;
    if (w <= std::uint64_t{1} << 53 && e10 >= -22 && e10 <= 22) {
      const double v =
          e10 < 0 ? static_cast<double>(w) / kExactPowers[-e10] : static_cast<double>(w) * kExactPowers[e10];
      return negative ? -v : v;
    }
  }

  Big num;
  const std::size_t used = n < kMaxDigits ? n : kMaxDigits;
  for (std::size_t k = 0; k < used;) {
    std::uint32_t chunk = 0, scale = 1;
    for (int j = 0; j < 9 && k < used; ++j, ++k) {
      chunk = chunk * 10 + static_cast<unsigned>(digits[first + k] - '0');
      scale *= 10;
    }
    num.mul_add(scale, chunk);
  }
  int e10 = static_cast<int>(tail);
  if (n > kMaxDigits) {
    num.mul_add(10, 1);
    e10 = static_cast<int>(lead) - static_cast<int>(kMaxDigits);
  }

  std::uint64_t q = 0;
  bool more = false;
  int e = 0;
  if (e10 >= 0) {
    num.mul_pow5(e10);
    const int length = num.bit_length();
    e = e10 + length - 64;
    if (length <= 64) {
      q = (static_cast<std::uint64_t>(num.at(1)) << 32 | num.at(0)) << (64 - length);
    } else {
      const int shift = length - 64, word = shift / 32, bit = shift % 32;
      const std::uint64_t low = static_cast<std::uint64_t>(num.at(word + 1)) << 32 | num.at(word);
      q = bit != 0 ? low >> bit | static_cast<std::uint64_t>(num.at(word + 2)) << (64 - bit) : low;
      more = (num.at(word) & ((std::uint32_t{1} << bit) - 1)) != 0;
      for (int i = 0; i < word && !more; ++i) more = num.limb[i] != 0;
    }
  } else {
    Big den;
    den.mul_add(1, 1);
    den.mul_pow5(-e10);
    // Align the two so that 1 <= num / den < 2, keeping value = num / den × 2^e.
    e = e10;
    const int num_length = num.bit_length(), den_length = den.bit_length();
    if (num_length < den_length) num.shift_left(den_length - num_length), e -= den_length - num_length;
    if (den_length < num_length) den.shift_left(num_length - den_length), e += num_length - den_length;
    if (compare(num, den) < 0) num.shift_left(1), --e;
    for (int i = 0; i < 64; ++i) {
      q <<= 1;
      if (compare(num, den) >= 0) num.subtract(den), q |= 1;
      num.shift_left(1);
    }
    more = num.size != 0;
    e -= 63;
  }
  return nearest(q, more, e, negative);
}

}  // namespace pg
