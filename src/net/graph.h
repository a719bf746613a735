// corridor::net — the road graph: immutable after import, laid out as plain CSR arrays.
//
// A *node* is a junction (or a way end, or a barrier). A *segment* is an undirected road piece between
// two nodes with its geometry, OSM way id, name, ref, class and flags; degree-2 chains of one way are
// compressed into one segment. An *edge* is one direction of a segment that traffic may use; edges are
// stored as a forward CSR (first_out/head); the backward CSR (first_in/tail/in_edge), which searches
// against the edges need, is derived from it on first use and kept in memory, not in the file.
// Query state lives elsewhere (route/) and is per thread.
//
// The in-memory layout is the file layout (graph_file.h): a Graph is a set of spans over one buffer,
// either owned (just built) or memory-mapped (loaded). Every Graph has passed validate() (every index
// in bounds), so code that walks it may index without bounds checks.
//
// May use: core.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/geo.h"
#include "core/ids.h"
#include "core/result.h"

namespace corridor::net {

using core::EdgeId;
using core::FixedLatLon;
using core::LatLon;
using core::NodeId;
using core::SegmentId;

enum class RoadClass : std::uint8_t {
  kMotorway,
  kMotorwayLink,
  kTrunk,
  kTrunkLink,
  kPrimary,
  kPrimaryLink,
  kSecondary,
  kSecondaryLink,
  kTertiary,
  kTertiaryLink,
  kUnclassified,
  kResidential,
  kLivingStreet,
  kService,
  kTrack,
  kFerry,
};
inline constexpr int kRoadClassCount = 16;
[[nodiscard]] std::string_view road_class_name(RoadClass c);
[[nodiscard]] std::optional<RoadClass> road_class_from_name(std::string_view name);

enum class Barrier : std::uint8_t { kNone, kBorderControl, kGate, kLiftGate, kTollBooth, kOther };
[[nodiscard]] std::string_view barrier_name(Barrier b);

namespace segment_flags {
inline constexpr std::uint8_t kBridge = 1;
inline constexpr std::uint8_t kTunnel = 2;
inline constexpr std::uint8_t kForward = 4;   // traffic may go in geometry (way) order
inline constexpr std::uint8_t kBackward = 8;  // traffic may go against it
}  // namespace segment_flags

// One undirected road piece. Plain old data: it is stored in the file as it is.
struct Segment {
  std::int64_t way_id;       // OSM way id (GeoJSON: the feature's numeric id or its index + 1)
  std::uint32_t from;        // node at the first geometry point
  std::uint32_t to;          // node at the last geometry point
  std::uint32_t name;        // index into the string table (0 = none)
  std::uint32_t ref;         // index into the string table
  std::uint32_t key;         // the source's own id when it is not numeric (GeoJSON "id": "rd_x")
  std::uint32_t length_cm;   // along the geometry
  std::uint32_t duration_ms; // at the profile speed
  std::uint8_t road_class;   // RoadClass
  std::uint8_t flags;        // segment_flags
  std::uint8_t pad[2];
};
static_assert(sizeof(Segment) == 40);

inline constexpr std::uint32_t kNoDistance = 0xFFFF'FFFFu;

// The high bit of an edge's segment reference says it runs against the geometry.
inline constexpr std::uint32_t kEdgeReversed = 0x8000'0000u;

enum class Metric : std::uint8_t { kTime = 0, kDistance = 1 };

// A forward edge as the router reads it: head and both weights in one 12-byte record, so a
// relaxation touches one cache line (weight[0] is milliseconds, weight[1] centimetres).
struct Arc {
  std::uint32_t head;
  std::uint32_t weight[2];
};
static_assert(sizeof(Arc) == 12);

// A backward edge (in memory only): tail, weights, and the forward edge id the closure overlay is
// indexed by.
struct InArc {
  std::uint32_t tail;
  std::uint32_t weight[2];
  std::uint32_t edge;
};
static_assert(sizeof(InArc) == 16);

// One entry of a contraction hierarchy's upward graph (route/ch.h), stored with the graph: an arc
// between a node and a higher-ranked one, in one or both directions at the same weight. Entries are
// grouped by the lower node's rank; `other` is the higher node's rank. `via` holds flags and an id:
// for an original edge its edge id (the edge from the lower node up when kChUp is set, otherwise the
// edge down; when both are set the other direction is the same segment's other edge); for a
// shortcut the rank of the node it bypasses, which is lower than both ends.
struct ChEntry {
  std::uint32_t other;
  std::uint32_t weight;
  std::uint32_t via;
};
static_assert(sizeof(ChEntry) == 12);
namespace ch_flags {
inline constexpr std::uint32_t kUp = 1u << 31;        // lower -> higher may be used
inline constexpr std::uint32_t kDown = 1u << 30;      // higher -> lower may be used
inline constexpr std::uint32_t kShortcut = 1u << 29;  // via is a middle node's rank, not an edge
inline constexpr std::uint32_t kIdMask = kShortcut - 1;
}  // namespace ch_flags

// The snapping grid's geometry (graph file section 14) and the one cell arithmetic shared by the
// builder that fills the grid and everything that reads it (snapping, closures by box): a
// latitude's row and a longitude's column, clamped to the grid — far-away points, NaN and a
// hostile header included — without overflowing a conversion.
struct GridGeometry {
  double south, west, cell_lat, cell_lon;
  std::uint32_t rows, cols;
  explicit GridGeometry(std::span<const double> meta);  // the six doubles of section 14, validated
  [[nodiscard]] std::uint32_t row(double lat) const { return clamp_cell((lat - south) / cell_lat, rows); }
  [[nodiscard]] std::uint32_t col(double lon) const { return clamp_cell((lon - west) / cell_lon, cols); }
  [[nodiscard]] std::size_t cell(std::uint32_t r, std::uint32_t c) const { return std::size_t{r} * cols + c; }
  [[nodiscard]] static std::uint32_t clamp_cell(double v, std::uint32_t n);
};

class Graph {
 public:
  struct Arrays {
    std::span<const FixedLatLon> node_coord;
    // OSM node ids, packed: id = high << 32 | low (0 where the source has no node ids).
    std::span<const std::uint32_t> node_osm_id_low;  // n
    std::span<const std::int8_t> node_osm_id_high;   // n
    std::span<const std::uint8_t> node_barrier;  // Barrier
    std::span<const std::uint32_t> first_out;    // n + 1
    std::span<const Arc> arcs;                   // m
    std::span<const std::uint32_t> edge_segment; // m, segment index | kEdgeReversed
    std::span<const Segment> segments;           // s
    // A segment's geometry is its from node, its interior points, its to node: only the interior
    // points are stored (the ends are the nodes').
    std::span<const std::uint32_t> segment_first_interior;  // s + 1
    std::span<const FixedLatLon> interior_coord;    // p
    std::span<const std::int64_t> interior_osm_id;  // p
    std::span<const std::uint32_t> string_offsets;  // k + 1
    std::span<const char> string_chars;
    // Snapping grid over segments (each listed in every cell one of its pieces crosses).
    std::span<const double> grid_meta;           // south, west, cell_lat, cell_lon, rows, cols
    std::span<const std::uint32_t> grid_first;   // rows * cols + 1
    std::span<const std::uint32_t> grid_items;   // segment index
    std::span<const char> source;                // what it was imported from, for `info`
    // ALT landmarks (route/landmarks.h), optional: k landmark nodes, and per metric, node and
    // landmark the distances to and from it, laid out [metric][node][landmark][to, from] so that one
    // node's bounds share a cache line; kNoDistance where one cannot reach the other.
    std::span<const std::uint32_t> landmark_nodes;  // k
    std::span<const std::uint32_t> landmark_dist;   // 2 * n * k * 2
    // A contraction hierarchy of the open network (route/ch.h), optional: its metric (one value),
    // each node's rank, and the upward graph by rank (CSR over ch_up).
    std::span<const std::uint32_t> ch_metric;  // 0 or 1 element: Metric
    std::span<const std::uint32_t> ch_rank;    // n
    std::span<const std::uint32_t> ch_first;   // n + 1
    std::span<const ChEntry> ch_up;
  };

