#include "net/graph.h"

#include <algorithm>
#include <cctype>
#include <array>
#include <cmath>
#include <numeric>
#include <vector>

namespace corridor::net {

using core::ErrorCode;
using core::fail;

namespace {
constexpr std::array<std::string_view, kRoadClassCount> kClassNames{
    "motorway",  "motorway_link",  "trunk",        "trunk_link",    "primary",   "primary_link",
    "secondary", "secondary_link", "tertiary",     "tertiary_link", "unclassified", "residential",
    "living_street", "service",    "track",        "ferry"};
constexpr std::array<std::string_view, 6> kBarrierNames{"none",      "border_control", "gate",
                                                        "lift_gate", "toll_booth",     "other"};
}  // namespace

std::string_view road_class_name(RoadClass c) { return kClassNames.at(static_cast<std::size_t>(c)); }

std::optional<RoadClass> road_class_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kClassNames.size(); ++i) {
    if (kClassNames[i] == name) return static_cast<RoadClass>(i);
  }
  return std::nullopt;
}

std::string_view barrier_name(Barrier b) { return kBarrierNames.at(static_cast<std::size_t>(b)); }

Graph::Graph(Arrays arrays, std::shared_ptr<const void> storage)
    : a_(arrays), storage_(std::move(storage)) {}

NodeId Graph::tail(EdgeId e) const {
  const auto it = std::upper_bound(a_.first_out.begin(), a_.first_out.end(), e.value);
  return NodeId(static_cast<std::uint32_t>(it - a_.first_out.begin() - 1));
}

std::optional<EdgeId> Graph::segment_edge(SegmentId s, bool reversed) const {
  const Segment& seg = segment(s);
  const std::uint32_t from = reversed ? seg.to : seg.from;
  const std::uint32_t want = s.value | (reversed ? kEdgeReversed : 0);
  for (std::uint32_t e = a_.first_out[from]; e < a_.first_out[from + 1]; ++e) {
    if (a_.edge_segment[e] == want) return EdgeId(e);
  }
  return std::nullopt;
}

std::vector<FixedLatLon> Graph::shape(SegmentId s) const {
  std::vector<FixedLatLon> out;
  const std::uint32_t count = point_count(s);
  out.reserve(count);
  for (std::uint32_t k = 0; k < count; ++k) out.push_back(point(s, k));
  return out;
}

std::vector<std::int64_t> Graph::shape_osm_ids(SegmentId s) const {
  const Segment& seg = a_.segments[s.value];
  std::vector<std::int64_t> out{osm_id(NodeId(seg.from))};
  const std::uint32_t b = a_.segment_first_interior[s.value], e = a_.segment_first_interior[s.value + 1];
  out.insert(out.end(), a_.interior_osm_id.begin() + b, a_.interior_osm_id.begin() + e);
  out.push_back(osm_id(NodeId(seg.to)));
  return out;
}

const Graph::Backward& Graph::backward() const {
  std::call_once(lazy_->backward_once, [this] {
    Backward& b = lazy_->backward;
    const std::uint32_t n = node_count(), m = edge_count();
    b.first_in.assign(std::size_t{n} + 1, 0);
    for (const Arc& arc : a_.arcs) ++b.first_in[arc.head + 1];
    for (std::uint32_t v = 0; v < n; ++v) b.first_in[v + 1] += b.first_in[v];
    b.in_arcs.resize(m);
    std::vector<std::uint32_t> fill(b.first_in.begin(), b.first_in.end() - 1);
    for (std::uint32_t u = 0; u < n; ++u) {
      for (std::uint32_t e = a_.first_out[u]; e < a_.first_out[u + 1]; ++e) {
        const Arc& arc = a_.arcs[e];
        b.in_arcs[fill[arc.head]++] = InArc{u, {arc.weight[0], arc.weight[1]}, e};
      }
    }
  });
  return lazy_->backward;
}

std::string_view Graph::string(std::uint32_t index) const {
  const std::uint32_t b = a_.string_offsets[index], e = a_.string_offsets[index + 1];
  return {a_.string_chars.data() + b, e - b};
}

std::string Graph::label(SegmentId s) const {
  const std::string_view n = name(s), r = ref(s);
  if (!n.empty() && !r.empty()) return std::string(n) + " (" + std::string(r) + ")";
  if (!n.empty()) return std::string(n);
  return std::string(r);
}

Graph Graph::with_added(Arrays a, std::shared_ptr<const void> storage) const {
  struct Both {
    std::shared_ptr<const void> graph, added;
  };
  return Graph(a, std::make_shared<Both>(Both{storage_, std::move(storage)}));
}

Graph Graph::with_landmarks(std::span<const std::uint32_t> nodes, std::span<const std::uint32_t> dist,
                            std::shared_ptr<const void> storage) const {
  Arrays a = a_;
  a.landmark_nodes = nodes;
  a.landmark_dist = dist;
  return with_added(a, std::move(storage));
}

