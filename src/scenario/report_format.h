// corridor::scenario — how the reports write numbers (shared by the text and HTML writers).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace corridor::scenario {

// v with `decimals` digits after the point.
inline std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// v rounded, with commas between thousands: 92,292.
inline std::string thousands(double v) {
  const auto n = static_cast<std::int64_t>(std::llround(v));
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}


}  // namespace corridor::scenario
