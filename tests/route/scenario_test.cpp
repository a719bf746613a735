// Scenario tests: small road maps drawn in ASCII with routes whose answer is known by construction.
#include <gtest/gtest.h>

#include "core/time.h"
#include "route/plan.h"
#include "support/ascii_map.h"

namespace corridor::route {
namespace {

using testing::AsciiMap;
using testing::AsciiWay;
using testing::build_ascii_map;

struct Run {
  std::optional<Route> route;
  std::optional<NoRoute> no_route;
};

Waypoint at_node(const AsciiMap& m, char c) {
  Waypoint w;
  w.node = m.node(c);
  w.label = std::string(1, c);
  return w;
}

Waypoint at_point(const std::string& latlon) {
  auto w = parse_waypoint(latlon, "point");
  EXPECT_TRUE(w);
  return *w;
}

Run run(const AsciiMap& m, std::vector<Waypoint> points, const std::vector<std::string>& closures = {},
        core::UnixSeconds at = 0, Metric metric = Metric::kDistance) {
  std::vector<net::ClosureSpec> specs;
  for (const auto& c : closures) {
    auto s = net::parse_closure_spec(c);
    EXPECT_TRUE(s) << c;
    specs.push_back(*s);
  }
  auto overlay = net::apply_closures(m.graph, specs, at);
  EXPECT_TRUE(overlay) << (overlay ? "" : overlay.error().message);
  Router router(m.graph);
  RouteRequest req;
  req.points = std::move(points);
  req.metric = metric;
  auto out = plan_route(m.graph, router, req, specs, *overlay);
  EXPECT_TRUE(out) << (out ? "" : out.error().message);
  return {out->route, out->no_route};
}

// Two ways from A to C: a short one-way top road (A-B-C) and a longer two-way detour (A-D-E-C).
const char* kOnewayLayout = R"(
  A---B---C
  |       |
  D-------E
)";
std::vector<AsciiWay> oneway_ways() {
  return {{"ABC", {{"highway", "primary"}, {"oneway", "yes"}, {"name", "Top"}}},
          {"ADEC", {{"highway", "primary"}, {"name", "Loop"}}}};
}

TEST(Scenario, OnewayIsTakenWithTheFlowAndAvoidedAgainstIt) {
  const auto m = build_ascii_map(kOnewayLayout, oneway_ways());
  const auto there = run(m, {at_node(m, 'A'), at_node(m, 'C')});
  ASSERT_TRUE(there.route);
  EXPECT_NEAR(there.route->distance_m, 800, 1);
  EXPECT_EQ(there.route->roads, std::vector<std::string>{"Top"});
  const auto back = run(m, {at_node(m, 'C'), at_node(m, 'A')});
  ASSERT_TRUE(back.route);
  EXPECT_NEAR(back.route->distance_m, 800 + 2 * 200, 1);  // C-E, E-D, D-A: 200 + 800 + 200
  EXPECT_EQ(back.route->roads, std::vector<std::string>{"Loop"});
  EXPECT_EQ(back.route->way_ids, std::vector<std::int64_t>{2});
}

TEST(Scenario, AccessRestrictedRoadsAreNotRoutable) {
  const auto m = build_ascii_map(kOnewayLayout,
                                 {{"ABC", {{"highway", "primary"}, {"access", "private"}}},
                                  {"ADEC", {{"highway", "primary"}}}});
  const auto r = run(m, {at_node(m, 'A'), at_node(m, 'C')});
  ASSERT_TRUE(r.route);
  EXPECT_NEAR(r.route->distance_m, 1200, 1);
  EXPECT_EQ(r.route->way_ids, std::vector<std::int64_t>{2});
}

TEST(Scenario, OneDirectionClosureBlocksOnlyThatDirection) {
  const auto m = build_ascii_map(R"(
  A---B---C
  |       |
  D-------E
)", {{"ABC", {{"highway", "primary"}, {"name", "Top"}}}, {"ADEC", {{"highway", "primary"}, {"name", "Loop"}}}});
  // Way 1 runs A->B->C: closing it @forward blocks A to C on it, not C to A.
  const auto ac = run(m, {at_node(m, 'A'), at_node(m, 'C')}, {"way:1@forward"});
  ASSERT_TRUE(ac.route);
  EXPECT_EQ(ac.route->roads, std::vector<std::string>{"Loop"});
  const auto ca = run(m, {at_node(m, 'C'), at_node(m, 'A')}, {"way:1@forward"});
  ASSERT_TRUE(ca.route);
  EXPECT_EQ(ca.route->roads, std::vector<std::string>{"Top"});
  const auto ca2 = run(m, {at_node(m, 'C'), at_node(m, 'A')}, {"way:1@backward"});
  ASSERT_TRUE(ca2.route);
  EXPECT_EQ(ca2.route->roads, std::vector<std::string>{"Loop"});
}

TEST(Scenario, TimeWindowedClosureAppliesOnlyInsideItsWindow) {
  const auto m = build_ascii_map(kOnewayLayout, oneway_ways());
  const std::string closure = "name:Top[2023-04-23T08:00Z,2023-04-24T08:00Z)";
  const auto t = [](const char* s) { return *core::parse_iso8601(s, "t"); };
  const auto before = run(m, {at_node(m, 'A'), at_node(m, 'C')}, {closure}, t("2023-04-23T07:59:59Z"));
  ASSERT_TRUE(before.route);
  EXPECT_EQ(before.route->roads, std::vector<std::string>{"Top"});
  const auto during = run(m, {at_node(m, 'A'), at_node(m, 'C')}, {closure}, t("2023-04-23T08:00Z"));
  ASSERT_TRUE(during.route);
  EXPECT_EQ(during.route->roads, std::vector<std::string>{"Loop"});
  const auto after = run(m, {at_node(m, 'A'), at_node(m, 'C')}, {closure}, t("2023-04-24T08:00Z"));
  ASSERT_TRUE(after.route);
  EXPECT_EQ(after.route->roads, std::vector<std::string>{"Top"});
}

// A valley served by one road (G-H) from the plain (A-B), and an isolated road elsewhere.
const char* kValleyLayout = R"(
  A---B---G---H
  |   |
  C---D       X---Y
)";
std::vector<AsciiWay> valley_ways() {
  return {{"AB", {{"highway", "primary"}}},
          {"CD", {{"highway", "primary"}}},
          {"AC", {{"highway", "secondary"}}},
          {"BD", {{"highway", "secondary"}}},
          {"BGH", {{"highway", "tertiary"}, {"name", "Valley road"}}},
          {"XY", {{"highway", "tertiary"}, {"name", "Island"}}}};
}

