#include <cstdint>
#include <string>

#include "net/import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)corridor::net::import_geojson_text(text, "fuzz.geojson", corridor::net::Profile{});
  return 0;
}
