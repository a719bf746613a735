// A regime (TOML) and a declaration (JSON) on arbitrary bytes, split at the first NUL: each reader
// either refuses its part or reads it, and a declaration evaluated under a regime gets a decision
// whose every reason cites a rule of that regime and an item that exists.
#include <cstdint>
#include <set>
#include <string>

#include "regime/regime.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string all(reinterpret_cast<const char*>(data), size);
  const auto nul = all.find('\0');
  const std::string regime_text = all.substr(0, nul);
  const std::string decl_text = nul == std::string::npos ? std::string() : all.substr(nul + 1);
  auto r = corridor::regime::parse_regime(regime_text, "fuzz.toml");
  auto d = corridor::regime::parse_declaration(decl_text, "fuzz.json");
  if (!r || !d) return 0;
  // The rules a reason may cite: the regime's own, and "checkpoint" (a declaration for another one).
  std::set<std::string> ids{"checkpoint", r->coordination_id, r->inspection_id};
  for (const auto& x : r->documents) ids.insert(x.id);
  for (const auto& x : r->goods) ids.insert(x.id);
  for (const auto& x : r->vehicles) ids.insert(x.id);
  for (const auto& x : r->inspection) ids.insert(x.id);
  const auto decision = corridor::regime::evaluate(*r, *d, 1'700'000'000);
  for (const auto& reason : decision.reasons) {
    if (reason.rule.empty() || !ids.contains(reason.rule)) __builtin_trap();
    if (reason.item && *reason.item >= d->items.size()) __builtin_trap();
  }
  return 0;
}
