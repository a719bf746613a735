// corridor::route — where a route or a search starts and ends: a graph node, or a point part-way
// along a road. A point enters the graph at both ends of its segment with the partial costs, as
// seeds for the Router.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/closures.h"
#include "net/snap.h"
#include "route/plan.h"
#include "route/router.h"

namespace corridor::route {

struct Endpoint {
  std::optional<NodeId> node;  // set when the point is a node (given, or snapped onto a segment end)
  net::Snap snap;              // otherwise where it lies
  double snapped_m = 0;
  std::string label;

  // The node at the nearer end of its road, for questions asked of nodes (bridges, cuts).
  [[nodiscard]] NodeId nearest_node(const Graph& g) const;
};

// One traversed stretch of a segment, as fractions along its geometry (from > to when reversed).
struct Piece {
  net::SegmentId segment;
  double from = 0;
  double to = 1;
};

struct SeedInfo {
  std::optional<Piece> piece;  // the partial stretch between the point and the seed node
};

[[nodiscard]] core::Result<Endpoint> resolve_endpoint(const Graph& g, const Waypoint& w, double limit,
                                                      const std::string& what);

// Seeds for leaving `end` (as_source) or arriving at it, skipping closed directions; `infos` gets
// the partial stretch each seed stands for.
void endpoint_seeds(const Graph& g, const Endpoint& end, bool as_source, Metric m,
                    const net::ClosureOverlay* closures, std::vector<Seed>& seeds,
                    std::vector<SeedInfo>& infos);

}  // namespace corridor::route
