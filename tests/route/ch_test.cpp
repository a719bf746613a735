#include <gtest/gtest.h>

#include <random>

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
        const std::uint64_t got = q.shortest_under(g, s, t, &*overlay, &edges);
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
      EXPECT_EQ(q.shortest_under(g, s, t, nullptr), got.cost);
    }
  }
  const auto cut = net::apply_closures(g, {*net::parse_closure_spec("way:" + std::to_string(g.segment(core::SegmentId(g.segment_count() - 1)).way_id))}, 0);
  ASSERT_TRUE(cut);
  std::uint32_t blocked = 0;
  for (std::uint32_t s = 0; s < g.node_count(); ++s) {
    for (std::uint32_t t = 0; t < g.node_count(); ++t) {
      const Seed ss{core::NodeId(s), 0}, tt{core::NodeId(t), 0};
      const auto want = plain.shortest({&ss, 1}, {&tt, 1}, net::Metric::kTime, &*cut);
      const std::uint64_t got = q.shortest_under(g, s, t, &*cut);
      ASSERT_EQ(want.has_value(), got != ContractionHierarchy::kUnreached) << s << "->" << t;
      if (want) {
        EXPECT_EQ(got, want->cost);
      }
      blocked += !want.has_value();
    }
  }
  EXPECT_GT(blocked, 0u);
}

}  // namespace
}  // namespace corridor::route
