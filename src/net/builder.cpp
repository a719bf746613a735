#include "net/builder.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "net/graph_file.h"

namespace corridor::net {

using core::ErrorCode;
using core::fail;
using core::LocalFrame;

void GraphBuilder::add_barrier(std::int64_t key, Barrier b) { barriers_.emplace_back(key, b); }

void GraphBuilder::add_way(WayInput way) {
  // Repeated consecutive nodes carry no geometry and would make zero-length pieces.
  auto& nodes = way.nodes;
  nodes.erase(std::unique(nodes.begin(), nodes.end(),
                          [](const WayNode& a, const WayNode& b) { return a.key == b.key; }),
              nodes.end());
  if (nodes.size() < 2) return;
  ways_.push_back(std::move(way));
}

namespace {

class StringTable {
 public:
  StringTable() { intern(""); }
  std::uint32_t intern(const std::string& s) {
    auto [it, inserted] = index_.try_emplace(s, static_cast<std::uint32_t>(offsets_.size() - 1));
    if (inserted) {
      chars_.insert(chars_.end(), s.begin(), s.end());
      offsets_.push_back(static_cast<std::uint32_t>(chars_.size()));
    }
    return it->second;
  }
  std::vector<std::uint32_t> offsets_{0};
  std::vector<char> chars_;

 private:
  std::unordered_map<std::string, std::uint32_t> index_;
};

struct Built {
  std::vector<FixedLatLon> node_coord;
  std::vector<std::int64_t> node_osm_id;
  std::vector<std::uint8_t> node_barrier;
  std::vector<std::uint32_t> first_out, head, edge_segment, edge_time_ms, edge_length_cm;
  std::vector<std::uint32_t> first_in, in_tail, in_edge;
  std::vector<Segment> segments;
  std::vector<std::uint32_t> segment_first_point{0};
  std::vector<FixedLatLon> shape_coord;
  std::vector<std::int64_t> shape_osm_id;
  StringTable strings;
  std::vector<double> grid_meta;
  std::vector<std::uint32_t> grid_first, grid_items;
  std::string source;

  Graph::Arrays arrays() const {
    Graph::Arrays a;
    a.node_coord = node_coord;
    a.node_osm_id = node_osm_id;
    a.node_barrier = node_barrier;
    a.first_out = first_out;
    a.head = head;
    a.edge_segment = edge_segment;
    a.edge_time_ms = edge_time_ms;
    a.edge_length_cm = edge_length_cm;
    a.first_in = first_in;
    a.in_tail = in_tail;
    a.in_edge = in_edge;
    a.segments = segments;
    a.segment_first_point = segment_first_point;
    a.shape_coord = shape_coord;
    a.shape_osm_id = shape_osm_id;
    a.string_offsets = strings.offsets_;
    a.string_chars = strings.chars_;
    a.grid_meta = grid_meta;
    a.grid_first = grid_first;
    a.grid_items = grid_items;
    a.source = source;
    return a;
  }
};

double polyline_length_m(std::span<const FixedLatLon> pts) {
  double len = 0;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    len += core::haversine_m(pts[i - 1].to_double(), pts[i].to_double());
  }
  return len;
}

void build_grid(Built& b) {
  core::BBox box;
  for (const auto& p : b.shape_coord) box.extend(p.to_double());
  const std::size_t pieces = b.shape_coord.size() - b.segments.size();
  const LocalFrame frame((box.south + box.north) / 2);
  const double max_abs_lat = std::max(std::abs(box.south), std::abs(box.north));
  const double min_m_per_deg_lon = LocalFrame(std::min(max_abs_lat, 89.0)).m_per_deg_lon;
  const double height_m = std::max((box.north - box.south) * frame.m_per_deg_lat, 1.0);
  const double width_m = std::max((box.east - box.west) * frame.m_per_deg_lon, 1.0);
  // About four pieces a cell, never cells under 25 m, never more than 2^24 cells.
  const double target_cells = std::clamp(static_cast<double>(pieces) / 4.0, 1.0, 16777216.0);
  const double cell_m = std::max(std::sqrt(width_m * height_m / target_cells), 25.0);
  const double cell_lat = cell_m / frame.m_per_deg_lat;
  const double cell_lon = cell_m / min_m_per_deg_lon;
  const auto rows = static_cast<std::uint32_t>((box.north - box.south) / cell_lat) + 1;
  const auto cols = static_cast<std::uint32_t>((box.east - box.west) / cell_lon) + 1;
  b.grid_meta = {box.south, box.west, cell_lat, cell_lon, static_cast<double>(rows),
                 static_cast<double>(cols)};
  auto cell_range = [&](std::uint32_t point, std::uint32_t& r0, std::uint32_t& r1, std::uint32_t& c0,
                        std::uint32_t& c1) {
    const LatLon a = b.shape_coord[point].to_double(), c = b.shape_coord[point + 1].to_double();
    auto row = [&](double lat) {
      return std::min(rows - 1, static_cast<std::uint32_t>(std::max(0.0, (lat - box.south) / cell_lat)));
    };
    auto col = [&](double lon) {
      return std::min(cols - 1, static_cast<std::uint32_t>(std::max(0.0, (lon - box.west) / cell_lon)));
    };
    r0 = row(std::min(a.lat, c.lat));
    r1 = row(std::max(a.lat, c.lat));
    c0 = col(std::min(a.lon, c.lon));
    c1 = col(std::max(a.lon, c.lon));
  };
  b.grid_first.assign(static_cast<std::size_t>(rows) * cols + 1, 0);
  auto for_each_piece_cell = [&](auto&& f) {
    for (std::size_t s = 0; s < b.segments.size(); ++s) {
      for (std::uint32_t p = b.segment_first_point[s]; p + 1 < b.segment_first_point[s + 1]; ++p) {
        std::uint32_t r0 = 0, r1 = 0, c0 = 0, c1 = 0;
        cell_range(p, r0, r1, c0, c1);
        for (std::uint32_t r = r0; r <= r1; ++r) {
          for (std::uint32_t c = c0; c <= c1; ++c) f(static_cast<std::size_t>(r) * cols + c, p);
        }
      }
    }
  };
  for_each_piece_cell([&](std::size_t cell, std::uint32_t) { ++b.grid_first[cell + 1]; });
  for (std::size_t i = 1; i < b.grid_first.size(); ++i) b.grid_first[i] += b.grid_first[i - 1];
  b.grid_items.resize(b.grid_first.back());
  std::vector<std::uint32_t> fill(b.grid_first.begin(), b.grid_first.end() - 1);
  for_each_piece_cell([&](std::size_t cell, std::uint32_t p) { b.grid_items[fill[cell]++] = p; });
}

// Counting sort of edges by a key node into CSR offsets.
std::vector<std::uint32_t> csr_offsets(const std::vector<std::uint32_t>& keys, std::size_t n) {
  std::vector<std::uint32_t> first(n + 1, 0);
  for (std::uint32_t k : keys) ++first[k + 1];
  for (std::size_t i = 1; i <= n; ++i) first[i] += first[i - 1];
  return first;
}

}  // namespace

