// corridor::net — snapping a coordinate to the nearest road, through the grid stored in the graph.
#pragma once

#include <string>

#include "core/result.h"
#include "net/graph.h"

namespace corridor::net {

inline constexpr double kDefaultSnapLimitM = 1000;

struct Snap {
  SegmentId segment;
  LatLon on_road;           // the projected point
  double distance_m = 0;    // from the query point to on_road
  double fraction = 0;      // 0 at the segment's first point, 1 at its last, along its length
  std::uint32_t piece = 0;  // index of the piece's first point within the segment's shape
};

// Nearest point on any segment within `limit_m`; kSnapFailed names `what` otherwise. A snap within
// half a metre of a segment end is moved onto the end, so that a point given at a junction starts
// from the junction itself.
[[nodiscard]] core::Result<Snap> snap(const Graph& g, LatLon p, double limit_m, const std::string& what);

}  // namespace corridor::net
