#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <random>
#include <set>

#include "net/closures.h"
#include "net/import.h"
#include "support/ascii_map.h"

namespace corridor::net {
namespace {

TEST(ClosureSpec, ParsesEveryKindDirectionAndWindow) {
  auto w = parse_closure_spec("way:123");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, ClosureKind::kWay);
  EXPECT_EQ(*w->id, 123);
  EXPECT_EQ(w->direction, ClosureDirection::kBoth);
  EXPECT_FALSE(w->from);

  auto f = parse_closure_spec("way:123@forward[2023-01-01,2023-02-01T00:00Z)");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->direction, ClosureDirection::kForward);
  EXPECT_EQ(*f->from, 1672531200);
  EXPECT_EQ(*f->until, 1675209600);
  EXPECT_TRUE(f->active_at(1672531200));
  EXPECT_FALSE(f->active_at(1675209600));  // the end is exclusive
  EXPECT_FALSE(f->active_at(1672531199));

  auto open_ended = parse_closure_spec("name:Main Street@backward[2023-01-01,)");
  ASSERT_TRUE(open_ended);
  EXPECT_EQ(open_ended->value, "Main Street");
  EXPECT_EQ(open_ended->direction, ClosureDirection::kBackward);
  EXPECT_FALSE(open_ended->until);

  auto b = parse_closure_spec("bbox:39.8,46.7,39.9,46.8");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->polygons.size(), 1u);
  EXPECT_EQ(parse_closure_spec("ref:M12")->kind, ClosureKind::kRef);
  EXPECT_EQ(parse_closure_spec("node:42")->kind, ClosureKind::kNode);
  EXPECT_EQ(*parse_closure_spec("way:rd_lachin")->value.c_str(), 'r');
}

TEST(ClosureSpec, RejectsMalformedSpecsNamingThem) {
  for (const char* bad :
       {"", "way", "way:", "road:1", "node:abc", "node:1@forward", "bbox:1,2,3", "bbox:1,2,3,4,5",
        "bbox:3,2,1,4", "bbox:a,b,c,d", "bbox:95,0,96,1", "way:1[2023-01-01)", "way:1[2023-02-01,2023-01-01)",
        "way:1[yesterday,)", "way:1@sideways", "polygon:/nonexistent/zone.geojson"}) {
    const auto r = parse_closure_spec(bad);
    ASSERT_FALSE(r) << "accepted '" << bad << "'";
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos) << r.error().message;
  }
}

TEST(ClosureSpec, NamesTheRealMistakeNotAMissingRoad) {
  // A closed bracket and a mistyped direction on a name were taken as part of the name ("matches
  // no road"); each now says what is wrong.
  for (const auto& [spec, why] : std::vector<std::pair<std::string, std::string>>{
           {"name:X[2023-04-23,2023-04-24]", "ends with ')'"},
           {"way:7[2023-04-23,]", "ends with ')'"},
           {"name:Valley road@sideways", "unknown direction '@sideways'"},
           {"ref:M12@Forwards", "unknown direction '@Forwards'"},
           {"nmae:X", "unknown kind 'nmae' (did you mean name?)"}}) {
    const auto r = parse_closure_spec(spec);
    ASSERT_FALSE(r) << spec;
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  }
  // What a name may hold: '@' inside it, a bracket without a window.
  for (const char* ok : {"name:Café @ Bridge", "name:Road @ 5", "name:Route [old]"}) {
    const auto r = parse_closure_spec(ok);
    ASSERT_TRUE(r) << ok << ": " << r.error().message;
    EXPECT_EQ(r->value, std::string(ok).substr(5));
  }
}

TEST(ClosureSpec, ReadsPolygonFilesAndReportsBadOnes) {
  const auto dir = std::filesystem::temp_directory_path() / ("corridor_poly_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto good = (dir / "zone.geojson").string();
  std::ofstream(good) << R"({"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}})";
  const auto spec = parse_closure_spec("polygon:" + good);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_TRUE(spec->polygons.at(0).contains({0.5, 0.5}));

  const auto broken = (dir / "broken.geojson").string();
  std::ofstream(broken) << "{\n\"type\": \"Polygon\",\n \"coordinates\": [[[0,0],[1,0]\n";
  const auto r = parse_closure_spec("polygon:" + broken);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(broken + ":"), std::string::npos) << r.error().message;

  const auto point = (dir / "point.geojson").string();
  std::ofstream(point) << R"({"type":"Point","coordinates":[0,0]})";
  const auto p = parse_closure_spec("polygon:" + point);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("/type"), std::string::npos) << p.error().message;
  std::filesystem::remove_all(dir);
}