  // Takes ownership of `storage` (an owned buffer or a mapping) that the arrays point into.
  Graph(Arrays arrays, std::shared_ptr<const void> storage);

  [[nodiscard]] std::uint32_t node_count() const {
    return static_cast<std::uint32_t>(a_.node_coord.size());
  }
  [[nodiscard]] std::uint32_t edge_count() const { return static_cast<std::uint32_t>(a_.arcs.size()); }
  [[nodiscard]] std::uint32_t segment_count() const {
    return static_cast<std::uint32_t>(a_.segments.size());
  }

  [[nodiscard]] LatLon coord(NodeId n) const { return a_.node_coord[n.value].to_double(); }
  [[nodiscard]] std::int64_t osm_id(NodeId n) const {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(static_cast<std::int64_t>(a_.node_osm_id_high[n.value])) << 32 |
                                     a_.node_osm_id_low[n.value]);
  }
  [[nodiscard]] Barrier barrier(NodeId n) const {
    return static_cast<Barrier>(a_.node_barrier[n.value]);
  }

  // Forward CSR: edges out of n are [first_out(n), first_out(n + 1)).
  [[nodiscard]] std::uint32_t first_out(std::uint32_t n) const { return a_.first_out[n]; }
  [[nodiscard]] NodeId head(EdgeId e) const { return NodeId(a_.arcs[e.value].head); }
  [[nodiscard]] NodeId tail(EdgeId e) const;  // O(log n)
  [[nodiscard]] std::uint32_t weight(EdgeId e, Metric m) const {
    return a_.arcs[e.value].weight[static_cast<int>(m)];
  }
  [[nodiscard]] std::uint32_t length_cm(EdgeId e) const { return weight(e, Metric::kDistance); }
  [[nodiscard]] std::uint32_t time_ms(EdgeId e) const { return weight(e, Metric::kTime); }
  [[nodiscard]] SegmentId segment_of(EdgeId e) const {
    return SegmentId(a_.edge_segment[e.value] & ~kEdgeReversed);
  }
  [[nodiscard]] bool reversed(EdgeId e) const { return (a_.edge_segment[e.value] & kEdgeReversed) != 0; }

