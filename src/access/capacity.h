// corridor::access — how many trucks a day can get through: maximum flow from the sources to the
// destinations, each road capped by its class and each checkpoint by its throughput (vehicles per
// hour × lanes × opening hours), with the bottleneck (a minimum cut) and the main routes the flow
// takes.
#pragma once

#include <atomic>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "net/closures.h"
#include "net/graph.h"
#include "route/endpoint.h"

namespace corridor::access {

using core::NodeId;
using core::SegmentId;

// Trucks per day that one direction of a road of each class can carry (docs/formats.md).
struct ClassCapacity {
  std::array<std::int64_t, net::kRoadClassCount> per_day;
  static ClassCapacity defaults();
  // "primary=3000,track=150": overrides; a negative or unknown entry is an error.
  [[nodiscard]] core::Result<void> override_with(const std::string& text);
};

struct Checkpoint {
  std::string id, name;
  core::LatLon point;
  double vehicles_per_hour = 0;
  int lanes = 1;
  double hours_per_day = 24;
  std::string hours;       // as written
  bool closed = false;     // status closed (within the window, if one is given)
  std::optional<core::UnixSeconds> closed_from, closed_until;
  std::string origin;      // file:line

  [[nodiscard]] std::int64_t per_day() const {
    return static_cast<std::int64_t>(vehicles_per_hour * lanes * hours_per_day);
  }
  [[nodiscard]] bool closed_at(core::UnixSeconds t) const {
    return closed && (!closed_from || t >= *closed_from) && (!closed_until || t < *closed_until);
  }
};

// CSV (id,name,lat,lon,vehicles_per_hour,hours,lanes,status) or TOML ([[checkpoint]] tables with the
// same keys), by extension. Errors name file:line.
[[nodiscard]] core::Result<std::vector<Checkpoint>> read_checkpoints(const std::string& path);
// "08:00-18:00", "08:00-12:00;13:00-17:00", "24h": hours open per day.
[[nodiscard]] core::Result<double> parse_opening_hours(const std::string& text, const std::string& where);
// Completes a checkpoint whose id, name, point, vehicles_per_hour, lanes and hours text are set:
// parses the hours and the status ("open", "closed", "closed:FROM/UNTIL"...) and checks the ranges.
// `where` prefixes every message.
[[nodiscard]] core::Result<void> finish_checkpoint(Checkpoint& c, const std::string& status, const std::string& where);

// A checkpoint placed on the road it stands on.
struct PlacedCheckpoint {
  const Checkpoint* checkpoint;
  SegmentId segment;
  double snapped_m;
};

struct CutLink {
  SegmentId segment;
  bool reversed;                      // the direction the cut arc runs against the geometry
  std::int64_t capacity_per_day;
  std::optional<std::size_t> checkpoint;  // index into the placed checkpoints when one sets it
};

struct FlowRoute {
  std::int64_t trucks_per_day;
  std::vector<SegmentId> segments;       // in travel order
  std::vector<std::size_t> checkpoints;  // passed, in order
};

struct CapacityResult {
  std::int64_t trucks_per_day = 0;
  std::vector<CutLink> bottleneck;
  std::vector<FlowRoute> routes;  // the largest few paths of the flow
  std::int64_t other_routes_trucks = 0;
};

// Per segment capacity (trucks/day, both directions) from the class table and the checkpoints;
// `closures` are respected. A source or destination part-way along a road is joined to the road's
// ends in the directions traffic may use, with the road's capacity. No source may be a destination.
[[nodiscard]] core::Result<CapacityResult> max_trucks(const net::Graph& g, const net::ClosureOverlay* closures,
                                                      const std::vector<std::int64_t>& segment_capacity,
                                                      const std::vector<std::optional<std::size_t>>& segment_checkpoint,
                                                      const std::vector<route::Endpoint>& sources,
                                                      const std::vector<route::Endpoint>& destinations,
                                                      std::size_t max_routes = 5,
                                                      const std::atomic<bool>* cancel = nullptr);
[[nodiscard]] core::Result<CapacityResult> max_trucks(const net::Graph& g, const net::ClosureOverlay* closures,
                                                      const std::vector<std::int64_t>& segment_capacity,
                                                      const std::vector<std::optional<std::size_t>>& segment_checkpoint,
                                                      const std::vector<NodeId>& sources,
                                                      const std::vector<NodeId>& destinations,
                                                      std::size_t max_routes = 5);

// The per-segment capacity table: class capacity, lowered to a checkpoint's throughput where one
// stands.
void segment_capacities(const net::Graph& g, const ClassCapacity& classes,
                        const std::vector<PlacedCheckpoint>& checkpoints, std::vector<std::int64_t>& capacity,
                        std::vector<std::optional<std::size_t>>& checkpoint_of);

}  // namespace corridor::access