Graph Graph::with_hierarchy(std::span<const std::uint32_t> metric, std::span<const std::uint32_t> rank,
                            std::span<const std::uint32_t> first, std::span<const ChEntry> up,
                            std::shared_ptr<const void> storage) const {
  Arrays a = a_;
  a.ch_metric = metric;
  a.ch_rank = rank;
  a.ch_first = first;
  a.ch_up = up;
  return with_added(a, std::move(storage));
}

core::BBox Graph::bbox() const {
  core::BBox b;
  for (const auto& p : a_.node_coord) b.extend(p.to_double());
  for (const auto& p : a_.interior_coord) b.extend(p.to_double());
  return b;
}

namespace {
core::Result<void> check_offsets(std::span<const std::uint32_t> offsets, std::size_t expected_size,
                                 std::size_t total, const char* what) {
  if (offsets.size() != expected_size) {
    return fail(ErrorCode::kCorrupt, std::string(what) + ": has " + std::to_string(offsets.size()) +
                                         " entries, expected " + std::to_string(expected_size));
  }
  if (offsets.front() != 0 || offsets.back() != total) {
    return fail(ErrorCode::kCorrupt, std::string(what) + ": does not span its array");
  }
  if (!std::is_sorted(offsets.begin(), offsets.end())) {
    return fail(ErrorCode::kCorrupt, std::string(what) + ": offsets are not ascending");
  }
  return {};
}

bool valid_fixed(FixedLatLon p) {
  return p.lat >= -900'000'000 && p.lat <= 900'000'000 && p.lon >= -1'800'000'000 &&
         p.lon <= 1'800'000'000;
}
}  // namespace

namespace {

// Every index of the hierarchy in bounds, every entry pointing to a higher rank (so every upward
// walk ends) and every shortcut's middle node lower than its lower end (so every unpacking ends).
core::Result<void> validate_hierarchy(const Graph::Arrays& a) {
  auto corrupt = [](const std::string& what) { return fail(ErrorCode::kCorrupt, "hierarchy: " + what); };
  const std::size_t n = a.node_coord.size();
  if (a.ch_metric.empty()) {
    if (!a.ch_rank.empty() || !a.ch_first.empty() || !a.ch_up.empty()) return corrupt("arrays without a metric");
    return {};
  }
  if (a.ch_metric.size() != 1 || a.ch_metric[0] > 1) return corrupt("unknown metric");
  if (a.ch_rank.size() != n) return corrupt("rank array has the wrong size");
  if (a.ch_up.size() >= ch_flags::kShortcut) return corrupt("too many entries");
  CORRIDOR_CHECK(check_offsets(a.ch_first, n + 1, a.ch_up.size(), "hierarchy"));
  for (const std::uint32_t r : a.ch_rank) {
    if (r >= n) return corrupt("rank out of range");
  }
  const std::size_t m = a.arcs.size();
  for (std::uint32_t r = 0; r < n; ++r) {
    for (std::uint32_t i = a.ch_first[r]; i < a.ch_first[r + 1]; ++i) {
      const ChEntry& c = a.ch_up[i];
      const std::uint32_t id = c.via & ch_flags::kIdMask;
      const bool shortcut = (c.via & ch_flags::kShortcut) != 0;
      if (c.other <= r || c.other >= n || (c.via & (ch_flags::kUp | ch_flags::kDown)) == 0 ||
          (shortcut ? id >= r : id >= m)) {
        return corrupt("entry " + std::to_string(i) + " is malformed");
      }
    }
  }
  return {};
}

// What agrees with what (beyond bounds) in the hierarchy: ranks a permutation, every original entry
// an edge between the nodes it joins, at that edge's weight, both ways only on a two-way segment.
core::Result<void> hierarchy_consistent(const Graph::Arrays& a) {
  auto corrupt = [](const std::string& what) { return fail(ErrorCode::kCorrupt, "hierarchy: " + what); };
  if (a.ch_metric.empty()) return {};
  const std::size_t n = a.node_coord.size();
  std::vector<std::uint32_t> node_of(n, UINT32_MAX);
  for (std::size_t v = 0; v < n; ++v) {
    const std::uint32_t r = a.ch_rank[v];
    if (node_of[r] != UINT32_MAX) return corrupt("ranks are not a permutation");
    node_of[r] = static_cast<std::uint32_t>(v);
  }
  const int metric = static_cast<int>(a.ch_metric[0]);
  auto tail_of = [&](std::uint32_t e) {
    const Segment& seg = a.segments[a.edge_segment[e] & ~kEdgeReversed];
    return (a.edge_segment[e] & kEdgeReversed) != 0 ? seg.to : seg.from;
  };
  for (std::uint32_t r = 0; r < n; ++r) {
    for (std::uint32_t i = a.ch_first[r]; i < a.ch_first[r + 1]; ++i) {
      const ChEntry& c = a.ch_up[i];
      if ((c.via & ch_flags::kShortcut) != 0) continue;
      const std::uint32_t id = c.via & ch_flags::kIdMask;
      const bool up = (c.via & ch_flags::kUp) != 0;
      const std::uint32_t from = up ? node_of[r] : node_of[c.other], to = up ? node_of[c.other] : node_of[r];
      if (tail_of(id) != from || a.arcs[id].head != to || a.arcs[id].weight[metric] != c.weight) {
        return corrupt("entry " + std::to_string(i) + ": does not match its edge");
      }
      if ((c.via & ch_flags::kDown) != 0 && up) {
        const Segment& seg = a.segments[a.edge_segment[id] & ~kEdgeReversed];
        constexpr std::uint8_t both = segment_flags::kForward | segment_flags::kBackward;
        if ((seg.flags & both) != both || seg.from == seg.to) {
          return corrupt("entry " + std::to_string(i) + ": a one-way edge marked both ways");
        }
      }
    }
  }
  return {};
}

}  // namespace

