#include <gtest/gtest.h>

#include <random>

#include <filesystem>

#include "net/graph_file.h"
#include "net/import.h"
#include "route/ch.h"
#include "route/landmarks.h"
#include "route/router.h"
#include "support/ascii_map.h"

namespace corridor::route {
namespace {

std::uint64_t path_cost(const net::Graph& g, const std::vector<core::EdgeId>& edges, net::Metric m) {
  std::uint64_t sum = 0;
  for (const auto e : edges) sum += g.weight(e, m);
  return sum;
}

bool connected(const net::Graph& g, const std::vector<core::EdgeId>& edges, std::uint32_t s, std::uint32_t t) {
  std::uint32_t at = s;
  for (const auto e : edges) {
    if (g.tail(e).value != at) return false;
    at = g.head(e).value;
  }
  return at == t;
}

// The hierarchy's costs equal plain Dijkstra's: on the open network (its own query, every path
// unpacked to original edges that join up and add up) and under random closures, one-direction
// closures and windows (A* with the CH-potential), for both metrics, on two real extracts.
void check_extract(const std::string& file, int rounds, int queries) {
  const auto imported = net::import_osm(std::string(CORRIDOR_DATA_DIR) + "/osm/" + file, net::Profile{});
  ASSERT_TRUE(imported) << imported.error().message;
  const net::Graph g = add_landmarks(*imported, 0);
  Router plain(g);
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<std::uint32_t> node(0, g.node_count() - 1);
  std::uniform_int_distribution<std::uint32_t> seg(0, g.segment_count() - 1);
  int found = 0, open_used = 0;
  for (const auto metric : {net::Metric::kTime, net::Metric::kDistance}) {
    ContractionHierarchy::BuildStats stats;
    const auto ch = ContractionHierarchy::build(g, metric, &stats);
    ASSERT_EQ(ch.node_count(), g.node_count());
    ContractionHierarchy::Query q(ch);
    for (int round = 0; round < rounds; ++round) {
      std::vector<net::ClosureSpec> specs;
      const char* directions[] = {"", "@forward", "@backward"};
      for (int i = 0; i < round % 4 * 6; ++i) {
        const std::string way = std::to_string(g.segment(core::SegmentId(seg(rng))).way_id);
        // A window that is not in force closes nothing: it must not change any cost.
        const std::string window = i % 5 == 4 ? "[2030-01-01,)" : "";
        specs.push_back(*net::parse_closure_spec("way:" + way + directions[i % 3] + window));
      }
      const auto overlay = net::apply_closures(g, specs, 0);
      ASSERT_TRUE(overlay);
      for (int k = 0; k < queries; ++k) {
        const std::uint32_t s = node(rng), t = k % 17 == 0 ? s : node(rng);
        const Seed ss{core::NodeId(s), 0}, tt{core::NodeId(t), 0};
        const auto want = plain.shortest({&ss, 1}, {&tt, 1}, metric, &*overlay);
        std::vector<core::EdgeId> edges;
        const std::uint64_t got = q.shortest_under(s, t, &*overlay, &edges);
        ASSERT_EQ(want.has_value(), got != ContractionHierarchy::kUnreached) << file << " " << s << "->" << t;
        if (want) {
          ++found;
          ASSERT_EQ(got, want->cost) << file << " " << s << "->" << t;
          EXPECT_EQ(path_cost(g, edges, metric), got);
          EXPECT_TRUE(connected(g, edges, s, t));
          for (const auto e : edges) EXPECT_FALSE(overlay->closed(e));
        }
        if (round == 0) {  // the open network: the hierarchy's own query
          const auto open = q.shortest(s, t);
          const auto ref = plain.shortest({&ss, 1}, {&tt, 1}, metric, nullptr);
          ASSERT_EQ(ref.has_value(), open.cost != ContractionHierarchy::kUnreached);
          if (ref) {
            ++open_used;
            ASSERT_EQ(open.cost, ref->cost);
            EXPECT_EQ(path_cost(g, open.edges, metric), open.cost);
            EXPECT_TRUE(connected(g, open.edges, s, t));
          }
        }
      }
    }
  }
  EXPECT_GT(found, rounds * queries);  // most pairs connect, over both metrics
  EXPECT_GT(open_used, 0);
}

TEST(ContractionHierarchy, SameCostsAsDijkstraOnMonacoUnderClosures) { check_extract("monaco.osm.pbf", 8, 60); }
TEST(ContractionHierarchy, SameCostsAsDijkstraOnLiechtensteinUnderClosures) { check_extract("liechtenstein.osm.pbf", 8, 40); }

// The small cases: a one-way street, parallel edges of different costs, a loop, a node with no way
// out; and a closure that cuts the only way (no path, no crash).
TEST(ContractionHierarchy, OneWaysParallelEdgesLoopsAndACut) {
  const auto m = testing::build_ascii_map(R"(
  A---B---C
  |       |
  D---E---F
      |
      G
)", {{"ABC", {{"highway", "primary"}}}, {"CF", {{"highway", "primary"}, {"oneway", "yes"}}},
     {"AD", {{"highway", "residential"}}}, {"DEF", {{"highway", "residential"}}}, {"EG", {{"highway", "service"}}}});
  const net::Graph& g = m.graph;
  const auto ch = ContractionHierarchy::build(g, net::Metric::kTime);
  ContractionHierarchy::Query q(ch);
  Router plain(g);
  for (std::uint32_t s = 0; s < g.node_count(); ++s) {
    for (std::uint32_t t = 0; t < g.node_count(); ++t) {
      const Seed ss{core::NodeId(s), 0}, tt{core::NodeId(t), 0};
      const auto want = plain.shortest({&ss, 1}, {&tt, 1}, net::Metric::kTime, nullptr);
      const auto got = q.shortest(s, t);
      ASSERT_EQ(want.has_value(), got.cost != ContractionHierarchy::kUnreached) << s << "->" << t;
      if (want) {
        EXPECT_EQ(got.cost, want->cost) << s << "->" << t;
      }
      EXPECT_EQ(q.shortest_under(s, t, nullptr), got.cost);
    }
  }
  const auto cut = net::apply_closures(g, {*net::parse_closure_spec("way:" + std::to_string(g.segment(core::SegmentId(g.segment_count() - 1)).way_id))}, 0);
  ASSERT_TRUE(cut);
  std::uint32_t blocked = 0;
  for (std::uint32_t s = 0; s < g.node_count(); ++s) {
    for (std::uint32_t t = 0; t < g.node_count(); ++t) {
      const Seed ss{core::NodeId(s), 0}, tt{core::NodeId(t), 0};
      const auto want = plain.shortest({&ss, 1}, {&tt, 1}, net::Metric::kTime, &*cut);
      const std::uint64_t got = q.shortest_under(s, t, &*cut);
      ASSERT_EQ(want.has_value(), got != ContractionHierarchy::kUnreached) << s << "->" << t;
      if (want) {
        EXPECT_EQ(got, want->cost);
      }
      blocked += !want.has_value();
    }
  }
  EXPECT_GT(blocked, 0u);
}


