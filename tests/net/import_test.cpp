#include <gtest/gtest.h>

#include <random>

#include "net/import.h"
#include "net/snap.h"

namespace corridor::net {
namespace {

const std::string kOsm = std::string(CORRIDOR_DATA_DIR) + "/osm/";

TEST(ImportOsm, ReadsPbfAndXmlAndKeepsWayAttributes) {
  ImportStats stats;
  const auto g = import_osm(kOsm + "monaco.osm.pbf", Profile{}, &stats);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_GT(stats.ways_read, stats.ways_routable);
  EXPECT_GT(g->node_count(), 1000u);
  // Every segment has a real way id and two or more points; some carry names, refs, bridge/tunnel flags.
  std::size_t named = 0, tunnels = 0, oneway = 0;
  for (std::uint32_t s = 0; s < g->segment_count(); ++s) {
    const Segment& seg = g->segment(SegmentId(s));
    EXPECT_GT(seg.way_id, 0);
    named += !g->name(SegmentId(s)).empty();
    tunnels += (seg.flags & segment_flags::kTunnel) != 0;
    oneway += (seg.flags & (segment_flags::kForward | segment_flags::kBackward)) != (segment_flags::kForward | segment_flags::kBackward);
  }
  EXPECT_GT(named, g->segment_count() / 2);
  EXPECT_GT(tunnels, 0u);  // Monaco is full of them
  EXPECT_GT(oneway, 0u);
  const auto xml = import_osm(kOsm + "bautzen.osm", Profile{});
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_GT(xml->node_count(), 10u);
}

TEST(ImportOsm, BarriersBecomeNodes) {
  const auto g = import_osm(kOsm + "monaco.osm.pbf", Profile{});
  ASSERT_TRUE(g);
  std::size_t barriers = 0;
  for (std::uint32_t v = 0; v < g->node_count(); ++v) barriers += g->barrier(NodeId(v)) != Barrier::kNone;
  EXPECT_GT(barriers, 0u);
}

TEST(ImportOsm, OnewayDeadEndKeepsDirections) {
  const auto g = import_osm(kOsm + "one_way_dead_end.osm.pbf", Profile{});
  ASSERT_TRUE(g) << g.error().message;
  // A one-way segment has exactly one edge; a two-way one has two.
  for (std::uint32_t s = 0; s < g->segment_count(); ++s) {
    const Segment& seg = g->segment(SegmentId(s));
    const int want = ((seg.flags & segment_flags::kForward) != 0) + ((seg.flags & segment_flags::kBackward) != 0);
    const int have = g->segment_edge(SegmentId(s), false).has_value() + g->segment_edge(SegmentId(s), true).has_value();
    EXPECT_EQ(have, want) << "segment " << s;
  }
}

TEST(ImportOsm, ErrorsNameTheFile) {
  const auto missing = import_osm("/nonexistent/x.osm.pbf", Profile{});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("/nonexistent/x.osm.pbf"), std::string::npos);
}

TEST(ImportGeojson, JoinsWaysAtSharedCoordinatesAndReportsPointers) {
  const std::string roads = R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"id":"a","highway":"primary"},"geometry":{"type":"LineString","coordinates":[[0,0],[0.01,0]]}},
    {"type":"Feature","properties":{"id":"b","highway":"primary"},"geometry":{"type":"LineString","coordinates":[[0.01,0],[0.02,0]]}},
    {"type":"Feature","properties":{"id":"c","highway":"primary"},"geometry":{"type":"MultiLineString","coordinates":[[[0.01,0],[0.01,0.01]],[[0.02,0],[0.02,0.01]]]}}
  ]})";
  const auto g = import_geojson_text(roads, "roads.geojson", Profile{});
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->segment_count(), 4u);
  EXPECT_EQ(g->node_count(), 5u);
  EXPECT_EQ(connected_components(*g).count, 1u);

  const auto bad = import_geojson_text(R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"highway":"primary"},"geometry":{"type":"LineString","coordinates":[[0,0],["x",1]]}}]})",
                                       "bad.geojson", Profile{});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad.geojson: /features/0/geometry/coordinates/1"), std::string::npos)
      << bad.error().message;
  const auto nohw = import_geojson_text(R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]})",
                                        "nohw.geojson", Profile{});
  ASSERT_FALSE(nohw);
  EXPECT_NE(nohw.error().message.find("/features/0/properties"), std::string::npos);
  const auto empty = import_geojson_text(R"({"type":"FeatureCollection","features":[]})", "e.geojson", Profile{});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, core::ErrorCode::kEmpty);
}

// The grid must find exactly what a scan of every piece finds.
TEST(Snap, GridAgreesWithBruteForceOnARealExtract) {
  const auto g = import_osm(kOsm + "liechtenstein.osm.pbf", Profile{});
  ASSERT_TRUE(g);
  const core::BBox box = g->bbox();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(box.south, box.north), lon(box.west, box.east);
  int snapped = 0;
  for (int i = 0; i < 500; ++i) {
    const LatLon p{lat(rng), lon(rng)};
    double best = 1e18;
    for (std::uint32_t s = 0; s < g->segment_count(); ++s) {
      const auto shape = g->shape(SegmentId(s));
      for (std::size_t k = 0; k + 1 < shape.size(); ++k) {
        best = std::min(best, core::project_onto_segment(p, shape[k].to_double(), shape[k + 1].to_double()).distance_m);
      }
    }
    const auto r = snap(*g, p, 2000, "p");
    if (best > 2000) {
      EXPECT_FALSE(r) << i;
      continue;
    }
    ASSERT_TRUE(r) << r.error().message;
    ++snapped;
    EXPECT_NEAR(r->distance_m, best, 0.51) << "point " << i;  // 0.5 m: the move onto a segment end
  }
  EXPECT_GT(snapped, 100);
}

}  // namespace
}  // namespace corridor::net