core::Result<void> Graph::validate(const Arrays& a) {
  auto corrupt = [](const std::string& what) { return fail(ErrorCode::kCorrupt, what); };
  const std::size_t n = a.node_coord.size();
  const std::size_t m = a.arcs.size();
  const std::size_t s = a.segments.size();
  const std::size_t p = a.interior_coord.size();
  if (n >= kEdgeReversed || m >= kEdgeReversed || s >= kEdgeReversed || p >= kEdgeReversed) {
    return corrupt("graph: more than 2^31 elements in one array");
  }
  if (a.node_osm_id_low.size() != n || a.node_osm_id_high.size() != n || a.node_barrier.size() != n) {
    return corrupt("nodes: arrays differ in length");
  }
  for (std::uint8_t b : a.node_barrier) {
    if (b >= kBarrierNames.size()) return corrupt("nodes: unknown barrier kind");
  }
  if (a.string_offsets.empty()) return corrupt("strings: no offsets");
  CORRIDOR_CHECK(check_offsets(a.string_offsets, a.string_offsets.size(), a.string_chars.size(),
                               "strings"));
  const std::size_t k = a.string_offsets.size() - 1;

  CORRIDOR_CHECK(check_offsets(a.segment_first_interior, s + 1, p, "segment shapes"));
  if (a.interior_osm_id.size() != p) return corrupt("shape: arrays differ in length");
  for (std::size_t i = 0; i < s; ++i) {
    const Segment& seg = a.segments[i];
    if (seg.from >= n || seg.to >= n) return corrupt("segment " + std::to_string(i) + ": bad node");
    if (seg.name >= k || seg.ref >= k || seg.key >= k) {
      return corrupt("segment " + std::to_string(i) + ": bad string index");
    }
    if (seg.road_class >= kRoadClassCount) {
      return corrupt("segment " + std::to_string(i) + ": unknown road class");
    }
  }

  CORRIDOR_CHECK(check_offsets(a.first_out, n + 1, m, "first_out"));
  if (a.edge_segment.size() != m) return corrupt("edges: arrays differ in length");
  // Heads and segments in range: a maximum over each array, which the compiler vectorises.
  std::uint32_t max_head = 0, max_segment = 0;
  for (const Arc& arc : a.arcs) max_head = std::max(max_head, arc.head);
  for (const std::uint32_t es : a.edge_segment) max_segment = std::max(max_segment, es & ~kEdgeReversed);
  if (m > 0 && (max_head >= n || max_segment >= s)) return corrupt("edges: node or segment out of range");

  for (std::uint32_t l : a.landmark_nodes) {
    if (l >= n) return corrupt("landmarks: node out of range");
  }
  if (a.landmark_dist.size() != 4 * n * a.landmark_nodes.size()) {
    return corrupt("landmarks: distance table has the wrong size");
  }

  CORRIDOR_CHECK(validate_hierarchy(a));

  if (a.grid_meta.size() != 6) return corrupt("grid: bad header");
  const double rows = a.grid_meta[4], cols = a.grid_meta[5];
  if (!(rows >= 1 && cols >= 1 && rows * cols < 1e9 && std::floor(rows) == rows &&
        std::floor(cols) == cols && a.grid_meta[2] > 0 && a.grid_meta[3] > 0 &&
        std::isfinite(a.grid_meta[0]) && std::isfinite(a.grid_meta[1]) &&
        std::isfinite(a.grid_meta[2]) && std::isfinite(a.grid_meta[3]))) {
    return corrupt("grid: bad dimensions");
  }
  CORRIDOR_CHECK(check_offsets(a.grid_first, static_cast<std::size_t>(rows * cols) + 1,
                               a.grid_items.size(), "grid cells"));
  std::uint32_t max_item = 0;
  for (const std::uint32_t item : a.grid_items) max_item = std::max(max_item, item);
  if (!a.grid_items.empty() && max_item >= s) return corrupt("grid: segment out of range");
  return {};
}