// The hierarchy stored in the graph file, as `corridor import` writes it, is what Router::shortest
// answers with: the same costs as plain Dijkstra from several source seeds with entry costs to
// several target seeds with exit costs, under random, one-direction and windowed closures, with
// paths that join the chosen seeds, avoid every closed edge and add up to the cost. Both ways of
// answering are taken (the open path, and A* with the potential when the open path is closed).
TEST(ContractionHierarchy, StoredInTheFileRouterAnswersLikeDijkstraFromSeeds) {
  const auto imported = net::import_osm(std::string(CORRIDOR_DATA_DIR) + "/osm/liechtenstein.osm.pbf", net::Profile{});
  ASSERT_TRUE(imported) << imported.error().message;
  const net::Graph built = ContractionHierarchy::build(*imported, net::Metric::kTime).attach(*imported);
  const std::string path = (std::filesystem::temp_directory_path() / "corridor_ch_stored.cgraph").string();
  ASSERT_TRUE(net::save_graph(built, path));
  const auto g = net::load_graph(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(g) << g.error().message;
  ASSERT_EQ(g->hierarchy_metric(), net::Metric::kTime);
  ASSERT_EQ(g->arrays().ch_up.size(), built.arrays().ch_up.size());
  Router fast(*g), plain(*g);
  plain.use_hierarchy(false);
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::uint32_t> node(0, g->node_count() - 1), seg(0, g->segment_count() - 1), cost(0, 90'000);
  int by_open = 0, by_potential = 0, found = 0;
  for (int round = 0; round < 12; ++round) {
    std::vector<net::ClosureSpec> specs;
    const char* directions[] = {"", "@forward", "@backward"};
    for (int i = 0; i < round % 4 * 8; ++i) {
      const std::string way = std::to_string(g->segment(core::SegmentId(seg(rng))).way_id);
      specs.push_back(*net::parse_closure_spec("way:" + way + directions[i % 3] + (i % 7 == 6 ? "[2030-01-01,)" : "")));
    }
    const auto overlay = net::apply_closures(*g, specs, 0);
    ASSERT_TRUE(overlay);
    const net::ClosureOverlay* c = overlay->any() ? &*overlay : nullptr;
    for (int k = 0; k < 40; ++k) {
      std::vector<Seed> src, dst;
      for (std::uint32_t i = 0, n = 1 + k % 2; i < n; ++i) src.push_back({core::NodeId(node(rng)), k % 3 == 0 ? 0 : cost(rng)});
      for (std::uint32_t i = 0, n = 1 + k % 3 % 2; i < n; ++i) dst.push_back({core::NodeId(node(rng)), k % 3 == 0 ? 0 : cost(rng)});
      if (k % 19 == 0) dst.push_back(src.front());  // a source that is also a target
      for (const auto metric : {net::Metric::kTime, net::Metric::kDistance}) {
        const auto want = plain.shortest(src, dst, metric, c);
        ASSERT_EQ(plain.technique(), Router::Technique::kDijkstra);
        const auto got = fast.shortest(src, dst, metric, c);
        if (metric == net::Metric::kDistance) {  // no hierarchy of this metric: the fallback
          EXPECT_EQ(fast.technique(), Router::Technique::kDijkstra);
        } else {
          by_open += fast.technique() == Router::Technique::kHierarchy;
          by_potential += fast.technique() == Router::Technique::kHierarchyPotential;
        }
        ASSERT_EQ(want.has_value(), got.has_value()) << "round " << round << " query " << k;
        if (!want) continue;
        ++found;
        ASSERT_EQ(got->cost, want->cost) << "round " << round << " query " << k;
        ASSERT_LT(got->source_seed, src.size());
        ASSERT_LT(got->target_seed, dst.size());
        const Seed& s = src[got->source_seed];
        const Seed& t = dst[got->target_seed];
        EXPECT_EQ(s.cost + path_cost(*g, got->edges, metric) + t.cost, got->cost);
        EXPECT_TRUE(connected(*g, got->edges, s.node.value, t.node.value));
        for (const auto e : got->edges) EXPECT_FALSE(c != nullptr && c->closed(e));
      }
    }
  }
  EXPECT_GT(found, 400);
  EXPECT_GT(by_open, 50);
  EXPECT_GT(by_potential, 5);
}

// The ranks are numbered by level (one more than the highest level below a node), then by node
// id, the import's Hilbert order: every entry joins a lower level to a higher one, and within a
// level the ranks follow the node ids, first node to last.
TEST(ContractionHierarchy, RanksGoByLevelThenByNodeId) {
  const auto imported = net::import_osm(std::string(CORRIDOR_DATA_DIR) + "/osm/liechtenstein.osm.pbf", net::Profile{});
  ASSERT_TRUE(imported);
  const net::Graph g = ContractionHierarchy::build(*imported, net::Metric::kTime).attach(*imported);
  const auto& a = g.arrays();
  const std::size_t n = g.node_count();
  std::vector<std::uint32_t> node_of(n), level(n, 0);
  for (std::uint32_t v = 0; v < n; ++v) node_of[a.ch_rank[v]] = v;
  std::size_t entries = 0;
  for (std::uint32_t r = 0; r < n; ++r) {
    for (std::uint32_t i = a.ch_first[r]; i < a.ch_first[r + 1]; ++i, ++entries) {
      const std::uint32_t higher = node_of[a.ch_up[i].other];
      level[higher] = std::max(level[higher], level[node_of[r]] + 1);
    }
  }
  ASSERT_GT(entries, n);
  std::uint32_t top = 0, ties = 0;
  for (std::uint32_t r = 0; r + 1 < n; ++r) {
    const std::uint32_t v = node_of[r], w = node_of[r + 1];
    ASSERT_LE(level[v], level[w]) << "rank " << r;
    if (level[v] == level[w]) {
      EXPECT_LT(v, w) << "rank " << r;
      ++ties;
    }
    top = std::max(top, level[w]);
  }
  EXPECT_GT(top, 5u);        // a hierarchy, not a flat order
  EXPECT_GT(ties, n / 2);    // most nodes share their level with the node ranked next
}

// A stored hierarchy whose indexes lead out of bounds or whose walks would not end is refused when
// the file is opened (kCorrupt), at the first and at the last entry alike, never walked; one that
// only disagrees with the edges opens (it can give wrong answers, not crashes) and is refused by
// the full check (Graph::check_consistency, `corridor verify-graph`).
TEST(ContractionHierarchy, ADamagedStoredHierarchyIsRefusedOnOpen) {
  const auto imported = net::import_osm(std::string(CORRIDOR_DATA_DIR) + "/osm/monaco.osm.pbf", net::Profile{});
  ASSERT_TRUE(imported);
  const net::Graph g = ContractionHierarchy::build(*imported, net::Metric::kTime).attach(*imported);
  ASSERT_TRUE(net::graph_from_buffer(net::serialize_graph(g.arrays()), "intact"));
  const auto& a = g.arrays();
  const std::vector<net::ChEntry> entries(a.ch_up.begin(), a.ch_up.end());
  const std::vector<std::uint32_t> ranks(a.ch_rank.begin(), a.ch_rank.end());
  auto refused = [&](const std::vector<net::ChEntry>& up, const std::vector<std::uint32_t>& rank,
                     std::vector<std::uint32_t> metric = {0}) {
    net::Graph::Arrays b = a;
    b.ch_up = up;
    b.ch_rank = rank;
    b.ch_metric = metric;
    const auto r = net::graph_from_buffer(net::serialize_graph(b), "damaged");
    return !r && r.error().code == core::ErrorCode::kCorrupt;
  };
  auto inconsistent = [&](const std::vector<net::ChEntry>& up, const std::vector<std::uint32_t>& rank) {
    net::Graph::Arrays b = a;
    b.ch_up = up;
    b.ch_rank = rank;
    const auto r = net::graph_from_buffer(net::serialize_graph(b), "damaged");
    if (!r) return false;  // should open
    const auto c = net::Graph::check_consistency(r->arrays());
    return !c && c.error().code == core::ErrorCode::kCorrupt;
  };
  EXPECT_TRUE(net::Graph::check_consistency(a));
  // The rank that owns entry i.
  auto owner = [&](std::size_t i) {
    std::uint32_t r = 0;
    while (a.ch_first[r + 1] <= i) ++r;
    return r;
  };
  for (const std::size_t i : {std::size_t{0}, entries.size() - 1}) {
    auto e = entries;
    e[i].other = owner(i);  // not higher
    EXPECT_TRUE(refused(e, ranks)) << i;
    e = entries;
    e[i].other = g.node_count();  // out of range
    EXPECT_TRUE(refused(e, ranks)) << i;
    e = entries;
    e[i].via &= ~(net::ch_flags::kUp | net::ch_flags::kDown);  // usable in no direction
    EXPECT_TRUE(refused(e, ranks)) << i;
    e = entries;
    e[i].via = (e[i].via & (net::ch_flags::kUp | net::ch_flags::kDown)) | net::ch_flags::kShortcut | owner(i);  // middle not lower
    EXPECT_TRUE(refused(e, ranks)) << i;
  }
  // An original edge at another weight, or between other nodes.
  std::size_t original = 0;
  while ((entries[original].via & net::ch_flags::kShortcut) != 0) ++original;
  auto e = entries;
  e[original].weight += 1;
  EXPECT_TRUE(inconsistent(e, ranks));
  e = entries;
  e[original].via = (e[original].via & ~net::ch_flags::kIdMask) | ((e[original].via + 1) % g.edge_count() & net::ch_flags::kIdMask);
  EXPECT_TRUE(inconsistent(e, ranks));
  // Ranks that are not a permutation, at the first and the last node (inconsistent), or out of
  // range (refused); an unknown metric; arrays without a metric.
  for (const std::size_t v : {std::size_t{0}, ranks.size() - 1}) {
    auto r = ranks;
    r[v] = ranks[v == 0 ? 1 : 0];
    EXPECT_TRUE(inconsistent(entries, r)) << v;
    r[v] = g.node_count();
    EXPECT_TRUE(refused(entries, r)) << v;
  }
  EXPECT_TRUE(refused(entries, ranks, {2}));
  EXPECT_TRUE(refused(entries, ranks, {}));
}

// A hierarchy that passes the open-time checks but whose shortcuts multiply when unpacked: among
// the top 30 ranks every pair joined by a zero-weight shortcut over the rank just below the lower
// end (whose two halves are again such shortcuts), so one entry would unpack into 2^28 edges. The
// query gives no path, at once, rather than growing without bound.
TEST(ContractionHierarchy, AHierarchyWhoseShortcutsMultiplyGivesNoPath) {
  const auto imported = net::import_osm(std::string(CORRIDOR_DATA_DIR) + "/osm/monaco.osm.pbf", net::Profile{});
  ASSERT_TRUE(imported);
  const net::Graph g = ContractionHierarchy::build(*imported, net::Metric::kTime).attach(*imported);
  net::Graph::Arrays b = g.arrays();
  const std::uint32_t n = g.node_count(), k = 30, base = n - k;
  std::vector<std::uint32_t> rank(n), first(n + 1, 0);
  std::vector<net::ChEntry> up;
  for (std::uint32_t v = 0; v < n; ++v) rank[v] = v;
  for (std::uint32_t r = 0; r < n; ++r) {
    first[r] = static_cast<std::uint32_t>(up.size());
    if (r < base) continue;
    for (std::uint32_t h = r + 1; h < n; ++h) {
      const std::uint32_t via = r == base ? 0u : (net::ch_flags::kShortcut | (r - 1));
      up.push_back({h, 0, net::ch_flags::kUp | net::ch_flags::kDown | via});
    }
  }
  first[n] = static_cast<std::uint32_t>(up.size());
  b.ch_rank = rank;
  b.ch_first = first;
  b.ch_up = up;
  const auto damaged = net::graph_from_buffer(net::serialize_graph(b), "multiplying");
  ASSERT_TRUE(damaged) << damaged.error().message;  // in bounds, every walk ends: it opens
  const ContractionHierarchy ch(*damaged);
  ContractionHierarchy::Query q(ch);
  const auto path = q.shortest(n - 2, n - 1);
  EXPECT_EQ(path.cost, ContractionHierarchy::kUnreached);
  EXPECT_TRUE(path.edges.empty());
}

}  // namespace
}  // namespace corridor::route
