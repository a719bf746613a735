// Query latency of the router on a graph file: N random node pairs (seeded), optionally under K
// random way closures, timed one by one (after 300 pairs of warm-up that are not counted). With a
// hierarchy in the graph, also the hierarchy's own open-network query on the same pairs: the
// "limit", what no search under closures can beat. Prints one JSON object. Used by bench/run.
//
// usage: route_latency GRAPH [--pairs N] [--closures K] [--seed S] [--metric time|distance]
//                            [--dump-pairs FILE] [--dump-closures FILE]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "net/closures.h"
#include "net/graph_file.h"
#include "route/router.h"

using namespace corridor;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: route_latency GRAPH [--pairs N] [--closures K] [--seed S]\n");
    return 2;
  }
  std::string graph_path = argv[1], dump_pairs, dump_closures;
  std::size_t pairs = 10000, closures = 0;
  std::uint64_t seed = 1;
  net::Metric metric = net::Metric::kTime;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--pairs") pairs = std::stoul(v);
    else if (k == "--closures") closures = std::stoul(v);
    else if (k == "--seed") seed = std::stoull(v);
    else if (k == "--metric") metric = v == "distance" ? net::Metric::kDistance : net::Metric::kTime;
    else if (k == "--dump-pairs") dump_pairs = v;
    else if (k == "--dump-closures") dump_closures = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  const auto t_load = std::chrono::steady_clock::now();
  auto g = net::load_graph(graph_path);
  if (!g) {
    std::fprintf(stderr, "%s\n", g.error().message.c_str());
    return 1;
  }
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_load).count();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> node(0, g->node_count() - 1);
  std::uniform_int_distribution<std::uint32_t> segment(0, g->segment_count() - 1);

  std::vector<net::ClosureSpec> specs;
  std::vector<std::int64_t> closed_ways;
  for (std::size_t i = 0; i < closures; ++i) {
    const std::int64_t way = g->segment(core::SegmentId(segment(rng))).way_id;
    closed_ways.push_back(way);
    specs.push_back(*net::parse_closure_spec("way:" + std::to_string(way)));
  }
  auto overlay = net::apply_closures(*g, specs, 0);
  if (!overlay) {
    std::fprintf(stderr, "%s\n", overlay.error().message.c_str());
    return 1;
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> queries(pairs);
  for (auto& q : queries) q = {node(rng), node(rng)};
  if (!dump_pairs.empty()) {
    std::ofstream out(dump_pairs);
    out << "source,target\n";
    for (const auto& [s, t] : queries) out << s << ',' << t << '\n';
  }
  if (!dump_closures.empty()) {
    std::ofstream out(dump_closures);
    for (auto w : closed_ways) out << w << '\n';
  }

  route::Router router(*g);
  // Warm-up, not counted: fault in the search state's zero pages (a server's threads keep theirs).
  for (std::size_t i = 0; i < 300 && i < queries.size(); ++i) {
    const route::Seed src{core::NodeId(queries[i].first), 0}, dst{core::NodeId(queries[i].second), 0};
    (void)router.shortest({&src, 1}, {&dst, 1}, metric, closures ? &*overlay : nullptr);
  }
  std::size_t by_open = 0, by_potential = 0;
  std::vector<double> us;
  us.reserve(pairs);
  std::size_t found = 0;
  std::uint64_t checksum = 0, settled = 0;
  for (const auto& [s, t] : queries) {
    const route::Seed src{core::NodeId(s), 0}, dst{core::NodeId(t), 0};
    const auto t0 = std::chrono::steady_clock::now();
    const auto path = router.shortest({&src, 1}, {&dst, 1}, metric, closures ? &*overlay : nullptr);
    const auto t1 = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    settled += router.settled();
    by_open += router.technique() == route::Router::Technique::kHierarchy;
    by_potential += router.technique() == route::Router::Technique::kHierarchyPotential;
    if (path) {
      ++found;
      checksum += path->cost;
    }
  }
  // The limit: the hierarchy's open-network query on the same pairs (no closures apply to it).
  std::vector<double> limit_us;
  if (g->hierarchy_metric() == metric) {
    const route::ContractionHierarchy ch(*g);
    route::ContractionHierarchy::Query q(ch);
    for (std::size_t i = 0; i < 300 && i < queries.size(); ++i) (void)q.shortest(queries[i].first, queries[i].second);
    for (const auto& [s, t] : queries) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto open = q.shortest(s, t);
      limit_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
      if (open.edges.size() > g->edge_count()) return 3;  // keeps the result used
    }
    std::sort(limit_us.begin(), limit_us.end());
  }
  auto pct_of = [](const std::vector<double>& v, double p) {
    return v.empty() ? -1.0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
  };
  std::vector<double> sorted = us;
  std::sort(sorted.begin(), sorted.end());
  auto pct = [&](double p) { return pct_of(sorted, p); };
  double total = 0;
  for (double x : us) total += x;
  std::printf(
      "{\"graph\":\"%s\",\"nodes\":%u,\"edges\":%u,\"pairs\":%zu,\"closures\":%zu,\"found\":%zu,"
      "\"load_ms\":%.3f,\"p50_us\":%.2f,\"p99_us\":%.2f,\"mean_us\":%.2f,\"mean_settled\":%.1f,"
      "\"limit_p50_us\":%.2f,\"limit_p99_us\":%.2f,\"by_open_path\":%zu,\"by_potential\":%zu,"
      "\"cost_checksum\":%llu}\n",
      graph_path.c_str(), g->node_count(), g->edge_count(), pairs, closures, found, load_ms, pct(0.5),
      pct(0.99), total / static_cast<double>(us.size()),
      static_cast<double>(settled) / static_cast<double>(us.size()), pct_of(limit_us, 0.5), pct_of(limit_us, 0.99),
      by_open, by_potential, static_cast<unsigned long long>(checksum));
  return 0;
}
