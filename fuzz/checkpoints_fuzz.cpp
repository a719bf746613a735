// The checkpoint readers (CSV or TOML, by the first byte) on arbitrary bytes: either an error, or
// checkpoints whose throughput is a bounded, non-negative count and whose windows are ordered.
#include <cstdint>

#include "access/capacity.h"
#include "core/geo.h"
#include "file_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool toml = (data[0] & 1) != 0;
  const std::string path = corridor::fuzz::write_input(toml ? "c.toml" : "c.csv", data + 1, size - 1);
  auto cps = corridor::access::read_checkpoints(path);
  if (!cps) return 0;
  for (const auto& c : *cps) {
    if (c.id.empty() || c.name.empty() || !corridor::core::valid_lat_lon(c.point)) __builtin_trap();
    if (!(c.hours_per_day >= 0 && c.hours_per_day <= 24)) __builtin_trap();
    const auto per_day = c.per_day();
    if (per_day < 0 || per_day > 10'000LL * 100 * 24) __builtin_trap();
    if (c.closed_from && c.closed_until && *c.closed_until <= *c.closed_from) __builtin_trap();
  }
  return 0;
}
