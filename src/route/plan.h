// corridor::route — a route between user points: snapping, via points, partial segments at both
// ends, and, when no route exists, which closures cut it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/closures.h"
#include "net/graph.h"
#include "net/snap.h"
#include "route/router.h"

namespace corridor::route {

// A point the user gave: coordinates to snap, or a graph node id (as `corridor export` numbers them).
struct Waypoint {
  std::optional<core::LatLon> point;
  std::optional<NodeId> node;
  std::string label;  // how the user wrote it, for messages
};
[[nodiscard]] core::Result<Waypoint> parse_waypoint(const std::string& text, const std::string& what);

struct RouteRequest {
  std::vector<Waypoint> points;  // from, vias..., to
  Metric metric = Metric::kTime;
  double snap_limit_m = net::kDefaultSnapLimitM;
};

struct Route {
  double distance_m = 0;
  double duration_s = 0;
  std::vector<std::string> roads;          // labels in travel order, repeats merged
  std::vector<std::int64_t> way_ids;       // in travel order, repeats merged
  std::vector<core::LatLon> geometry;
  std::vector<double> snapped_m;           // per waypoint, distance from the given point to the road
  std::vector<std::uint32_t> nodes;        // graph nodes passed, in order
};

struct NoRoute {
  std::size_t leg = 0;                      // 0 = from -> first via (or to)
  std::vector<std::string> cutting;         // the active closures on the frontier of what is reachable
  bool connected_without_closures = false;  // whether lifting every closure would give a route
  std::string message;
};

struct RouteOutcome {
  std::optional<Route> route;
  std::optional<NoRoute> no_route;
};

// Snap failures and bad node ids are errors; "no route" is an outcome, with its explanation.
[[nodiscard]] core::Result<RouteOutcome> plan_route(const Graph& g, Router& router,
                                                    const RouteRequest& req,
                                                    const std::vector<net::ClosureSpec>& specs,
                                                    const net::ClosureOverlay& closures);

}  // namespace corridor::route
