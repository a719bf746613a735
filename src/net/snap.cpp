#include "net/snap.h"

#include <algorithm>
#include <cmath>

namespace corridor::net {

using core::ErrorCode;
using core::fail;

namespace {
constexpr double kEndToleranceM = 0.5;
}

core::Result<Snap> snap(const Graph& g, LatLon p, double limit_m, const std::string& what) {
  const auto& a = g.arrays();
  const GridGeometry grid(a.grid_meta);
  const std::int64_t rows = grid.rows, cols = grid.cols;
  // The smallest extent of a cell in metres anywhere in the grid bounds what a ring can hide.
  const double north = grid.south + grid.cell_lat * static_cast<double>(rows);
  const double max_abs_lat = std::min(89.0, std::max(std::abs(grid.south), std::abs(north)));
  const core::LocalFrame frame(max_abs_lat);
  const double cell_m = std::min(grid.cell_lat * frame.m_per_deg_lat, grid.cell_lon * frame.m_per_deg_lon);
  const std::int64_t r0 = grid.row(p.lat), c0 = grid.col(p.lon);
  // A point outside the grid is at least this far from every road.
  const LatLon clamped{std::clamp(p.lat, grid.south, north),
                       std::clamp(p.lon, grid.west, grid.west + grid.cell_lon * static_cast<double>(cols))};
  const double outside_m = core::haversine_m(p, clamped);

  // Candidates are ranked by planar distance in one frame around the point (no trigonometry per
  // candidate); the chosen one's distance is then the great-circle one.
  const core::LocalFrame here(p.lat);
  Snap best;
  best.distance_m = std::numeric_limits<double>::infinity();
  // Ties go to the lowest (segment, piece), whichever cell lists it first.
  std::uint64_t best_piece = UINT64_MAX;
  auto visit = [&](std::int64_t r, std::int64_t c) {
    const std::size_t cell = grid.cell(static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(c));
    for (std::uint32_t i = a.grid_first[cell]; i < a.grid_first[cell + 1]; ++i) {
      const SegmentId s(a.grid_items[i]);
      const std::uint32_t points = g.point_count(s);
      LatLon prev = g.point(s, 0).to_double();
      for (std::uint32_t k = 0; k + 1 < points; ++k) {
        const LatLon next = g.point(s, k + 1).to_double();
        const auto proj = core::project_onto_segment(p, prev, next, here);
        prev = next;
        const std::uint64_t id = std::uint64_t{s.value} << 32 | k;
        if (proj.distance_m < best.distance_m || (proj.distance_m == best.distance_m && id < best_piece)) {
          best.distance_m = proj.distance_m;
          best.on_road = proj.point;
          best.fraction = proj.t;  // fixed up below
          best.segment = s;
          best.piece = k;
          best_piece = id;
        }
      }
    }
  };
  const std::int64_t max_ring = std::max({r0, rows - 1 - r0, c0, cols - 1 - c0});
  for (std::int64_t ring = 0; ring <= max_ring; ++ring) {
    for (std::int64_t r = r0 - ring; r <= r0 + ring; ++r) {
      if (r < 0 || r >= rows) continue;
      const bool edge_row = r == r0 - ring || r == r0 + ring;
      for (std::int64_t c = c0 - ring; c <= c0 + ring; c += edge_row ? 1 : 2 * ring) {
        if (c >= 0 && c < cols) visit(r, c);
        if (ring == 0) break;
      }
    }
    const double hidden_beyond = outside_m + static_cast<double>(ring) * cell_m;
    if (best.distance_m <= hidden_beyond) break;
    if (hidden_beyond > limit_m) break;
  }
  if (!(best.distance_m <= limit_m)) {
    std::string msg = what + ": no road within " + std::to_string(static_cast<long>(limit_m)) + " m";
    if (std::isfinite(best.distance_m)) {
      msg += " (nearest is " + std::to_string(static_cast<long>(best.distance_m)) + " m away)";
    }
    return fail(ErrorCode::kSnapFailed, msg + "; raise --snap-limit or pick a point nearer a road");
  }

  const auto shape = g.shape(best.segment);
  double before = 0, total = 0;
  const core::LocalFrame along(shape.front().to_double().lat);
  for (std::size_t i = 1; i < shape.size(); ++i) {
    const double len = core::local_distance_m(shape[i - 1].to_double(), shape[i].to_double(), along);
    if (i - 1 < best.piece) before += len;
    if (i - 1 == best.piece) before += len * best.fraction;
    total += len;
  }
  best.fraction = total > 0 ? before / total : 0;
  if (before <= kEndToleranceM) {
    best.fraction = 0;
    best.piece = 0;
    best.on_road = shape.front().to_double();
  } else if (total - before <= kEndToleranceM) {
    best.fraction = 1;
    best.piece = static_cast<std::uint32_t>(shape.size() - 2);
    best.on_road = shape.back().to_double();
  }
  best.distance_m = core::haversine_m(p, best.on_road);
  return best;
}

}  // namespace corridor::net