  // Backward CSR: edges into n are in_edge[first_in(n) .. first_in(n + 1)). Built from the forward
  // one on first use (one pass, O(m)), then shared by every copy of this graph; thread-safe.
  struct Backward {
    std::vector<std::uint32_t> first_in;  // n + 1
    std::vector<InArc> in_arcs;           // m
  };
  [[nodiscard]] const Backward& backward() const;
  [[nodiscard]] std::uint32_t first_in(std::uint32_t n) const { return backward().first_in[n]; }
  [[nodiscard]] NodeId in_tail(std::uint32_t i) const { return NodeId(backward().in_arcs[i].tail); }
  [[nodiscard]] EdgeId in_edge(std::uint32_t i) const { return EdgeId(backward().in_arcs[i].edge); }

  [[nodiscard]] const Segment& segment(SegmentId s) const { return a_.segments[s.value]; }
  // The edge that runs along segment s in the given direction, if traffic may use it.
  [[nodiscard]] std::optional<EdgeId> segment_edge(SegmentId s, bool reversed) const;
  // A segment's geometry: point 0 is its from node, the last its to node.
  [[nodiscard]] std::uint32_t point_count(SegmentId s) const {
    return a_.segment_first_interior[s.value + 1] - a_.segment_first_interior[s.value] + 2;
  }
  [[nodiscard]] FixedLatLon point(SegmentId s, std::uint32_t k) const {
    const std::uint32_t interior = a_.segment_first_interior[s.value + 1] - a_.segment_first_interior[s.value];
    if (k == 0) return a_.node_coord[a_.segments[s.value].from];
    if (k > interior) return a_.node_coord[a_.segments[s.value].to];
    return a_.interior_coord[a_.segment_first_interior[s.value] + k - 1];
  }
  [[nodiscard]] std::vector<FixedLatLon> shape(SegmentId s) const;
  [[nodiscard]] std::vector<std::int64_t> shape_osm_ids(SegmentId s) const;
  [[nodiscard]] std::string_view string(std::uint32_t index) const;
  [[nodiscard]] std::string_view name(SegmentId s) const { return string(segment(s).name); }
  [[nodiscard]] std::string_view ref(SegmentId s) const { return string(segment(s).ref); }
  [[nodiscard]] std::string_view key(SegmentId s) const { return string(segment(s).key); }
  // "name (ref)", or whichever exists, or "" for an unnamed road.
  [[nodiscard]] std::string label(SegmentId s) const;

