// Access analysis on ASCII maps whose answers are known by construction.
#include <gtest/gtest.h>

#include "access/capacity.h"
#include "access/critical.h"
#include "access/places.h"
#include "access/reach.h"
#include "support/ascii_map.h"

namespace corridor::access {
namespace {

using testing::AsciiMap;
using testing::build_ascii_map;

Place place(const AsciiMap& m, const std::string& id, char at, std::int64_t population) {
  Place p;
  p.id = id;
  p.name = id;
  p.names = {id};
  p.point = m.at(at);
  p.population = population;
  return p;
}

// A plain with two sources (S, T) joined by two roads, and a valley (V, W) reached by one road from B.
const char* kValley = R"(
  S---A---B---V---W
  |       |
  T-------C
)";
std::vector<testing::AsciiWay> valley_ways() {
  return {{"SA", {{"highway", "primary"}, {"name", "Plain road"}}},
          {"AB", {{"highway", "primary"}, {"name", "Plain road"}}},
          {"ST", {{"highway", "primary"}, {"name", "South road"}}},
          {"TC", {{"highway", "primary"}, {"name", "South road"}}},
          {"CB", {{"highway", "secondary"}, {"name", "Link"}}},
          {"BV", {{"highway", "tertiary"}, {"name", "Valley road"}}},
          {"VW", {{"highway", "residential"}, {"name", "Village lane"}}}};
}

// Points given inline are named after where they came from: an option (--sources) or a JSON
// pointer (/sources), never a mangled piece of either.
TEST(Places, InlinePointsAreNamedAfterTheOptionOrThePointer) {
  for (const std::string origin : {"--sources", "/sources", "sources"}) {
    const auto p = places_from_list("43.7384,7.4246;43.7311,7.4197", origin);
    ASSERT_TRUE(p) << p.error().message;
    ASSERT_EQ(p->size(), 2u);
    EXPECT_EQ((*p)[0].id, "sources1") << origin;
    EXPECT_EQ((*p)[1].id, "sources2") << origin;
    EXPECT_EQ((*p)[1].name, "43.7311,7.4197");
  }
  EXPECT_FALSE(places_from_list("", "/to"));
  EXPECT_FALSE(places_from_list("43.7,7.4;nowhere", "/to"));
}

TEST(Reach, MultiSourceNearestAndCutOffByClosure) {
  const auto m = build_ascii_map(kValley, valley_ways());
  const std::vector<Place> sources{place(m, "S", 'S', 0), place(m, "T", 'T', 0)};
  const std::vector<Place> places{place(m, "A", 'A', 100), place(m, "C", 'C', 200), place(m, "V", 'V', 300),
                                  place(m, "W", 'W', 400)};
  const auto ls = locate(m.graph, sources, 1000, "source");
  const auto lp = locate(m.graph, places, 1000, "place");
  route::Router router(m.graph);
  const auto open = reach(m.graph, router, ls, lp, nullptr, 0);
  ASSERT_EQ(open.places.size(), 4u);
  for (const auto& p : open.places) EXPECT_TRUE(p.reachable);
  EXPECT_EQ(open.cut_off_population, 0);
  EXPECT_EQ(*open.places[0].source, 0u);  // A is nearer S
  EXPECT_EQ(*open.places[1].source, 1u);  // C is nearer T
  // A is 400 m from S on a primary road at 65 km/h.
  EXPECT_NEAR(*open.places[0].duration_s, 400 / (65 / 3.6), 0.01);

  const auto spec = *net::parse_closure_spec("name:Valley road");
  const auto overlay = net::apply_closures(m.graph, {spec}, 0);
  const auto closed = reach(m.graph, router, ls, lp, &*overlay, 0);
  EXPECT_TRUE(closed.places[0].reachable);
  EXPECT_FALSE(closed.places[2].reachable);
  EXPECT_FALSE(closed.places[3].reachable);
  EXPECT_EQ(closed.cut_off_population, 700);

  // A time limit: W is 400 m + 400 m + 400 m + 400 m away from S at best.
  const auto limited = reach(m.graph, router, ls, lp, nullptr, 60);
  EXPECT_TRUE(limited.places[0].reachable);
  EXPECT_FALSE(limited.places[3].reachable);
  EXPECT_EQ(limited.places[3].reason, "no source within the time limit");
}

TEST(Reach, PlaceFarFromAnyRoadIsReportedNotDropped) {
  const auto m = build_ascii_map(kValley, valley_ways());
  Place far = place(m, "far", 'W', 50);
  far.point.lat += 0.1;
  const auto lp = locate(m.graph, {far}, 1000, "place");
  ASSERT_FALSE(lp[0].end);
  route::Router router(m.graph);
  const auto r = reach(m.graph, router, locate(m.graph, {place(m, "S", 'S', 0)}, 1000, "source"), lp, nullptr, 0);
  ASSERT_EQ(r.places.size(), 1u);
  EXPECT_FALSE(r.places[0].reachable);
  EXPECT_NE(r.places[0].reason.find("no road within"), std::string::npos);
  // Unlocated, not cut off: a mistyped coordinate must not inflate the figure (it counted 50 here).
  EXPECT_FALSE(r.places[0].located);
  EXPECT_EQ(r.cut_off_population, 0);
  EXPECT_EQ(r.total_population, 0);
  EXPECT_EQ(r.unlocated, 1u);
  EXPECT_EQ(r.unlocated_population, 50);
}

struct Cuts {
  std::vector<std::int64_t> population;
  std::vector<std::uint32_t> sources;
};
Cuts at_nodes(const AsciiMap& m, std::vector<std::pair<char, std::int64_t>> pops, std::string sources) {
  Cuts c{std::vector<std::int64_t>(m.graph.node_count(), 0), std::vector<std::uint32_t>(m.graph.node_count(), 0)};
  for (auto [ch, p] : pops) c.population[m.node(ch).value] += p;
  for (char ch : sources) ++c.sources[m.node(ch).value];
  return c;
}

TEST(Critical, TheValleyRoadIsTheBridgeThatCutsTheValleyOff) {
  const auto m = build_ascii_map(kValley, valley_ways());
  const UndirectedView view(m.graph, nullptr);
  const auto c = at_nodes(m, {{'A', 100}, {'C', 200}, {'V', 300}, {'W', 400}}, "ST");
  const auto cuts = find_cut_points(view, c.population, c.sources);
  ASSERT_EQ(cuts.bridges.size(), 2u);  // B-V and V-W; the plain is a cycle
  EXPECT_EQ(m.graph.name(cuts.bridges[0].segment), "Valley road");
  EXPECT_EQ(cuts.bridges[0].population_cut_off, 700);
  EXPECT_EQ(m.graph.name(cuts.bridges[1].segment), "Village lane");
  EXPECT_EQ(cuts.bridges[1].population_cut_off, 400);
  // B and V are the junctions everything beyond depends on.
  ASSERT_EQ(cuts.articulation_points.size(), 2u);
  EXPECT_EQ(cuts.articulation_points[0].node, m.node('B'));
  EXPECT_EQ(cuts.articulation_points[0].population_cut_off, 300 + 400);
  EXPECT_EQ(cuts.articulation_points[1].node, m.node('V'));
  EXPECT_EQ(cuts.articulation_points[1].population_cut_off, 400);

  const auto to_w = disjoint_routes(m.graph, view, {m.node('S'), m.node('T')}, m.node('W'));
  EXPECT_EQ(to_w.count, 1u);
  ASSERT_EQ(to_w.min_cut.size(), 1u);
  const auto to_c = disjoint_routes(m.graph, view, {m.node('S'), m.node('T')}, m.node('C'));
  EXPECT_EQ(to_c.count, 2u);  // T-C and S-A-B-C
  EXPECT_EQ(to_c.min_cut.size(), 2u);
}

TEST(Critical, TwoParallelRoadsJoinedByOneBridge) {
  const auto m = build_ascii_map(R"(
  A---B---C
      |
  D---E---F
)", {{"ABC", {{"highway", "primary"}, {"name", "North"}}},
     {"BE", {{"highway", "secondary"}, {"name", "Bridge"}, {"bridge", "yes"}}},
     {"DEF", {{"highway", "primary"}, {"name", "South"}}}});
  const UndirectedView view(m.graph, nullptr);
  const auto c = at_nodes(m, {{'D', 10}, {'F', 20}}, "A");
  const auto cuts = find_cut_points(view, c.population, c.sources);
  bool found = false;
  for (const auto& b : cuts.bridges) {
    if (m.graph.name(b.segment) == "Bridge") {
      found = true;
      EXPECT_EQ(b.population_cut_off, 30);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(disjoint_routes(m.graph, view, {m.node('A')}, m.node('F')).count, 1u);
  // Close the bridge: no route at all, and the cut is empty.
  const auto overlay = net::apply_closures(m.graph, {*net::parse_closure_spec("name:Bridge")}, 0);
  const UndirectedView cut_view(m.graph, &*overlay);
  const auto none = disjoint_routes(m.graph, cut_view, {m.node('A')}, m.node('F'));
  EXPECT_EQ(none.count, 0u);
}

TEST(Critical, ParallelRoadsAreNotBridges) {
  // Two ways between the same junctions: neither is a bridge, and there are two routes.
  const auto m = build_ascii_map(R"(
  A---B---C
  |       |
  D-------E
)", {{"ABC", {{"highway", "primary"}}}, {"ADEC", {{"highway", "primary"}}}});
  const UndirectedView view(m.graph, nullptr);
  const auto c = at_nodes(m, {{'C', 5}}, "A");
  EXPECT_TRUE(find_cut_points(view, c.population, c.sources).bridges.empty());
  EXPECT_EQ(disjoint_routes(m.graph, view, {m.node('A')}, m.node('C')).count, 2u);
}

TEST(Capacity, ACheckpointCapsAWideRoad) {
  const auto m = build_ascii_map(R"(
  S-------K-------T
  |               |
  P---------------Q
)", {{"SKT", {{"highway", "trunk"}, {"name", "Highway"}}},
     {"SPQT", {{"highway", "track"}, {"name", "Mountain track"}}}});
  Checkpoint cp;
  cp.id = "k";
  cp.name = "Checkpoint K";
  cp.point = m.at('K');
  cp.vehicles_per_hour = 10;
  cp.lanes = 2;
  cp.hours_per_day = 10;  // 08:00-18:00
  auto snap = net::snap(m.graph, cp.point, 100, "cp");
  ASSERT_TRUE(snap);
  const std::vector<PlacedCheckpoint> placed{{&cp, snap->segment, snap->distance_m}};
  const ClassCapacity classes = ClassCapacity::defaults();
  std::vector<std::int64_t> cap;
  std::vector<std::optional<std::size_t>> cp_of;
  segment_capacities(m.graph, classes, placed, cap, cp_of);
  const auto r = max_trucks(m.graph, nullptr, cap, cp_of, {m.node('S')}, {m.node('T')});
  ASSERT_TRUE(r) << r.error().message;
  const std::int64_t track = classes.per_day[static_cast<int>(net::RoadClass::kTrack)];
  EXPECT_EQ(r->trucks_per_day, 200 + track);  // 10/h x 2 lanes x 10 h, plus the track
  bool names_checkpoint = false;
  for (const auto& c : r->bottleneck) names_checkpoint |= c.checkpoint.has_value();
  EXPECT_TRUE(names_checkpoint);
  std::int64_t routed = r->other_routes_trucks;
  for (const auto& fr : r->routes) routed += fr.trucks_per_day;
  EXPECT_EQ(routed, r->trucks_per_day);
  // Without the checkpoint the trunk road carries its class capacity.
  std::vector<std::int64_t> plain;
  std::vector<std::optional<std::size_t>> none;
  segment_capacities(m.graph, classes, {}, plain, none);
  const auto open = max_trucks(m.graph, nullptr, plain, none, {m.node('S')}, {m.node('T')});
  EXPECT_EQ(open->trucks_per_day, classes.per_day[static_cast<int>(net::RoadClass::kTrunk)] + track);
  // A source that is also a destination is refused.
  const auto same = max_trucks(m.graph, nullptr, plain, none, {m.node('S')}, {m.node('S')});
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, core::ErrorCode::kInvalidArgument);
}

