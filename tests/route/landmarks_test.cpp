#include <gtest/gtest.h>

#include <random>

#include "net/import.h"
#include "route/landmarks.h"
#include "route/router.h"
#include "support/ascii_map.h"

namespace corridor::route {
namespace {

// Landmarks only steer the search: every cost must be what plain bidirectional Dijkstra finds, with
// and without closures, for both metrics.
TEST(Landmarks, SameCostsAsPlainDijkstraUnderClosures) {
  const auto g = net::import_osm(std::string(CORRIDOR_DATA_DIR) + "/osm/liechtenstein.osm.pbf", net::Profile{});
  ASSERT_TRUE(g) << g.error().message;
  const net::Graph plain = add_landmarks(*g, 0);
  const net::Graph alt4 = add_landmarks(*g, 4);
  const net::Graph alt12 = add_landmarks(*g, 12);
  ASSERT_EQ(plain.landmark_count(), 0u);
  ASSERT_EQ(alt4.landmark_count(), 4u);
  Router r0(plain), r4(alt4), r12(alt12);
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::uint32_t> node(0, g->node_count() - 1);
  std::uniform_int_distribution<std::uint32_t> seg(0, g->segment_count() - 1);
  std::uint64_t settled0 = 0, settled4 = 0;
  int found = 0;
  for (int round = 0; round < 20; ++round) {
    std::vector<net::ClosureSpec> specs;
    for (int i = 0; i < round % 4 * 5; ++i) {
      specs.push_back(*net::parse_closure_spec("way:" + std::to_string(g->segment(core::SegmentId(seg(rng))).way_id)));
    }
    const auto overlay = net::apply_closures(*g, specs, 0);
    ASSERT_TRUE(overlay);
    for (int q = 0; q < 50; ++q) {
      const Seed s{core::NodeId(node(rng)), 0}, t{core::NodeId(node(rng)), 0};
      // A second target seed with a cost, as a point part-way along a road makes.
      const std::vector<Seed> targets{t, Seed{core::NodeId(node(rng)), 5000}};
      for (const auto metric : {Metric::kTime, Metric::kDistance}) {
        const auto a = r0.shortest({&s, 1}, targets, metric, &*overlay);
        settled0 += r0.settled();
        const auto b = r4.shortest({&s, 1}, targets, metric, &*overlay);
        settled4 += r4.settled();
        const auto c = r12.shortest({&s, 1}, targets, metric, &*overlay);
        ASSERT_EQ(a.has_value(), b.has_value());
        ASSERT_EQ(a.has_value(), c.has_value());
        if (!a) continue;
        ++found;
        EXPECT_EQ(a->cost, b->cost);
        EXPECT_EQ(a->cost, c->cost);
        // The path found adds up to its cost.
        std::uint64_t sum = targets[b->target_seed].cost;
        for (const auto e : b->edges) sum += alt4.weight(e, metric);
        EXPECT_EQ(sum, b->cost);
      }
    }
  }
  EXPECT_GT(found, 1000);
  EXPECT_LT(settled4, settled0);  // they must also help
}

}  // namespace
}  // namespace corridor::route

