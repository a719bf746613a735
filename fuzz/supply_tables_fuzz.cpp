// The supply module's readers on arbitrary text: a needs profile (TOML) or a commodity table (CSV),
// chosen by the first byte. Either an error or a table whose figures respect the documented bounds.
#include <cmath>
#include <cstdint>
#include <string>

#include "supply/supply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    auto p = corridor::supply::parse_needs(text, "fuzz.toml");
    if (p) {
      if (!(p->kcal_per_person_day > 0) || p->kcal_per_person_day > 10000) __builtin_trap();
      for (const auto& it : p->items) {
        if (!(it.per_people > 0) || !(it.period_days > 0) || !std::isfinite(it.per_day(1000))) __builtin_trap();
      }
      auto d = corridor::supply::daily_need(*p, {1000, {}}, "fuzz");
      if (!d || !std::isfinite(d->kcal)) __builtin_trap();
    }
  } else {
    auto t = corridor::supply::parse_commodities(text, "fuzz.csv");
    if (t) {
      for (const auto& c : t->items) {
        if (!(c.kcal_per_kg >= 0) || c.kcal_per_kg > 9500 || c.id.empty()) __builtin_trap();
        for (const auto& h : c.hs_prefixes) (void)t->by_hs(h);
      }
    }
  }
  return 0;
}
