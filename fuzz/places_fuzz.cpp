// The places readers on arbitrary bytes: the first byte chooses CSV or GeoJSON and whether a
// population is required. Either an error, or places whose every figure is in range and whose
// display name is the first of its names.
#include <cstdint>

#include "access/places.h"
#include "core/geo.h"
#include "core/input.h"
#include "file_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool geojson = (data[0] & 1) != 0;
  const bool need_population = (data[0] & 2) != 0;
  const std::string path = corridor::fuzz::write_input(geojson ? "p.geojson" : "p.csv", data + 1, size - 1);
  auto places = corridor::access::read_places(path, need_population);
  if (!places) return 0;
  for (const auto& p : *places) {
    if (p.id.empty() || p.names.empty() || p.names.front() != p.name) __builtin_trap();
    if (p.population < 0 || p.population > corridor::core::kMaxPopulation) __builtin_trap();
    if (!p.population_known && p.population != 0) __builtin_trap();
    if (!corridor::core::valid_lat_lon(p.point)) __builtin_trap();
  }
  return 0;
}