TEST(Scenario, UnreachableTargetNamesTheClosureThatCutsIt) {
  const auto m = build_ascii_map(kValleyLayout, valley_ways());
  // Closing one side of the loop does not cut the valley off; closing its only road does.
  const auto r = run(m, {at_node(m, 'C'), at_node(m, 'H')}, {"way:3", "name:Valley road"});
  ASSERT_FALSE(r.route);
  ASSERT_TRUE(r.no_route);
  EXPECT_TRUE(r.no_route->connected_without_closures);
  EXPECT_EQ(r.no_route->cutting, std::vector<std::string>{"name:Valley road"});
  EXPECT_NE(r.no_route->message.find("name:Valley road"), std::string::npos);
  // Both sides of the loop closed: those two cut, the valley road is beyond them and is not named.
  const auto both = run(m, {at_node(m, 'C'), at_node(m, 'H')}, {"way:3", "way:4", "name:Valley road"});
  ASSERT_TRUE(both.no_route);
  EXPECT_EQ(both.no_route->cutting, (std::vector<std::string>{"way:3", "way:4"}));
}

TEST(Scenario, DisconnectedTargetSaysNoClosureIsToBlame) {
  const auto m = build_ascii_map(kValleyLayout, valley_ways());
  const auto r = run(m, {at_node(m, 'A'), at_node(m, 'Y')}, {"way:3"});
  ASSERT_TRUE(r.no_route);
  EXPECT_FALSE(r.no_route->connected_without_closures);
  EXPECT_NE(r.no_route->message.find("even with every closure lifted"), std::string::npos);
}