  [[nodiscard]] const Arrays& arrays() const { return a_; }
  [[nodiscard]] std::string_view source() const {
    return {a_.source.data(), a_.source.size()};
  }
  [[nodiscard]] core::BBox bbox() const;
  [[nodiscard]] std::uint32_t landmark_count() const {
    return static_cast<std::uint32_t>(a_.landmark_nodes.size());
  }
  // The same graph with other landmark arrays, which `storage` keeps alive.
  [[nodiscard]] Graph with_landmarks(std::span<const std::uint32_t> nodes,
                                     std::span<const std::uint32_t> dist,
                                     std::shared_ptr<const void> storage) const;

  // Whether a contraction hierarchy is stored with the graph, and for which metric.
  [[nodiscard]] std::optional<Metric> hierarchy_metric() const {
    if (a_.ch_metric.empty()) return std::nullopt;
    return static_cast<Metric>(a_.ch_metric[0]);
  }
  // The same graph with other hierarchy arrays (empty spans: none), which `storage` keeps alive.
  [[nodiscard]] Graph with_hierarchy(std::span<const std::uint32_t> metric, std::span<const std::uint32_t> rank,
                                     std::span<const std::uint32_t> first, std::span<const ChEntry> up,
                                     std::shared_ptr<const void> storage) const;

  // Checks every index, offset and count (that no index stored in the graph leads out of the array
  // it indexes, that every walk ends); called on every graph before it is handed out. In one
  // sequential pass over the arrays that hold indexes.
  [[nodiscard]] static core::Result<void> validate(const Arrays& a);
  // Checks what validate() does not need for safety: that the edges, the backward CSR and the
  // hierarchy agree with the segments, that coordinates are on the globe, that ranks are a
  // permutation. `corridor verify-graph` runs it; a graph that fails it gives wrong answers, not
  // crashes.
  [[nodiscard]] static core::Result<void> check_consistency(const Arrays& a);

  // Segments by OSM way id (those without a string key), by string key, by name and by each of
  // their refs (names and refs as closures compare them: fold_case, refs split at ';' and
  // trimmed), sorted, for closures: built on first use (one pass), then shared by every copy of
  // this graph; thread-safe.
  struct WayIndex {
    std::vector<std::pair<std::int64_t, std::uint32_t>> by_way;
    std::vector<std::pair<std::string_view, std::uint32_t>> by_key;
    std::vector<std::pair<std::string, std::uint32_t>> by_name, by_ref;
  };
  [[nodiscard]] const WayIndex& way_index() const;
  // Whether way_index() has been built (a one-off command scans instead of building it).
  [[nodiscard]] bool has_way_index() const { return lazy_->built.load(std::memory_order_acquire); }

 private:
  // These arrays (this graph's, some replaced), kept alive by this graph's storage and `storage`.
  [[nodiscard]] Graph with_added(Arrays a, std::shared_ptr<const void> storage) const;
  Arrays a_;
  std::shared_ptr<const void> storage_;
  struct Lazy {
    std::once_flag once, backward_once;
    std::atomic<bool> built{false};
    WayIndex ways;
    Backward backward;
  };
  std::shared_ptr<Lazy> lazy_ = std::make_shared<Lazy>();
};

// Names and refs as closures compare them: ASCII letters folded to lower case.
[[nodiscard]] std::string fold_case(std::string_view s);
// Without leading and trailing white space.
[[nodiscard]] std::string_view trim(std::string_view s);
// The refs of a road ("M1; E60"), each trimmed and case-folded.
[[nodiscard]] std::vector<std::string> ref_parts(std::string_view refs);

// Weakly connected components (edges treated as undirected): count and size of the largest.
struct ComponentSummary {
  std::uint32_t count = 0;
  std::uint32_t largest = 0;
};
[[nodiscard]] ComponentSummary connected_components(const Graph& g);

}  // namespace corridor::net