GridGeometry::GridGeometry(std::span<const double> meta)
    : south(meta[0]), west(meta[1]), cell_lat(meta[2]), cell_lon(meta[3]),
      rows(static_cast<std::uint32_t>(meta[4])), cols(static_cast<std::uint32_t>(meta[5])) {}

std::uint32_t GridGeometry::clamp_cell(double v, std::uint32_t n) {
  const double f = std::floor(v);
  if (!(f > 0)) return 0;  // below the grid, or NaN
  if (f >= static_cast<double>(n - 1)) return n - 1;
  return static_cast<std::uint32_t>(f);
}

core::Result<void> Graph::check_consistency(const Arrays& a) {
  auto corrupt = [](const std::string& what) { return fail(ErrorCode::kCorrupt, what); };
  for (const auto& c : a.node_coord) {
    if (!valid_fixed(c)) return corrupt("nodes: coordinate out of range");
  }
  for (const auto& c : a.interior_coord) {
    if (!valid_fixed(c)) return corrupt("shape: coordinate out of range");
  }
  const std::size_t n = a.node_coord.size();
  for (std::size_t u = 0; u < n; ++u) {
    for (std::uint32_t e = a.first_out[u]; e < a.first_out[u + 1]; ++e) {
      const Segment& seg = a.segments[a.edge_segment[e] & ~kEdgeReversed];
      const bool rev = (a.edge_segment[e] & kEdgeReversed) != 0;
      if ((rev ? seg.to : seg.from) != u || (rev ? seg.from : seg.to) != a.arcs[e].head ||
          a.arcs[e].weight[0] != seg.duration_ms || a.arcs[e].weight[1] != seg.length_cm) {
        return corrupt("edge " + std::to_string(e) + ": does not match its segment");
      }
    }
  }
  return hierarchy_consistent(a);
}

std::string fold_case(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string> ref_parts(std::string_view refs) {
  std::vector<std::string> out;
  while (!refs.empty()) {
    const auto semi = refs.find(';');
    out.push_back(fold_case(trim(refs.substr(0, semi))));
    if (semi == std::string_view::npos) break;
    refs.remove_prefix(semi + 1);
  }
  return out;
}

const Graph::WayIndex& Graph::way_index() const {
  std::call_once(lazy_->once, [this] {
    WayIndex& w = lazy_->ways;
    for (std::uint32_t s = 0; s < segment_count(); ++s) {
      const std::string_view k = key(SegmentId(s));
      if (k.empty()) {
        w.by_way.emplace_back(a_.segments[s].way_id, s);
      } else {
        w.by_key.emplace_back(k, s);
      }
      if (const std::string_view nm = name(SegmentId(s)); !nm.empty()) w.by_name.emplace_back(fold_case(nm), s);
      if (const std::string_view rf = ref(SegmentId(s)); !rf.empty()) {
        for (auto& part : ref_parts(rf)) w.by_ref.emplace_back(std::move(part), s);
      }
    }
    std::sort(w.by_name.begin(), w.by_name.end());
    std::sort(w.by_ref.begin(), w.by_ref.end());
    w.by_ref.erase(std::unique(w.by_ref.begin(), w.by_ref.end()), w.by_ref.end());
    // Segments are built way by way in file order, so an OpenStreetMap graph's list is usually
    // sorted already: check before sorting.
    if (!std::is_sorted(w.by_way.begin(), w.by_way.end())) std::sort(w.by_way.begin(), w.by_way.end());
    if (!std::is_sorted(w.by_key.begin(), w.by_key.end())) std::sort(w.by_key.begin(), w.by_key.end());
    lazy_->built.store(true, std::memory_order_release);
  });
  return lazy_->ways;
}

ComponentSummary connected_components(const Graph& g) {
  // Union-find over the segments (every segment, usable in either direction or not, joins its ends).
  const std::uint32_t n = g.node_count();
  std::vector<std::uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](std::uint32_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
    const Segment& seg = g.segment(SegmentId(s));
    const std::uint32_t a = find(seg.from), b = find(seg.to);
    if (a != b) parent[a] = b;
  }
  std::vector<std::uint32_t> size(n, 0);
  ComponentSummary out;
  for (std::uint32_t v = 0; v < n; ++v) {
    const std::uint32_t r = find(v);
    if (size[r]++ == 0) ++out.count;
    out.largest = std::max(out.largest, size[r]);
  }
  return out;
}

}  // namespace corridor::net