TEST(Scenario, NeverRoutesThroughAClosedSegment) {
  const auto m = build_ascii_map(kValleyLayout, valley_ways());
  const auto r = run(m, {at_node(m, 'A'), at_node(m, 'H')}, {"way:1"});
  ASSERT_TRUE(r.route);
  EXPECT_EQ(r.route->way_ids, (std::vector<std::int64_t>{3, 2, 4, 5}));
  for (auto w : r.route->way_ids) EXPECT_NE(w, 1);
}

TEST(Scenario, SnapsPointsOntoRoadsAndRoutesFromMidSegment) {
  const auto m = build_ascii_map(kValleyLayout, valley_ways());
  // A quarter of the way along A-B, and 30 m off the road to the south.
  auto from = m.at('A');
  from.lon += (m.at('B').lon - m.at('A').lon) * 0.25;
  from.lat -= 30 / 111195.0;
  char text[64];
  std::snprintf(text, sizeof text, "%.7f,%.7f", from.lat, from.lon);
  const auto r = run(m, {at_point(text), at_node(m, 'H')});
  ASSERT_TRUE(r.route);
  EXPECT_NEAR(r.route->snapped_m.front(), 30, 0.5);
  EXPECT_NEAR(r.route->distance_m, 300 + 800, 1);  // 3/4 of A-B, then B-G-H
  // The geometry starts at the projected point, not at A.
  EXPECT_NEAR(r.route->geometry.front().lon, from.lon, 1e-6);
}

TEST(Scenario, BothPointsOnOneSegmentRouteAlongIt) {
  const auto m = build_ascii_map(kValleyLayout, valley_ways());
  const auto r = run(m, {at_point(testing::between(m, 'A', 'B', 0.2)), at_point(testing::between(m, 'A', 'B', 0.7))});
  ASSERT_TRUE(r.route);
  EXPECT_NEAR(r.route->distance_m, 200, 1);
  EXPECT_EQ(r.route->way_ids, std::vector<std::int64_t>{1});
}

TEST(Scenario, ViaPointsAreVisitedInOrder) {
  const auto m = build_ascii_map(kValleyLayout, valley_ways());
  const auto r = run(m, {at_node(m, 'A'), at_node(m, 'D'), at_node(m, 'H')});
  ASSERT_TRUE(r.route);
  EXPECT_NEAR(r.route->distance_m, 600 + 200 + 800, 1);  // A-B-D (or A-C-D), back to B, then to H
}

TEST(Scenario, PointsTooFarFromAnyRoadAreRefused) {
  const auto m = build_ascii_map(kValleyLayout, valley_ways());
  Router router(m.graph);
  RouteRequest req;
  req.points = {at_point("40.5,45.5"), at_node(m, 'H')};
  const auto out = plan_route(m.graph, router, req, {}, net::ClosureOverlay(m.graph.edge_count()));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, core::ErrorCode::kSnapFailed);
  EXPECT_NE(out.error().message.find("40.5,45.5"), std::string::npos);
}

TEST(Scenario, TimeMetricPrefersTheFasterRoad) {
  // Straight residential (25 km/h) versus a longer motorway-class detour (trunk, 80 km/h).
  const auto m = build_ascii_map(R"(
  A-------B
  |       |
  C-------D
)", {{"AB", {{"highway", "residential"}}}, {"ACDB", {{"highway", "trunk"}}}});
  const auto fast = run(m, {at_node(m, 'A'), at_node(m, 'B')}, {}, 0, Metric::kTime);
  ASSERT_TRUE(fast.route);
  EXPECT_EQ(fast.route->way_ids, std::vector<std::int64_t>{2});
  const auto shortest = run(m, {at_node(m, 'A'), at_node(m, 'B')}, {}, 0, Metric::kDistance);
  EXPECT_EQ(shortest.route->way_ids, std::vector<std::int64_t>{1});
}

}  // namespace
}  // namespace corridor::route
