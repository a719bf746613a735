#include <cstdint>
#include <string_view>

#include "net/closures.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Polygon specs read files; keep the fuzzer off the file system.
  if (text.starts_with("polygon:")) return 0;
  auto spec = corridor::net::parse_closure_spec(text);
  if (spec && spec->from && spec->until && *spec->until <= *spec->from) __builtin_trap();
  return 0;
}
