#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "net/builder.h"
#include "net/graph_file.h"
#include "support/ascii_map.h"

namespace corridor::net {
namespace {

using testing::AsciiMap;
using testing::build_ascii_map;

const char* kLayout = R"(
  A---B---C
      |
      D---E
)";

AsciiMap sample() {
  return build_ascii_map(kLayout, {{"ABC", {{"highway", "primary"}, {"name", "Main"}}},
                                   {"BDE", {{"highway", "residential"}, {"oneway", "yes"}}}});
}

TEST(Builder, SplitsAtJunctionsAndCompressesChains) {
  const AsciiMap m = sample();
  const Graph& g = m.graph;
  // Junctions: A, C, E (way ends) and B (shared). D is a degree-2 point inside way BDE.
  EXPECT_EQ(g.node_count(), 4u);
  EXPECT_EQ(g.segment_count(), 3u);  // A-B, B-C, B-D-E
  EXPECT_EQ(g.edge_count(), 5u);     // two each for Main, one for the one-way
  const auto e = m.node('E');
  EXPECT_EQ(g.first_out(e.value + 1) - g.first_out(e.value), 0u);  // nothing leaves E against the one-way
  // The compressed segment keeps D in its geometry.
  bool found = false;
  for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
    if (g.shape(SegmentId(s)).size() == 3) {
      found = true;
      EXPECT_EQ(g.shape_osm_ids(SegmentId(s))[1], 'D');
      EXPECT_NEAR(g.segment(SegmentId(s)).length_cm, 60000, 5);  // B-D two rows, D-E four columns
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(connected_components(g).count, 1u);
}

TEST(Builder, LoopsBecomeTwoSegments) {
  const auto m = build_ascii_map(R"(
  A---B
  |   |
  D---C
)", {{"ABCDA", {{"highway", "service"}}}});
  EXPECT_EQ(m.graph.segment_count(), 2u);
  for (std::uint32_t s = 0; s < m.graph.segment_count(); ++s) {
    EXPECT_NE(m.graph.segment(SegmentId(s)).from, m.graph.segment(SegmentId(s)).to);
  }
}

TEST(Builder, EmptyInputIsAnError) {
  GraphBuilder b;
  const auto g = std::move(b).build("nothing.osm");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, core::ErrorCode::kEmpty);
  EXPECT_NE(g.error().message.find("nothing.osm"), std::string::npos);
}

class GraphFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("corridor_graph_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "g.cgraph").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<char> read() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void write(const std::vector<char>& bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(GraphFileTest, RoundTripsEveryArray) {
  const AsciiMap m = sample();
  ASSERT_TRUE(save_graph(m.graph, path_));
  const auto g = load_graph(path_);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(serialize_graph(g->arrays()), serialize_graph(m.graph.arrays()));
  int named_main = 0;
  for (std::uint32_t s = 0; s < g->segment_count(); ++s) named_main += g->name(SegmentId(s)) == "Main";
  EXPECT_EQ(named_main, 2);
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(GraphFileTest, RejectsMissingEmptyTruncatedAndForeignFiles) {
  EXPECT_EQ(load_graph(path_).error().code, core::ErrorCode::kNotFound);
  write({});
  EXPECT_EQ(load_graph(path_).error().code, core::ErrorCode::kCorrupt);
  write({'h', 'e', 'l', 'l', 'o'});
  EXPECT_EQ(load_graph(path_).error().code, core::ErrorCode::kCorrupt);

  ASSERT_TRUE(save_graph(sample().graph, path_));
  auto bytes = read();
  for (std::size_t cut : {std::size_t{8}, std::size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    write(std::vector<char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)));
    const auto r = load_graph(path_);
    ASSERT_FALSE(r) << "cut at " << cut;
    EXPECT_EQ(r.error().code, core::ErrorCode::kCorrupt);
    EXPECT_NE(r.error().message.find(path_), std::string::npos);
  }
}

// The full check reads every byte: any flipped byte, the first and the last included, is caught.
// Opening does not read the checksum; a flipped byte it lets through still gives a graph that passed
// every structural check, so no query on it can crash.
TEST_F(GraphFileTest, VerifyCatchesEveryFlippedByteAndOpeningStaysSafe) {
  ASSERT_TRUE(save_graph(sample().graph, path_));
  const auto bytes = read();
  auto ok = verify_graph_file(path_);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->file_bytes, bytes.size());
  EXPECT_EQ(ok->sections.size(), section_sizes(sample().graph.arrays()).size());
  std::size_t opened = 0;
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < bytes.size(); i += 7) at.push_back(i);
  at.push_back(bytes.size() - 1);
  for (const std::size_t i : at) {
    auto copy = bytes;
    copy[i] = static_cast<char>(copy[i] ^ 0x5a);
    write(copy);
    const auto v = verify_graph_file(path_);
    ASSERT_FALSE(v) << "flipped byte " << i;
    EXPECT_EQ(v.error().code, i >= 8 && i < 12 ? core::ErrorCode::kVersion : core::ErrorCode::kCorrupt) << i;
    // What opens has passed Graph::validate, the invariants every search relies on.
    if (const auto g = load_graph(path_); g) {
      ++opened;
      EXPECT_TRUE(Graph::validate(g->arrays())) << i;
    }
  }
  EXPECT_GT(opened, 0u) << "opening read every byte after all";
}

