// corridor::net — reading road networks: OpenStreetMap (PBF, XML, .osm.bz2/.osm.gz, through
// libosmium) and GeoJSON road files for hand-drawn scenario networks.
#pragma once

#include <string>

#include "core/result.h"
#include "net/builder.h"
#include "net/graph.h"
#include "net/profile.h"

namespace corridor::net {

struct ImportStats {
  std::uint64_t ways_read = 0;    // ways (or features) in the input
  std::uint64_t ways_routable = 0;  // of which the profile kept
  std::uint64_t barriers = 0;
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

}  // namespace corridor::net
