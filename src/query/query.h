// corridor::query — the network's questions answered as documents: network info, route, reach,
// critical links, capacity. One implementation behind the CLI (`--json`, `--geojson`, and its text,
// printed from the same documents) and the HTTP API, so both always say the same thing.
//
// Geometry is GeoJSON (RFC 7946: [lon, lat]); tables can be written as CSV with a row of HXL
// hashtags (the Humanitarian Exchange Language) under the header, so that they load into HDX tools.
//
// May use: core, net, route, access; nlohmann-json (this header and the .cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/capacity.h"
#include "access/places.h"
#include "access/reach.h"
#include "core/result.h"
#include "core/time.h"
#include "net/closures.h"
#include "net/graph.h"
#include "route/plan.h"
#include "route/router.h"

namespace corridor::query {

using Json = nlohmann::json;

// A graph with the closures in force at a moment: what every question starts from.
struct Network {
  const net::Graph* graph = nullptr;
  std::vector<net::ClosureSpec> specs;
  net::ClosureOverlay overlay{0};
  core::UnixSeconds at = 0;
  [[nodiscard]] const net::ClosureOverlay* closures() const { return overlay.any() ? &overlay : nullptr; }
};
// `what` names the closure specs in errors ("--close", "/close/2").
[[nodiscard]] core::Result<Network> with_closures(const net::Graph& g, const std::vector<std::string>& specs,
                                                  core::UnixSeconds at);
[[nodiscard]] Json closures_json(const Network& n);

// Places or sources placed on the network.
struct Sites {
  std::vector<access::Place> places;
  std::vector<access::Located> located;  // one per place, in order
};
[[nodiscard]] Sites locate(const net::Graph& g, std::vector<access::Place> places, double snap_limit_m,
                           const std::string& what);

// ---- the questions --------------------------------------------------------------------------------

// Counts, bounding box, classes, barriers, components.
[[nodiscard]] Json info(const net::Graph& g, const std::string& name, std::int64_t file_bytes);

// A route as {"distance_m", "duration_s", "roads", "way_ids", "geometry" (LineString), "snapped"};
// as a Feature: the geometry, and the rest as properties.
[[nodiscard]] Json route_json(const route::Route& r);
[[nodiscard]] Json route_feature(const route::Route& r, const Network& n);
// route_json(r) with "closures", as JSON text: the same value, written without building the
// document (coordinates straight from their 1e-7 degree integers) — the HTTP API's hot path.
[[nodiscard]] std::string route_json_text(const route::Route& r, const Network& n);
// A no-route answer's extra fields: leg, cutting_closures, connected_without_closures, closures.
[[nodiscard]] Json no_route_json(const route::NoRoute& nr, const Network& n);

// Who can be reached from the sources: {"places": [...], "cut_off_population", "total_population",
// "closures"}.
[[nodiscard]] Json reach(const Network& n, route::Router& router, const Sites& sources, const Sites& places,
                         double max_time_s);
// Bridges, articulation points, disjoint routes and min cuts per place: {"bridges",
// "articulation_points", "places", "closures"}.
[[nodiscard]] core::Result<Json> critical(const Network& n, const Sites& sources, const Sites& places);

struct CapacityOptions {
  std::vector<access::Checkpoint> checkpoints;
  access::ClassCapacity classes = access::ClassCapacity::defaults();
  std::size_t routes = 5;
  double snap_limit_m = net::kDefaultSnapLimitM;
  const std::atomic<bool>* cancel = nullptr;  // set by another thread to stop the computation
};
// Trucks per day from the sources to the destinations: {"trucks_per_day", "bottleneck", "routes",
// "other_routes_trucks_per_day", "checkpoints", "closures"}.
[[nodiscard]] core::Result<Json> capacity(const Network& n, const Sites& sources, const Sites& destinations,
                                          const CapacityOptions& o);

// The documents above as GeoJSON FeatureCollections (their summary figures as foreign members):
// reach — a Point per place; critical — a LineString per bridge, a Point per articulation point and
// per place; capacity — a LineString per bottleneck road.
[[nodiscard]] Json reach_geojson(const Json& doc, const Sites& places);
[[nodiscard]] Json critical_geojson(const net::Graph& g, const Json& doc, const Sites& places);
[[nodiscard]] Json capacity_geojson(const net::Graph& g, const Json& doc);

// ---- tables ---------------------------------------------------------------------------------------

struct Column {
  std::string key;     // member of each row object
  std::string header;  // CSV header
  std::string hxl;     // HXL hashtag with attributes, e.g. "#affected+cutoff"; "" when HXL has none
};
// RFC 4180 CSV of `rows` (an array of objects), with the HXL hashtag row under the header.
[[nodiscard]] std::string csv(const std::vector<Column>& columns, const Json& rows);
// The columns of the tables the CLI and the API offer as CSV.
[[nodiscard]] const std::vector<Column>& reach_columns();
[[nodiscard]] const std::vector<Column>& critical_place_columns();

}  // namespace corridor::query