// The grid lists segments: the last segment is a valid item (the boundary), one past it is not.
TEST(GraphValidate, AGridItemIsASegmentOfTheGraph) {
  const AsciiMap m = sample();
  const auto& a0 = m.graph.arrays();
  std::vector<std::uint32_t> items(a0.grid_items.begin(), a0.grid_items.end());
  ASSERT_FALSE(items.empty());
  Graph::Arrays a = a0;
  items[0] = static_cast<std::uint32_t>(a0.segments.size());  // one past the last segment
  a.grid_items = items;
  const auto bad = graph_from_buffer(serialize_graph(a), "damaged");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("grid: segment out of range"), std::string::npos) << bad.error().message;
  items[0] = static_cast<std::uint32_t>(a0.segments.size() - 1);  // the last segment
  a.grid_items = items;
  EXPECT_TRUE(graph_from_buffer(serialize_graph(a), "fine"));
  items.back() = static_cast<std::uint32_t>(a0.segments.size());  // the last item, out of range
  a.grid_items = items;
  EXPECT_FALSE(graph_from_buffer(serialize_graph(a), "damaged"));
}

// A segment's shape is its from node, its interior points and its to node; only the interior is
// stored. Interior offsets that do not span the interior array are refused.
TEST(GraphValidate, ShapesAreNodesAroundStoredInteriorPoints) {
  const AsciiMap m = sample();
  const Graph& g = m.graph;
  std::size_t interior = 0;
  for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
    const auto shape = g.shape(SegmentId(s));
    ASSERT_EQ(shape.size(), g.point_count(SegmentId(s)));
    ASSERT_GE(shape.size(), 2u);
    EXPECT_EQ(shape.front(), g.arrays().node_coord[g.segment(SegmentId(s)).from]);
    EXPECT_EQ(shape.back(), g.arrays().node_coord[g.segment(SegmentId(s)).to]);
    interior += shape.size() - 2;
  }
  EXPECT_EQ(interior, g.arrays().interior_coord.size());
  std::vector<std::uint32_t> first(g.arrays().segment_first_interior.begin(), g.arrays().segment_first_interior.end());
  first.back() += 1;
  Graph::Arrays a = g.arrays();
  a.segment_first_interior = first;
  EXPECT_FALSE(graph_from_buffer(serialize_graph(a), "damaged"));
}

TEST_F(GraphFileTest, RefusesAnotherVersion) {
  ASSERT_TRUE(save_graph(sample().graph, path_));
  auto bytes = read();
  const std::uint32_t v = kGraphFileVersion + 1;
  std::memcpy(bytes.data() + 8, &v, 4);
  write(bytes);
  const auto r = load_graph(path_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kVersion);
}

TEST(GraphValidate, CatchesStructuralDamageBehindAValidChecksum) {
  const AsciiMap m = sample();
  // Point an edge at a node that does not exist, then re-serialise (so the checksum is right).
  std::vector<Arc> arcs(m.graph.arrays().arcs.begin(), m.graph.arrays().arcs.end());
  arcs[0].head = 1000;
  Graph::Arrays a = m.graph.arrays();
  a.arcs = arcs;
  const auto r = graph_from_buffer(serialize_graph(a), "damaged");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kCorrupt);

  // A grid item of 2^32 - 1: item + 1 wraps to 0 in 32 bits, which once let it through.
  std::vector<std::uint32_t> items(m.graph.arrays().grid_items.begin(), m.graph.arrays().grid_items.end());
  items[0] = 0xFFFF'FFFFu;
  Graph::Arrays c = m.graph.arrays();
  c.grid_items = items;
  EXPECT_FALSE(graph_from_buffer(serialize_graph(c), "damaged"));

  std::vector<std::uint32_t> first_out(a.first_out.begin(), a.first_out.end());
  first_out[1] = first_out.back() + 1;
  Graph::Arrays b = m.graph.arrays();
  b.first_out = first_out;
  EXPECT_FALSE(graph_from_buffer(serialize_graph(b), "damaged"));
}

}  // namespace
}  // namespace corridor::net

namespace corridor::net {
namespace {

// The fuzzer's seed must be a graph of the current format, or the fuzzer stops at the version check
// and never reaches the structural validation it is there to exercise.
TEST(GraphFile, FuzzSeedIsACurrentGraph) {
  std::ifstream in(std::string(CORRIDOR_DATA_DIR) + "/../fuzz/corpus/graph_loader/bautzen-checksummed", std::ios::binary);
  ASSERT_TRUE(in);
  std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
  ASSERT_GT(bytes.size(), 1u);
  std::vector<std::uint64_t> buffer((bytes.size() - 1 + 7) / 8, 0);
  std::memcpy(buffer.data(), bytes.data() + 1, bytes.size() - 1);
  const std::span<const std::byte> view(reinterpret_cast<const std::byte*>(buffer.data()), bytes.size() - 1);
  const auto g = graph_from_bytes(view, nullptr, "seed");
  ASSERT_TRUE(g) << g.error().message << " (regenerate fuzz/corpus/graph_loader with corridor import)";
  EXPECT_GT(g->node_count(), 10u);
}

}  // namespace
}  // namespace corridor::net
