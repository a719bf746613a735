#include "access/reach.h"

#include <limits>

namespace corridor::access {

std::vector<Located> locate(const net::Graph& g, const std::vector<Place>& places, double snap_limit_m,
                            const std::string& what) {
  std::vector<Located> out;
  for (const Place& p : places) {
    Located l;
    l.place = p;
    route::Waypoint w;
    w.point = p.point;
    w.label = p.id;
    auto end = route::resolve_endpoint(g, w, snap_limit_m, what);
    if (end) {
      l.end = std::move(*end);
    } else {
      l.snap_error = end.error().message;
    }
    out.push_back(std::move(l));
  }
  return out;
}

ReachResult reach(const net::Graph& g, route::Router& router, const std::vector<Located>& sources,
                  const std::vector<Located>& places, const net::ClosureOverlay* closures, double max_time_s) {
  std::vector<route::Seed> seeds;
  std::vector<std::size_t> seed_source;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (!sources[i].end) continue;
    std::vector<route::SeedInfo> info;
    const std::size_t before = seeds.size();
    route::endpoint_seeds(g, *sources[i].end, true, net::Metric::kTime, closures, seeds, info);
    seed_source.resize(seeds.size(), i);
    (void)before;
  }
  const std::uint64_t limit =
      max_time_s > 0 ? static_cast<std::uint64_t>(max_time_s * 1000) : std::numeric_limits<std::uint64_t>::max();
  router.explore(seeds, net::Metric::kTime, closures, limit);

  ReachResult out;
  for (const Located& l : places) {
    PlaceReach r;
    out.population_unknown += !l.place.population_known;
    if (!l.end) {
      // Not on the map as far as the network goes: a coordinate typed wrong, or a place beyond the
      // extract. Reported apart; counting it as cut off would inflate the figure with a typo.
      r.located = false;
      r.reason = l.snap_error;
      ++out.unlocated;
      out.unlocated_population += l.place.population;
      out.places.push_back(std::move(r));
      continue;
    }
    out.total_population += l.place.population;
    {
      std::vector<route::Seed> arrivals;
      std::vector<route::SeedInfo> info;
      route::endpoint_seeds(g, *l.end, false, net::Metric::kTime, closures, arrivals, info);
      std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
      for (const route::Seed& a : arrivals) {
        if (!router.reached(a.node)) continue;
        const std::uint64_t d = router.distance(a.node) + a.cost;
        if (d < best && d <= limit) {
          best = d;
          r.source = seed_source[router.origin(a.node)];
        }
      }
      if (r.source) {
        r.reachable = true;
        r.duration_s = static_cast<double>(best) / 1000.0;
      } else if (arrivals.empty()) {
        r.reason = "the road it lies on is closed";
      } else if (max_time_s > 0) {
        r.reason = "no source within the time limit";
      } else {
        r.reason = "no open road connects it to a source";
      }
    }
    if (!r.reachable) out.cut_off_population += l.place.population;
    out.places.push_back(std::move(r));
  }
  return out;
}

}  // namespace corridor::access
