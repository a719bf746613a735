// corridor::access — who is cut off: one search from every source at once, and for each place
// whether it is reachable, how long from the nearest source, and which source that is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "access/places.h"
#include "net/closures.h"
#include "route/endpoint.h"
#include "route/router.h"

namespace corridor::access {

// A place or a source resolved onto the network; `snap_error` is set when it lies too far from any
// road (it is then reported, not dropped).
struct Located {
  Place place;
  std::optional<route::Endpoint> end;
  std::string snap_error;
};

[[nodiscard]] std::vector<Located> locate(const net::Graph& g, const std::vector<Place>& places,
                                          double snap_limit_m, const std::string& what);

struct PlaceReach {
  bool located = true;     // false: farther from any road than the snap limit — neither reachable nor cut off
  bool reachable = false;
  std::optional<double> duration_s;
  std::optional<std::size_t> source;  // index into the sources
  std::string reason;                 // why not reachable
};

struct ReachResult {
  std::vector<PlaceReach> places;
  std::int64_t cut_off_population = 0;  // of the located places with a known population
  std::int64_t total_population = 0;    // likewise
  std::int64_t unlocated_population = 0;
  std::size_t unlocated = 0;            // places not placed on a road (a mistyped coordinate, a place off the map)
  std::size_t population_unknown = 0;   // places without a count: in no total
};

// `max_time_s`: places farther than this count as cut off (0 = no limit).
[[nodiscard]] ReachResult reach(const net::Graph& g, route::Router& router, const std::vector<Located>& sources,
                                const std::vector<Located>& places, const net::ClosureOverlay* closures,
                                double max_time_s);

}  // namespace corridor::access