TEST(ClosureOverlayTest, ClosesTheRightDirectedEdges) {
  const auto m = testing::build_ascii_map(R"(
  A---B---C
      |
      D
)", {{"ABC", {{"highway", "primary"}, {"name", "Main"}, {"ref", "M1;E60"}}},
     {"BD", {{"highway", "residential"}, {"name", "Side"}}}});
  const Graph& g = m.graph;
  auto count = [&](const std::string& spec) {
    auto s = parse_closure_spec(spec);
    EXPECT_TRUE(s) << spec;
    auto ov = apply_closures(g, {*s}, 0);
    EXPECT_TRUE(ov) << spec;
    return ov ? ov->applied[0].edges.size() : 0;
  };
  EXPECT_EQ(count("way:1"), 4u);
  EXPECT_EQ(count("way:1@forward"), 2u);
  EXPECT_EQ(count("name:main"), 4u);  // names compare without case
  EXPECT_EQ(count("ref:E60"), 4u);
  EXPECT_EQ(count("node:68"), 2u);  // 'D' = 68: the one segment into it, both ways
  EXPECT_EQ(count("node:66"), 6u);  // 'B': three segments, both ways
  // A small box around the middle of B-D touches only that segment.
  const auto b = m.at('B'), d = m.at('D');
  const double mid = (b.lat + d.lat) / 2;
  char box[128];
  std::snprintf(box, sizeof box, "bbox:%.7f,%.7f,%.7f,%.7f", mid - 0.0002, b.lon - 0.0002, mid + 0.0002,
                b.lon + 0.0002);
  EXPECT_EQ(count(box), 2u);

  auto unknown = apply_closures(g, {*parse_closure_spec("way:999")}, 0);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message.find("way:999"), std::string::npos);

  // A window not in force still has to match a road, and closes nothing.
  auto later = apply_closures(g, {*parse_closure_spec("way:2[2030-01-01,)")}, 0);
  ASSERT_TRUE(later);
  EXPECT_FALSE(later->applied[0].active);
  EXPECT_FALSE(later->any());
}

// Specs resolved together (one pass over the segments) match exactly what each matches alone: the
// same edges per spec, in the same order, and the same overlay — with a spec given twice, the same
// road named by id, name (any case) and ref, and a window not in force among them.
TEST(ClosureOverlayTest, SpecsResolvedTogetherMatchWhatEachMatchesAlone) {
  const auto m = testing::build_ascii_map(R"(
  A---B---C
      |
      D---E
)", {{"ABC", {{"highway", "primary"}, {"name", "Main"}, {"ref", "M1;E60"}}},
     {"BD", {{"highway", "residential"}, {"name", "Side"}}},
     {"DE", {{"highway", "residential"}, {"name", "side"}, {"ref", "E60"}}}});
  const Graph& g = m.graph;
  const std::vector<std::string> texts{"way:1", "way:2@forward", "name:SIDE", "ref:E60", "way:1", "way:3[2030-01-01,)",
                                       "name:main@backward"};
  std::vector<ClosureSpec> specs;
  for (const auto& t : texts) {
    auto sp = parse_closure_spec(t);
    ASSERT_TRUE(sp) << t;
    specs.push_back(*sp);
  }
  auto together = apply_closures(g, specs, 0);
  ASSERT_TRUE(together) << together.error().message;
  ASSERT_EQ(together->applied.size(), specs.size());
  ClosureOverlay expected(g.edge_count());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto alone = apply_closures(g, {specs[i]}, 0);
    ASSERT_TRUE(alone) << texts[i];
    EXPECT_EQ(together->applied[i].edges, alone->applied[0].edges) << texts[i];
    EXPECT_EQ(together->applied[i].active, alone->applied[0].active) << texts[i];
    for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
      if (alone->closed(EdgeId(e))) expected.close(EdgeId(e));
    }
  }
  EXPECT_FALSE(together->applied[0].edges.empty());
  EXPECT_EQ(together->applied[2].edges.size(), 4u);  // "Side" and "side": two segments, both ways
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) EXPECT_EQ(together->closed(EdgeId(e)), expected.closed(EdgeId(e))) << e;
  // With the graph's way index built (as a server does), the same.
  ASSERT_FALSE(g.has_way_index());
  (void)g.way_index();
  ASSERT_TRUE(g.has_way_index());
  auto indexed = apply_closures(g, specs, 0);
  ASSERT_TRUE(indexed);
  for (std::size_t i = 0; i < specs.size(); ++i) EXPECT_EQ(indexed->applied[i].edges, together->applied[i].edges) << texts[i];
  // One spec that matches nothing fails the whole set, naming that spec.
  specs.push_back(*parse_closure_spec("ref:A7"));
  auto bad = apply_closures(g, specs, 0);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("ref:A7"), std::string::npos);
}