TEST(Capacity, OpeningHoursAndOverrides) {
  EXPECT_DOUBLE_EQ(*parse_opening_hours("08:00-18:00", ""), 10);
  EXPECT_DOUBLE_EQ(*parse_opening_hours("08:00-12:00;13:00-17:30", ""), 8.5);
  EXPECT_DOUBLE_EQ(*parse_opening_hours("24h", ""), 24);
  EXPECT_DOUBLE_EQ(*parse_opening_hours("00:00-24:00", ""), 24);
  for (const char* bad : {"", "8-18", "18:00-08:00", "08:00-25:00", "always"}) {
    EXPECT_FALSE(parse_opening_hours(bad, "x: ")) << bad;
  }
  ClassCapacity c = ClassCapacity::defaults();
  ASSERT_TRUE(c.override_with("primary=3000,track=150"));
  EXPECT_EQ(c.per_day[static_cast<int>(net::RoadClass::kPrimary)], 3000);
  EXPECT_EQ(c.per_day[static_cast<int>(net::RoadClass::kTrack)], 150);
  EXPECT_FALSE(c.override_with("primary=-5"));
  EXPECT_FALSE(c.override_with("highway=5"));
  EXPECT_FALSE(c.override_with("primary"));
}

}  // namespace
}  // namespace corridor::access
