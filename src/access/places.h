// corridor::access — places (settlements with a population and every name in use) and supply
// sources, read from CSV, GeoJSON points or OpenStreetMap place nodes.
//
// May use: core, net, route.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/geo.h"
#include "core/result.h"

namespace corridor::access {

struct Place {
  std::string id;
  std::string name;                // the display name
  std::vector<std::string> names;  // every name in use, display name first
  core::LatLon point;
  std::int64_t population = 0;
  bool population_known = true;    // false: the file gave no count (an empty cell, a null): not a zero
  std::string origin;              // file:line or file#pointer, for messages
};

// CSV (header id,name,lat,lon[,population][,names]; names separated by '|') or GeoJSON Point
// features (properties id, name, population, names as an array or '|'-joined), chosen by extension.
// `need_population`: places must give one; sources need not.
[[nodiscard]] core::Result<std::vector<Place>> read_places(const std::string& path, bool need_population);

// GeoJSON text (a FeatureCollection of Point features, as above); `where` names it in errors (with
// the JSON pointer of a bad feature).
[[nodiscard]] core::Result<std::vector<Place>> parse_geojson_places(const std::string& text, const std::string& where,
                                                                    bool need_population);
// A list "LAT,LON;LAT,LON..." (never a file name): ids are OPTION1, OPTION2, ...
[[nodiscard]] core::Result<std::vector<Place>> places_from_list(const std::string& text, const std::string& option);

// A list "LAT,LON;LAT,LON..." given on the command line, or a file as above.
[[nodiscard]] core::Result<std::vector<Place>> places_argument(const std::string& text, const std::string& option,
                                                               bool need_population);

// OpenStreetMap place=* nodes that carry a population tag (name and every name:* kept).
[[nodiscard]] core::Result<std::vector<Place>> read_osm_places(const std::string& path);

}  // namespace corridor::access
