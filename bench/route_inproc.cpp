// The work behind GET /v1/route, in process: parse the two points, plan the route (snapping,
// bidirectional A*, partial segments), build the JSON document and serialise it — what the server
// does for a request, without HTTP. bench/run times the same requests through `corridor serve`
// with wrk, so that the server's overhead is a difference and a ratio. It also writes the request
// paths for wrk (one per line) and the pairs' coordinates.
//
// usage: route_inproc GRAPH --pairs N [--seed S] [--paths-out FILE]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/graph_file.h"
#include "query/query.h"
#include "route/plan.h"
#include "route/router.h"

using namespace corridor;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: route_inproc GRAPH --pairs N [--seed S] [--paths-out FILE]\n");
    return 2;
  }
  const std::string graph_path = argv[1];
  std::string paths_out;
  std::size_t pairs = 10000;
  std::uint64_t seed = 7;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--pairs") pairs = std::stoul(v);
    else if (k == "--seed") seed = std::stoull(v);
    else if (k == "--paths-out") paths_out = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  auto g = net::load_graph(graph_path);
  if (!g) {
    std::fprintf(stderr, "%s\n", g.error().message.c_str());
    return 1;
  }
  // Points of the largest component's nodes, so that most pairs have a route (as users ask).
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> node(0, g->node_count() - 1);
  route::Router router(*g);
  auto net = query::with_closures(*g, {}, 0);
  if (!net) {
    std::fprintf(stderr, "%s\n", net.error().message.c_str());
    return 1;
  }
  // Pairs that have a route (a benchmark of answers, not of 404s): random nodes, kept when routed.
  std::vector<std::string> from, to;
  char buf[64];
  std::size_t tried = 0;
  while (from.size() < pairs && tried < pairs * 100) {
    ++tried;
    const core::LatLon a = g->coord(core::NodeId(node(rng))), b = g->coord(core::NodeId(node(rng)));
    std::snprintf(buf, sizeof buf, "%.6f,%.6f", a.lat, a.lon);
    std::string f = buf;
    std::snprintf(buf, sizeof buf, "%.6f,%.6f", b.lat, b.lon);
    std::string t = buf;
    route::RouteRequest req;
    auto wa = route::parse_waypoint(f, "from");
    auto wb = route::parse_waypoint(t, "to");
    if (!wa || !wb) return 1;
    req.points = {*wa, *wb};
    auto out = route::plan_route(*g, router, req, net->specs, net->overlay);
    if (!out || !out->route) continue;
    from.push_back(std::move(f));
    to.push_back(std::move(t));
  }
  pairs = from.size();
  std::vector<double> us;
  us.reserve(pairs);
  std::size_t routed = 0, bytes = 0;
  for (int pass = 0; pass < 2; ++pass) {  // the first pass warms the caches, the second is timed
    us.clear();
    routed = bytes = 0;
    for (std::size_t i = 0; i < pairs; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      route::RouteRequest req;
      auto wa = route::parse_waypoint(from[i], "from");
      auto wb = route::parse_waypoint(to[i], "to");
      if (!wa || !wb) return 1;
      req.points = {*wa, *wb};
      auto out = route::plan_route(*g, router, req, net->specs, net->overlay);
      if (!out) return 1;
      std::string body;
      if (out->route) {
        body = query::route_json_text(*out->route, *net);  // what GET /v1/route sends
        ++routed;
      } else if (out->no_route) {
        body = query::no_route_json(*out->no_route, *net).dump();
      }
      bytes += body.size();
      us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  if (!paths_out.empty()) {
    std::ofstream f(paths_out);
    for (std::size_t i = 0; i < pairs; ++i) f << "/v1/route?from=" << from[i] << "&to=" << to[i] << "\n";
  }
  std::vector<double> sorted = us;
  std::sort(sorted.begin(), sorted.end());
  const auto pct = [&](double p) { return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))]; };
  double sum = 0;
  for (double v : us) sum += v;
  std::cout << nlohmann::json{{"pairs", pairs},
                              {"routed", routed},
                              {"mean_bytes", static_cast<double>(bytes) / static_cast<double>(pairs)},
                              {"mean_us", sum / static_cast<double>(pairs)},
                              {"p50_us", pct(0.50)},
                              {"p99_us", pct(0.99)}}
                   .dump()
            << "\n";
  return 0;
}
