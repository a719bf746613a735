#include "core/geo.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>

namespace corridor::core {

namespace {
constexpr double kDegToRad = std::numbers::pi / 180.0;

double orient(LatLon a, LatLon b, LatLon c) {
  return (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
}

bool on_segment(LatLon a, LatLon b, LatLon p) {
  return std::min(a.lon, b.lon) <= p.lon && p.lon <= std::max(a.lon, b.lon) &&
         std::min(a.lat, b.lat) <= p.lat && p.lat <= std::max(a.lat, b.lat);
}

bool segments_intersect(LatLon p1, LatLon p2, LatLon q1, LatLon q2) {
  const double d1 = orient(q1, q2, p1), d2 = orient(q1, q2, p2);
  const double d3 = orient(p1, p2, q1), d4 = orient(p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    return true;
  }
  return (d1 == 0 && on_segment(q1, q2, p1)) || (d2 == 0 && on_segment(q1, q2, p2)) ||
         (d3 == 0 && on_segment(p1, p2, q1)) || (d4 == 0 && on_segment(p1, p2, q2));
}
}  // namespace

FixedLatLon FixedLatLon::from(LatLon p) {
  return {static_cast<std::int32_t>(std::lround(p.lat * kCoordScale)),
          static_cast<std::int32_t>(std::lround(p.lon * kCoordScale))};
}

bool valid_lat_lon(LatLon p) {
  return std::isfinite(p.lat) && std::isfinite(p.lon) && p.lat >= -90 && p.lat <= 90 &&
         p.lon >= -180 && p.lon <= 180;
}

double haversine_m(LatLon a, LatLon b) {
  const double dlat = (b.lat - a.lat) * kDegToRad;
  const double dlon = (b.lon - a.lon) * kDegToRad;
  const double s = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * kDegToRad) * std::cos(b.lat * kDegToRad) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(s)));
}

Result<LatLon> parse_lat_lon(const std::string& text, const std::string& what) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) {
    return fail(ErrorCode::kInvalidArgument,
                what + ": '" + text + "' is not LAT,LON (decimal degrees, comma between)");
  }
  auto parse_one = [&](const std::string& s, double& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
  };
  LatLon p;
  if (!parse_one(text.substr(0, comma), p.lat) || !parse_one(text.substr(comma + 1), p.lon)) {
    return fail(ErrorCode::kInvalidArgument,
                what + ": '" + text + "' is not LAT,LON (decimal degrees, comma between)");
  }
  if (!valid_lat_lon(p)) {
    return fail(ErrorCode::kInvalidArgument,
                what + ": '" + text + "' is out of range (latitude -90..90, longitude -180..180)");
  }
  return p;
}

void BBox::extend(LatLon p) {
  south = std::min(south, p.lat);
  north = std::max(north, p.lat);
  west = std::min(west, p.lon);
  east = std::max(east, p.lon);
}

LocalFrame::LocalFrame(double ref_lat_deg)
    : ref_lat_rad(ref_lat_deg * kDegToRad),
      m_per_deg_lat(kEarthRadiusM * kDegToRad),
      m_per_deg_lon(kEarthRadiusM * kDegToRad * std::cos(ref_lat_deg * kDegToRad)) {}

Projection project_onto_segment(LatLon p, LatLon a, LatLon b) {
  Projection out = project_onto_segment(p, a, b, LocalFrame(p.lat));
  out.distance_m = haversine_m(p, out.point);
  return out;
}

double local_distance_m(LatLon a, LatLon b, const LocalFrame& f) {
  const double dy = (b.lat - a.lat) * f.m_per_deg_lat, dx = (b.lon - a.lon) * f.m_per_deg_lon;
  return std::sqrt(dx * dx + dy * dy);
}

Projection project_onto_segment(LatLon p, LatLon a, LatLon b, const LocalFrame& f) {
  const double ax = (a.lon - p.lon) * f.m_per_deg_lon, ay = (a.lat - p.lat) * f.m_per_deg_lat;
  const double bx = (b.lon - p.lon) * f.m_per_deg_lon, by = (b.lat - p.lat) * f.m_per_deg_lat;
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  Projection out;
  out.t = t;
  out.point = {a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon)};
  const double px = ax + t * dx, py = ay + t * dy;
  out.distance_m = std::sqrt(px * px + py * py);
  return out;
}

BBox Polygon::bbox() const {
  BBox b;
  for (const auto& ring : rings) {
    for (const auto& p : ring) b.extend(p);
  }
  return b;
}

bool Polygon::contains(LatLon p) const {
  bool inside = false;  // even-odd over all rings handles holes
  for (const auto& ring : rings) {
    const std::size_t n = ring.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
      const LatLon& a = ring[i];
      const LatLon& b = ring[j];
      if ((a.lat > p.lat) != (b.lat > p.lat) &&
          p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon) {
        inside = !inside;
      }
    }
  }
  return inside;
}

bool Polygon::touches_segment(LatLon a, LatLon b) const {
  if (contains(a) || contains(b)) return true;
  for (const auto& ring : rings) {
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      if (segments_intersect(a, b, ring[i], ring[i + 1])) return true;
    }
    if (ring.size() > 2 && segments_intersect(a, b, ring.back(), ring.front())) return true;
  }
  return false;
}

Polygon polygon_from_bbox(const BBox& b) {
  return Polygon{{{{b.south, b.west}, {b.south, b.east}, {b.north, b.east}, {b.north, b.west}}}};
}

}  // namespace corridor::core
