// corridor::core — geographic primitives: fixed-point coordinates, distances, boxes, polygons.
//
// Coordinates are stored as OSM does, in 1e-7 degree integers: exact, compact, and identical to what
// an OSM file says. Distances are haversine on a sphere of radius 6,371,008.8 m (the IUGG mean).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace corridor::core {

inline constexpr double kEarthRadiusM = 6371008.8;
inline constexpr double kCoordScale = 1e7;

struct LatLon {
  double lat = 0;
  double lon = 0;
};

struct FixedLatLon {
  std::int32_t lat = 0;  // 1e-7 degrees
  std::int32_t lon = 0;

  [[nodiscard]] static FixedLatLon from(LatLon p);
  [[nodiscard]] LatLon to_double() const { return {lat / kCoordScale, lon / kCoordScale}; }
  auto operator<=>(const FixedLatLon&) const = default;
};

[[nodiscard]] bool valid_lat_lon(LatLon p);
[[nodiscard]] double haversine_m(LatLon a, LatLon b);

// Parses "LAT,LON" (decimal degrees); names `what` in the error.
[[nodiscard]] Result<LatLon> parse_lat_lon(const std::string& text, const std::string& what);

struct BBox {
  double south = 90, west = 180, north = -90, east = -180;
  void extend(LatLon p);
  [[nodiscard]] bool empty() const { return south > north; }
  [[nodiscard]] bool contains(LatLon p) const {
    return p.lat >= south && p.lat <= north && p.lon >= west && p.lon <= east;
  }
};

// Local planar frame (equirectangular around a reference latitude), good to well under a metre over
// the few kilometres a snap or a segment spans.
struct LocalFrame {
  double ref_lat_rad;
  double m_per_deg_lat;
  double m_per_deg_lon;
  explicit LocalFrame(double ref_lat_deg);
};

struct Projection {
  double t = 0;           // 0..1 along the piece
  double distance_m = 0;  // from the query point to the projected point
  LatLon point;
};
[[nodiscard]] Projection project_onto_segment(LatLon p, LatLon a, LatLon b);
// The same in a frame made once for many segments near `p` (snapping): `distance_m` is then the
// planar distance in that frame, within a fraction of a millimetre per kilometre of the great-circle
// one at the distances a snap considers, and needs no trigonometry.
[[nodiscard]] Projection project_onto_segment(LatLon p, LatLon a, LatLon b, const LocalFrame& f);
// Planar distance in a frame made once for a road's shape: for lengths along it (pieces of a few
// hundred metres at most), where only their ratios matter.
[[nodiscard]] double local_distance_m(LatLon a, LatLon b, const LocalFrame& f);

// A polygon with an outer ring and optional holes, each ring a closed list of points.
struct Polygon {
  std::vector<std::vector<LatLon>> rings;
  [[nodiscard]] BBox bbox() const;
  [[nodiscard]] bool contains(LatLon p) const;
  // True if the piece a-b has any point inside the polygon or crosses its boundary.
  [[nodiscard]] bool touches_segment(LatLon a, LatLon b) const;
};
[[nodiscard]] Polygon polygon_from_bbox(const BBox& b);

}  // namespace corridor::core