core::Result<Graph> GraphBuilder::build(const std::string& source) && {
  if (ways_.empty()) return fail(ErrorCode::kEmpty, source + ": no routable roads found");

  // Junctions: nodes used more than once (by two ways, or twice by one), way ends and barriers.
  std::vector<std::int64_t> keys;
  for (const auto& w : ways_) {
    for (const auto& n : w.nodes) keys.push_back(n.key);
    keys.push_back(w.nodes.front().key);  // a way end counts twice, so it is always a junction
    keys.push_back(w.nodes.back().key);
  }
  std::sort(barriers_.begin(), barriers_.end());
  for (const auto& [key, kind] : barriers_) {
    keys.push_back(key);  // a barrier on a way is used once by it and once here
    (void)kind;
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::int64_t> junction_keys;
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    if (j - i >= 2) junction_keys.push_back(keys[i]);
    i = j;
  }
  keys.clear();
  keys.shrink_to_fit();

  Built b;
  b.source = source;
  std::vector<std::uint32_t> junction_node(junction_keys.size(), kEdgeReversed);  // not yet placed
  auto node_for = [&](const WayNode& wn) -> std::uint32_t {
    const auto it = std::lower_bound(junction_keys.begin(), junction_keys.end(), wn.key);
    if (it == junction_keys.end() || *it != wn.key) return kEdgeReversed;
    std::uint32_t& id = junction_node[static_cast<std::size_t>(it - junction_keys.begin())];
    if (id == kEdgeReversed) {
      id = static_cast<std::uint32_t>(b.node_coord.size());
      b.node_coord.push_back(wn.coord);
      b.node_osm_id.push_back(wn.osm_id);
      const auto bit = std::lower_bound(barriers_.begin(), barriers_.end(),
                                        std::pair<std::int64_t, Barrier>{wn.key, Barrier::kNone});
      b.node_barrier.push_back(static_cast<std::uint8_t>(
          bit != barriers_.end() && bit->first == wn.key ? bit->second : Barrier::kNone));
    }
    return id;
  };
  auto new_node = [&](const WayNode& wn) {
    b.node_coord.push_back(wn.coord);
    b.node_osm_id.push_back(wn.osm_id);
    b.node_barrier.push_back(static_cast<std::uint8_t>(Barrier::kNone));
    return static_cast<std::uint32_t>(b.node_coord.size() - 1);
  };

  auto emit_segment = [&](const WayInput& w, std::span<const WayNode> pts, std::uint32_t from,
                          std::uint32_t to, std::uint32_t name, std::uint32_t ref, std::uint32_t key) {
    Segment seg{};
    seg.way_id = w.way_id;
    seg.from = from;
    seg.to = to;
    seg.name = name;
    seg.ref = ref;
    seg.key = key;
    seg.road_class = static_cast<std::uint8_t>(w.road_class);
    seg.flags = w.flags;
    if (w.oneway != Oneway::kBackward) seg.flags |= segment_flags::kForward;
    if (w.oneway != Oneway::kForward) seg.flags |= segment_flags::kBackward;
    for (const auto& p : pts) {
      b.shape_coord.push_back(p.coord);
      b.shape_osm_id.push_back(p.osm_id);
    }
    const double len_m =
        polyline_length_m(std::span(b.shape_coord).subspan(b.segment_first_point.back()));
    b.segment_first_point.push_back(static_cast<std::uint32_t>(b.shape_coord.size()));
    seg.length_cm = static_cast<std::uint32_t>(std::llround(len_m * 100));
    const double speed_ms = std::max(w.speed_kmh, 1.0) / 3.6;
    seg.duration_ms = static_cast<std::uint32_t>(std::llround(len_m / speed_ms * 1000));
    b.segments.push_back(seg);
  };

  for (const auto& w : ways_) {
    const std::uint32_t name = b.strings.intern(w.name);
    const std::uint32_t ref = b.strings.intern(w.ref);
    const std::uint32_t key = b.strings.intern(w.key);
    const std::span<const WayNode> nodes(w.nodes);
    std::size_t start = 0;
    std::uint32_t start_node = node_for(nodes[0]);
    for (std::size_t i = 1; i < nodes.size(); ++i) {
      const std::uint32_t here = node_for(nodes[i]);
      if (here == kEdgeReversed) continue;
      const auto piece = nodes.subspan(start, i - start + 1);
      if (here == start_node) {
        // A loop back to its own start: its middle point becomes a node so that the loop is two
        // ordinary segments (every loop has at least three points after de-duplication).
        const std::size_t mid = piece.size() / 2;
        const std::uint32_t mid_node = new_node(piece[mid]);
        emit_segment(w, piece.subspan(0, mid + 1), start_node, mid_node, name, ref, key);
        emit_segment(w, piece.subspan(mid), mid_node, here, name, ref, key);
      } else {
        emit_segment(w, piece, start_node, here, name, ref, key);
      }
      start = i;
      start_node = here;
    }
  }
  ways_.clear();
  ways_.shrink_to_fit();

  // Edges, then the two CSR orders.
  const std::size_t n = b.node_coord.size();
  std::vector<std::uint32_t> tails, heads, segs;
  for (std::uint32_t s = 0; s < b.segments.size(); ++s) {
    const Segment& seg = b.segments[s];
    if ((seg.flags & segment_flags::kForward) != 0) {
      tails.push_back(seg.from);
      heads.push_back(seg.to);
      segs.push_back(s);
    }
    if ((seg.flags & segment_flags::kBackward) != 0) {
      tails.push_back(seg.to);
      heads.push_back(seg.from);
      segs.push_back(s | kEdgeReversed);
    }
  }
  const std::size_t m = tails.size();
  b.first_out = csr_offsets(tails, n);
  b.head.resize(m);
  b.edge_segment.resize(m);
  b.edge_time_ms.resize(m);
  b.edge_length_cm.resize(m);
  {
    std::vector<std::uint32_t> fill(b.first_out.begin(), b.first_out.end() - 1);
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint32_t e = fill[tails[i]]++;
      const Segment& seg = b.segments[segs[i] & ~kEdgeReversed];
      b.head[e] = heads[i];
      b.edge_segment[e] = segs[i];
      b.edge_time_ms[e] = seg.duration_ms;
      b.edge_length_cm[e] = seg.length_cm;
    }
  }
  b.first_in = csr_offsets(b.head, n);
  b.in_tail.resize(m);
  b.in_edge.resize(m);
  {
    std::vector<std::uint32_t> fill(b.first_in.begin(), b.first_in.end() - 1);
    for (std::uint32_t u = 0; u < n; ++u) {
      for (std::uint32_t e = b.first_out[u]; e < b.first_out[u + 1]; ++e) {
        const std::uint32_t i = fill[b.head[e]]++;
        b.in_tail[i] = u;
        b.in_edge[i] = e;
      }
    }
  }
  build_grid(b);
  return graph_from_buffer(serialize_graph(b.arrays()), source);
}

}  // namespace corridor::net
