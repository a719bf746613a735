// corridor::net — reading road networks: OpenStreetMap (PBF, XML, .osm.bz2/.osm.gz, through
// libosmium) and GeoJSON road files for hand-drawn scenario networks.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "net/builder.h"
#include "net/graph.h"
#include "net/profile.h"

namespace corridor::net {

struct ImportStats {
  std::uint64_t ways_read = 0;    // ways (or features) in the input
  std::uint64_t ways_routable = 0;  // of which the profile kept
  std::uint64_t barriers = 0;
  double read_seconds = 0;   // decoding the input and collecting ways
  double build_seconds = 0;  // junctions, segments, CSR, snapping grid
};

// Chooses the reader from the file name: .geojson/.json is GeoJSON, anything else goes to libosmium.
[[nodiscard]] core::Result<Graph> import_file(const std::string& path, const Profile& profile,
                                              ImportStats* stats = nullptr);
[[nodiscard]] core::Result<Graph> import_osm(const std::string& path, const Profile& profile,
                                             ImportStats* stats = nullptr);
[[nodiscard]] core::Result<Graph> import_geojson(const std::string& path, const Profile& profile,
                                                 ImportStats* stats = nullptr);
// The GeoJSON reader on text already in memory; `name` is used in errors.
[[nodiscard]] core::Result<Graph> import_geojson_text(const std::string& text, const std::string& name,
                                                      const Profile& profile,
                                                      ImportStats* stats = nullptr);

// OpenStreetMap place=* nodes that carry a population tag, for access analysis.
struct OsmPlace {
  std::int64_t osm_id = 0;
  std::vector<std::string> names;  // name first, then every name:xx and alt_name/old_name
  LatLon point;
  std::int64_t population = 0;
};
[[nodiscard]] core::Result<std::vector<OsmPlace>> read_osm_places(const std::string& path);

}  // namespace corridor::net
