// Routing under closures on one graph, in one process: the same random pairs (a) on the open
// network with the hierarchy's own query ("limit": what no closure-aware search can beat), (b)
// under K random way closures with the router as the commands use it (the hierarchy's open path
// when it crosses no closure, else A* with its potential), (c) under the same closures with
// CH-potential A* alone, (d) with the router without the hierarchy (bidirectional ALT when the
// graph has landmarks, else Dijkstra). Every cost of (b) is checked against (c), and both against
// (d) on the first --fallback-pairs pairs (all by default: (d) is by far the slowest). Uses the
// hierarchy stored in the graph; builds one (and reports the build) if the graph has none.
//
// Warm-up pairs are not counted (the first queries fault in the search state's zero pages).
//
// usage: ch_bench GRAPH [--pairs N] [--fallback-pairs M] [--seed S] [--closures K]
//        (prints one JSON object)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/closures.h"
#include "net/graph_file.h"
#include "route/ch.h"
#include "route/router.h"

using namespace corridor;
using Clock = std::chrono::steady_clock;

namespace {
double us_since(Clock::time_point t) { return std::chrono::duration<double, std::micro>(Clock::now() - t).count(); }
double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ch_bench GRAPH [--pairs N] [--fallback-pairs M] [--seed S] [--closures K]\n");
    return 2;
  }
  std::size_t pairs = 200, closures = 10, fallback_pairs = SIZE_MAX;
  std::uint64_t seed = 7;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--pairs") pairs = std::stoul(v);
    else if (k == "--seed") seed = std::stoull(v);
    else if (k == "--closures") closures = std::stoul(v);
    else if (k == "--fallback-pairs") fallback_pairs = std::stoul(v);
  }
  auto g = net::load_graph(argv[1]);
  if (!g) {
    std::fprintf(stderr, "%s\n", g.error().message.c_str());
    return 1;
  }
  (void)g->way_index();  // as a server does at start: closures by way are then binary searches
  route::ContractionHierarchy::BuildStats stats;
  const bool stored = g->hierarchy_metric() == net::Metric::kTime;
  const net::Graph graph = stored ? *g : route::ContractionHierarchy::build(*g, net::Metric::kTime, &stats).attach(*g);
  const route::ContractionHierarchy ch(graph);
  route::ContractionHierarchy::Query q(ch);
  route::Router router(graph), fallback(graph);
  fallback.use_hierarchy(false);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> node(0, graph.node_count() - 1), seg(0, graph.segment_count() - 1);
  // Warm-up, not counted: the first queries fault in the search state's zero pages (2 MB huge
  // pages, each zeroed by the kernel when first touched: ~0.1-0.2 ms a fault, so a query that
  // touches a new one costs that much more). A server's threads keep their search state, so the
  // steady state is what requests see; 1,000 open queries and 300 A* searches reach it here.
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t s = node(rng), t = node(rng);
    const route::Seed ss{core::NodeId(s), 0}, tt{core::NodeId(t), 0};
    (void)q.shortest(s, t);
    (void)router.shortest({&ss, 1}, {&tt, 1}, net::Metric::kTime, nullptr);
    if (i < 300) (void)q.shortest_under(s, t, nullptr);
    if (i < 20) (void)fallback.shortest({&ss, 1}, {&tt, 1}, net::Metric::kTime, nullptr);
  }
  std::vector<double> open_us, router_us, under_us, fallback_us, resolve_us, open_settled, under_settled, fallback_settled;
  std::size_t mismatches = 0, reached = 0, open_valid = 0;
  // The pairs and their closures first; then each technique over all of them in its own pass, so
  // that none runs on caches warmed by another's search for the same pair. Each query resolves its
  // closures just before, as a server request does (the router's pass times the resolution).
  struct Case {
    std::uint32_t s, t;
    std::vector<std::int64_t> ways;
    std::vector<net::ClosureSpec> specs;
  };
  std::vector<Case> cases(pairs);
  for (Case& c : cases) {
    for (std::size_t k = 0; k < closures; ++k) {
      c.ways.push_back(graph.segment(core::SegmentId(seg(rng))).way_id);
      c.specs.push_back(*net::parse_closure_spec("way:" + std::to_string(c.ways.back())));
    }
    c.s = node(rng);
    c.t = node(rng);
  }
  std::vector<std::uint64_t> got_cost, under_cost;
  for (const Case& c : cases) {
    const auto t0 = Clock::now();
    const auto open = q.shortest(c.s, c.t);
    open_us.push_back(us_since(t0));
    open_settled.push_back(static_cast<double>(q.settled()));
    if (open.edges.size() > graph.edge_count()) return 3;  // keeps the result used
  }
  for (const Case& c : cases) {
    const route::Seed ss{core::NodeId(c.s), 0}, tt{core::NodeId(c.t), 0};
    auto t0 = Clock::now();
    const auto overlay = net::apply_closures(graph, c.specs, 0);
    resolve_us.push_back(us_since(t0));
    t0 = Clock::now();
    const auto got = router.shortest({&ss, 1}, {&tt, 1}, net::Metric::kTime, &*overlay);
    router_us.push_back(us_since(t0));
    open_valid += router.technique() == route::Router::Technique::kHierarchy;
    got_cost.push_back(got ? got->cost : route::ContractionHierarchy::kUnreached);
  }
  for (const Case& c : cases) {
    const auto overlay = net::apply_closures(graph, c.specs, 0);
    const auto t0 = Clock::now();
    under_cost.push_back(q.shortest_under(c.s, c.t, &*overlay));
    under_us.push_back(us_since(t0));
    under_settled.push_back(static_cast<double>(q.settled()));
  }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    mismatches += got_cost[i] != under_cost[i];
    reached += under_cost[i] != route::ContractionHierarchy::kUnreached;
  }
  for (std::size_t i = 0; i < cases.size() && i < fallback_pairs; ++i) {
    const Case& c = cases[i];
    const route::Seed ss{core::NodeId(c.s), 0}, tt{core::NodeId(c.t), 0};
    const auto overlay = net::apply_closures(graph, c.specs, 0);
    const auto t0 = Clock::now();
    const auto ref = fallback.shortest({&ss, 1}, {&tt, 1}, net::Metric::kTime, &*overlay);
    fallback_us.push_back(us_since(t0));
    fallback_settled.push_back(static_cast<double>(fallback.settled()));
    const std::uint64_t want = ref ? ref->cost : route::ContractionHierarchy::kUnreached;
    mismatches += want != under_cost[i];
    mismatches += want != got_cost[i];
  }
  const std::vector<std::int64_t> closed_ways = cases.empty() ? std::vector<std::int64_t>{} : cases.back().ways;
  nlohmann::json out = {{"nodes", graph.node_count()},
                        {"edges", graph.edge_count()},
                        {"landmarks", graph.landmark_count()},
                        {"stored_hierarchy", stored},
                        {"build_s", stats.seconds},
                        {"entries", ch.entry_count()},
                        {"pairs", pairs},
                        {"fallback_pairs", std::min(pairs, fallback_pairs)},
                        {"closures", closures},
                        {"reached", reached},
                        {"open_path_valid_under_closures", open_valid},
                        {"mismatches", mismatches},
                        {"last_closed_ways", closed_ways},
                        {"open_ch_us", {{"p50", pct(open_us, 0.5)}, {"p99", pct(open_us, 0.99)}}},
                        {"router_us", {{"p50", pct(router_us, 0.5)}, {"p99", pct(router_us, 0.99)}}},
                        {"ch_potential_us", {{"p50", pct(under_us, 0.5)}, {"p99", pct(under_us, 0.99)}}},
                        {"fallback_us", {{"p50", pct(fallback_us, 0.5)}, {"p99", pct(fallback_us, 0.99)}}},
                        {"settled_p50", {{"open_ch", pct(open_settled, 0.5)}, {"ch_potential", pct(under_settled, 0.5)},
                                         {"fallback", pct(fallback_settled, 0.5)}}},
                        {"closure_resolution_us", {{"p50", pct(resolve_us, 0.5)}, {"p99", pct(resolve_us, 0.99)}}}};
  std::cout << out.dump(1) << "\n";
  return mismatches == 0 ? 0 : 1;
}