namespace corridor::route {
namespace {

// explore() runs on 32-bit labels (with a bucket queue whose overflow list takes the seeds' costs that
// lie far apart) and falls back to the general search when a distance would not fit: every path must give
// the distances and origins a plain reference Dijkstra (the point-to-point search) gives, whatever
// the seeds' costs, limit and direction.
TEST(Explore, NarrowAndWideSearchesAgreeWithPointToPoint) {
  const auto g = net::import_osm(std::string(CORRIDOR_DATA_DIR) + "/osm/monaco.osm.pbf", net::Profile{});
  ASSERT_TRUE(g) << g.error().message;
  Router r(*g), ref(*g);
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<std::uint32_t> node(0, g->node_count() - 1);
  const std::uint64_t near_overflow = (std::uint64_t{1} << 32) - 1000;
  int checked = 0;
  for (int round = 0; round < 12; ++round) {
    const bool backward = round % 2 == 1;
    const Metric metric = round % 3 == 0 ? Metric::kDistance : Metric::kTime;
    // Seed costs: small (narrow search), or close enough to 2^32 that distances overflow 32 bits.
    const std::uint64_t base = round >= 6 ? near_overflow : 0;
    std::vector<Seed> seeds{{core::NodeId(node(rng)), base}, {core::NodeId(node(rng)), base + 700}};
    // Seeds whose costs lie far apart do not fit the bucket ring: the radix heap takes over.
    if (round % 4 == 1) seeds.push_back({core::NodeId(node(rng)), base + (std::uint64_t{1} << 30)});
    const std::uint64_t limit = round % 4 == 3 ? base + 20000 : UINT64_MAX;
    r.explore(seeds, metric, nullptr, limit, backward);
    for (int q = 0; q < 40; ++q) {
      const core::NodeId v(node(rng));
      // Reference: the best over the seeds of the point-to-point cost (which counts the seed's cost).
      std::optional<std::uint64_t> best;
      for (const auto& s : seeds) {
        const Seed t{v, 0};
        const auto p = backward ? ref.shortest({&t, 1}, {&s, 1}, metric, nullptr) : ref.shortest({&s, 1}, {&t, 1}, metric, nullptr);
        if (p && (!best || p->cost < *best)) best = p->cost;
      }
      if (best && *best > limit) best.reset();
      ASSERT_EQ(r.reached(v), best.has_value()) << "round " << round;
      if (best) {
        EXPECT_EQ(r.distance(v), *best) << "round " << round;
        ASSERT_LT(r.origin(v), seeds.size());
        // The origin is the first seed that is that far.
        const Seed& o = seeds[r.origin(v)];
        const Seed t{v, 0};
        const auto p = backward ? ref.shortest({&t, 1}, {&o, 1}, metric, nullptr) : ref.shortest({&o, 1}, {&t, 1}, metric, nullptr);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->cost, *best) << "round " << round;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 200);
}

// A node equally far from two seeds belongs to the seed listed first, whichever that is, whichever
// seed's search gets there first, and whichever search (32-bit or 64-bit labels) runs.
TEST(Explore, TieGoesToTheFirstSeed) {
  const auto m = testing::build_ascii_map("A---X---B", {{"AX", {{"highway", "primary"}}}, {"XB", {{"highway", "primary"}}}});
  const core::NodeId a = m.node('A'), b = m.node('B'), x = m.node('X');
  Router r(m.graph);
  const Seed sa{a, 0}, sb{b, 0}, sx{x, 0};
  const auto ax = r.shortest({&sa, 1}, {&sx, 1}, Metric::kDistance, nullptr);
  const auto bx = r.shortest({&sb, 1}, {&sx, 1}, Metric::kDistance, nullptr);
  ASSERT_TRUE(ax && bx);
  ASSERT_EQ(ax->cost, bx->cost) << "the drawing is symmetric";
  for (const std::uint64_t base : {std::uint64_t{0}, (std::uint64_t{1} << 32) + 5}) {
    // X, equally far from A and from B.
    for (const bool a_first : {true, false}) {
      const std::vector<Seed> seeds = a_first ? std::vector<Seed>{{a, base}, {b, base}} : std::vector<Seed>{{b, base}, {a, base}};
      r.explore(seeds, Metric::kDistance, nullptr);
      ASSERT_TRUE(r.reached(x));
      EXPECT_EQ(r.distance(x), base + ax->cost);
      EXPECT_EQ(r.origin(x), 0u) << "base " << base << (a_first ? ", A first" : ", B first");
      EXPECT_EQ(r.origin(a_first ? b : a), 1u);
    }
    // X seeded at the cost of reaching it from A: the second seed holds X before A's search arrives,
    // and the first seed still takes it (and B beyond it).
    const std::vector<Seed> seeds{{a, base}, {x, base + ax->cost}};
    r.explore(seeds, Metric::kDistance, nullptr);
    EXPECT_EQ(r.origin(x), 0u) << "base " << base;
    EXPECT_EQ(r.origin(b), 0u) << "base " << base;
    EXPECT_EQ(r.distance(b), base + ax->cost + bx->cost);
  }
}

}  // namespace
}  // namespace corridor::route