// A box closure is found through the snapping grid's cells, not by testing every segment: it must
// close exactly the segments a test of every segment finds — for random boxes over a real extract,
// boxes reaching past the grid on every side, one as large as the world, one on a single shape
// point (a boundary), and an empty result (an error naming the spec).
TEST(Closures, BoxesFoundThroughTheGridMatchATestOfEverySegment) {
  const auto g = import_osm(std::string(CORRIDOR_DATA_DIR) + "/osm/liechtenstein.osm.pbf", Profile{});
  ASSERT_TRUE(g) << g.error().message;
  const core::BBox extent = g->bbox();
  auto expected = [&](const core::BBox& b) {
    const core::Polygon poly = core::polygon_from_bbox(b);
    std::set<std::uint32_t> out;
    for (std::uint32_t s = 0; s < g->segment_count(); ++s) {
      const auto shape = g->shape(SegmentId(s));
      for (std::size_t i = 0; i + 1 < shape.size(); ++i) {
        if (poly.touches_segment(shape[i].to_double(), shape[i + 1].to_double())) {
          out.insert(s);
          break;
        }
      }
    }
    return out;
  };
  auto closed = [&](const core::BBox& b) -> std::optional<std::set<std::uint32_t>> {
    char text[160];
    std::snprintf(text, sizeof text, "bbox:%.7f,%.7f,%.7f,%.7f", b.south, b.west, b.north, b.east);
    const auto spec = parse_closure_spec(text);
    EXPECT_TRUE(spec) << text;
    const auto ov = apply_closures(*g, {*spec}, 0);
    if (!ov) {
      EXPECT_EQ(ov.error().code, core::ErrorCode::kNotFound) << text;
      return std::nullopt;
    }
    std::set<std::uint32_t> out;
    for (const EdgeId e : ov->applied[0].edges) out.insert(g->segment_of(e).value);
    return out;
  };
  std::vector<core::BBox> boxes;
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> lat(extent.south - 0.01, extent.north + 0.01), lon(extent.west - 0.01, extent.east + 0.01);
  std::uniform_real_distribution<double> size(0.0005, 0.03);
  for (int i = 0; i < 40; ++i) {
    const double s = lat(rng), w = lon(rng);
    boxes.push_back({s, w, s + size(rng), w + size(rng)});
  }
  boxes.push_back({extent.south - 1, extent.west - 1, extent.north + 1, extent.east + 1});  // past every side
  boxes.push_back({-89, -179, 89, 179});                                                    // the world
  boxes.push_back({extent.south - 1, extent.west - 1, extent.south + 0.002, extent.west + 0.002});  // a corner
  const FixedLatLon p = g->point(SegmentId(0), 0);
  const LatLon q = p.to_double();
  boxes.push_back({q.lat, q.lon, q.lat, q.lon});  // one point: the segments through it
  int nonempty = 0, empty = 0;
  for (const auto& b : boxes) {
    const auto want = expected(b);
    const auto got = closed(b);
    if (want.empty()) {
      EXPECT_FALSE(got) << b.south << "," << b.west;
      ++empty;
      continue;
    }
    ASSERT_TRUE(got) << b.south << "," << b.west;
    EXPECT_EQ(*got, want) << b.south << "," << b.west << "," << b.north << "," << b.east;
    ++nonempty;
  }
  EXPECT_GT(nonempty, 10);
  EXPECT_GT(empty, 0);
}

}  // namespace
}  // namespace corridor::net
