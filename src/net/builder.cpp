#include "net/builder.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <memory>

namespace corridor::net {

using core::ErrorCode;
using core::fail;
using core::LocalFrame;

void GraphBuilder::add_barrier(std::int64_t key, Barrier b) { barriers_.emplace_back(key, b); }

std::uint32_t GraphBuilder::Strings::intern(const std::string& s) {
  auto [it, inserted] = index.try_emplace(s, static_cast<std::uint32_t>(offsets.size() - 1));
  if (inserted) {
    chars.insert(chars.end(), s.begin(), s.end());
    offsets.push_back(static_cast<std::uint32_t>(chars.size()));
  }
  return it->second;
}

void GraphBuilder::add_way(const WayAttributes& way, std::span<const WayNode> nodes) {
  const auto first = static_cast<std::uint32_t>(nodes_.size());
  for (const WayNode& n : nodes) {
    // Repeated consecutive nodes carry no geometry and would make zero-length pieces.
    if (nodes_.size() > first && nodes_.back().key == n.key) continue;
    nodes_.push_back(n);
  }
  const auto count = static_cast<std::uint32_t>(nodes_.size() - first);
  if (count < 2) {
    nodes_.resize(first);
    return;
  }
  ways_.push_back(StoredWay{way.way_id, strings_.intern(way.key), strings_.intern(way.name),
                            strings_.intern(way.ref), first, count, static_cast<float>(way.speed_kmh),
                            way.road_class, way.flags, way.oneway});
}

namespace {

struct Built {
  std::vector<FixedLatLon> node_coord;
  std::vector<std::int64_t> node_osm_id;  // packed into the two arrays below at the end
  std::vector<std::uint32_t> node_osm_id_low;
  std::vector<std::int8_t> node_osm_id_high;
  std::vector<std::uint8_t> node_barrier;
  std::vector<std::uint32_t> first_out, edge_segment;
  std::vector<Arc> arcs;
  std::vector<Segment> segments;
  // While segments are emitted, every point of each (segment_first_point, shape_coord,
  // shape_osm_id); at the end, only the interior points.
  std::vector<std::uint32_t> segment_first_point{0};
  std::vector<FixedLatLon> shape_coord;
  std::vector<std::int64_t> shape_osm_id;
  std::vector<std::uint32_t> segment_first_interior{0};
  std::vector<FixedLatLon> interior_coord;
  std::vector<std::int64_t> interior_osm_id;
  GraphBuilder::Strings strings;
  std::vector<double> grid_meta;
  std::vector<std::uint32_t> grid_first, grid_items;
  std::string source;

  Graph::Arrays arrays() const {
    Graph::Arrays a;
    a.node_coord = node_coord;
    a.node_osm_id_low = node_osm_id_low;
    a.node_osm_id_high = node_osm_id_high;
    a.node_barrier = node_barrier;
    a.first_out = first_out;
    a.arcs = arcs;
    a.edge_segment = edge_segment;
    a.segments = segments;
    a.segment_first_interior = segment_first_interior;
    a.interior_coord = interior_coord;
    a.interior_osm_id = interior_osm_id;
    a.string_offsets = strings.offsets;
    a.string_chars = strings.chars;
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
  // About eight pieces a cell, never cells under 25 m, never more than 2^24 cells. (Four made a
  // 10^6-node grid list each segment in 2 cells on average, 12.6 bytes per node; eight, fewer.)
  const double target_cells = std::clamp(static_cast<double>(pieces) / 8.0, 1.0, 16777216.0);
  const double cell_m = std::max(std::sqrt(width_m * height_m / target_cells), 25.0);
  const double cell_lat = cell_m / frame.m_per_deg_lat;
  const double cell_lon = cell_m / min_m_per_deg_lon;
  const auto rows = static_cast<std::uint32_t>((box.north - box.south) / cell_lat) + 1;
  const auto cols = static_cast<std::uint32_t>((box.east - box.west) / cell_lon) + 1;
  b.grid_meta = {box.south, box.west, cell_lat, cell_lon, static_cast<double>(rows),
                 static_cast<double>(cols)};
  const GridGeometry grid(b.grid_meta);
  auto cell_range = [&](std::uint32_t point, std::uint32_t& r0, std::uint32_t& r1, std::uint32_t& c0,
                        std::uint32_t& c1) {
    const LatLon a = b.shape_coord[point].to_double(), c = b.shape_coord[point + 1].to_double();
    r0 = grid.row(std::min(a.lat, c.lat));
    r1 = grid.row(std::max(a.lat, c.lat));
    c0 = grid.col(std::min(a.lon, c.lon));
    c1 = grid.col(std::max(a.lon, c.lon));
  };
  b.grid_first.assign(static_cast<std::size_t>(rows) * cols + 1, 0);
  // Each segment once in every cell one of its pieces crosses (a segment's pieces are few and
  // mostly share cells, so the cells of one segment are collected, sorted and de-duplicated).
  std::vector<std::size_t> cells;
  auto for_each_segment_cell = [&](auto&& f) {
    for (std::size_t s = 0; s < b.segments.size(); ++s) {
      cells.clear();
      for (std::uint32_t p = b.segment_first_point[s]; p + 1 < b.segment_first_point[s + 1]; ++p) {
        std::uint32_t r0 = 0, r1 = 0, c0 = 0, c1 = 0;
        cell_range(p, r0, r1, c0, c1);
        for (std::uint32_t r = r0; r <= r1; ++r) {
          for (std::uint32_t c = c0; c <= c1; ++c) cells.push_back(grid.cell(r, c));
        }
      }
      std::sort(cells.begin(), cells.end());
      cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
      for (const std::size_t cell : cells) f(cell, static_cast<std::uint32_t>(s));
    }
  };
  for_each_segment_cell([&](std::size_t cell, std::uint32_t) { ++b.grid_first[cell + 1]; });
  for (std::size_t i = 1; i < b.grid_first.size(); ++i) b.grid_first[i] += b.grid_first[i - 1];
  b.grid_items.resize(b.grid_first.back());
  std::vector<std::uint32_t> fill(b.grid_first.begin(), b.grid_first.end() - 1);
  for_each_segment_cell([&](std::size_t cell, std::uint32_t seg) { b.grid_items[fill[cell]++] = seg; });
}

// Counting sort of edges by a key node into CSR offsets.
std::vector<std::uint32_t> csr_offsets(const std::vector<std::uint32_t>& keys, std::size_t n) {
  std::vector<std::uint32_t> first(n + 1, 0);
  for (std::uint32_t k : keys) ++first[k + 1];
  for (std::size_t i = 1; i <= n; ++i) first[i] += first[i - 1];
  return first;
}

// Position of a point on a Hilbert curve over the whole globe (16 bits per axis).
std::uint64_t hilbert_index(FixedLatLon p) {
  auto x = static_cast<std::uint32_t>((static_cast<std::int64_t>(p.lon) + 1'800'000'000) * 65535 / 3'600'000'000);
  auto y = static_cast<std::uint32_t>((static_cast<std::int64_t>(p.lat) + 900'000'000) * 65535 / 1'800'000'000);
  std::uint64_t d = 0;
  for (std::uint32_t s = 1u << 15; s > 0; s >>= 1) {
    const std::uint32_t rx = (x & s) > 0 ? 1 : 0;
    const std::uint32_t ry = (y & s) > 0 ? 1 : 0;
    d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = 65535 - x;
        y = 65535 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

// Nodes near each other on the map get ids near each other, so a search touches few cache lines and
// pages; OSM's own id order is only loosely spatial.
void renumber_nodes_spatially(Built& b) {
  const std::size_t n = b.node_coord.size();
  std::vector<std::uint32_t> order(n);
  std::vector<std::uint64_t> key(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    order[v] = v;
    key[v] = hilbert_index(b.node_coord[v]);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t c) { return key[a] < key[c]; });
  std::vector<std::uint32_t> new_id(n);
  for (std::uint32_t i = 0; i < n; ++i) new_id[order[i]] = i;
  auto permute = [&](auto& vec) {
    std::remove_reference_t<decltype(vec)> out(vec.size());
    for (std::uint32_t v = 0; v < n; ++v) out[new_id[v]] = vec[v];
    vec.swap(out);
  };
  permute(b.node_coord);
  permute(b.node_osm_id);
  permute(b.node_barrier);
  for (Segment& seg : b.segments) {
    seg.from = new_id[seg.from];
    seg.to = new_id[seg.to];
  }
}

}  // namespace

core::Result<Graph> GraphBuilder::build(const std::string& source) && {
  if (ways_.empty()) return fail(ErrorCode::kEmpty, source + ": no routable roads found");

  // Junctions: nodes used more than once (by two ways, or twice by one), way ends and barriers.
  std::vector<std::int64_t> keys;
  keys.reserve(nodes_.size() + 2 * ways_.size() + barriers_.size());
  for (const auto& n : nodes_) keys.push_back(n.key);
  for (const auto& w : ways_) {
    keys.push_back(nodes_[w.first].key);  // a way end counts twice, so it is always a junction
    keys.push_back(nodes_[w.first + w.count - 1].key);
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
  b.strings = std::move(strings_);
  b.node_coord.reserve(junction_keys.size());
  b.node_osm_id.reserve(junction_keys.size());
  b.node_barrier.reserve(junction_keys.size());
  b.shape_coord.reserve(nodes_.size() + junction_keys.size());
  b.shape_osm_id.reserve(nodes_.size() + junction_keys.size());
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

  auto emit_segment = [&](const StoredWay& w, std::span<const WayNode> pts, std::uint32_t from,
                          std::uint32_t to) {
    Segment seg{};
    seg.way_id = w.way_id;
    seg.from = from;
    seg.to = to;
    seg.name = w.name;
    seg.ref = w.ref;
    seg.key = w.key;
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
    const double speed_ms = std::max(static_cast<double>(w.speed_kmh), 1.0) / 3.6;
    seg.duration_ms = static_cast<std::uint32_t>(std::llround(len_m / speed_ms * 1000));
    b.segments.push_back(seg);
  };

  for (const auto& w : ways_) {
    const auto nodes = std::span<const WayNode>(nodes_).subspan(w.first, w.count);
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
        emit_segment(w, piece.subspan(0, mid + 1), start_node, mid_node);
        emit_segment(w, piece.subspan(mid), mid_node, here);
      } else {
        emit_segment(w, piece, start_node, here);
      }
      start = i;
      start_node = here;
    }
  }
  ways_.clear();
  ways_.shrink_to_fit();
  nodes_.clear();
  nodes_.shrink_to_fit();

  renumber_nodes_spatially(b);

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
  b.arcs.resize(m);
  b.edge_segment.resize(m);
  {
    std::vector<std::uint32_t> fill(b.first_out.begin(), b.first_out.end() - 1);
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint32_t e = fill[tails[i]]++;
      const Segment& seg = b.segments[segs[i] & ~kEdgeReversed];
      b.arcs[e] = Arc{heads[i], {seg.duration_ms, seg.length_cm}};
      b.edge_segment[e] = segs[i];
    }
  }
  tails.clear();
  tails.shrink_to_fit();
  build_grid(b);
  // Only the interior points are kept: a segment's ends are its nodes' coordinates and ids.
  for (std::size_t s = 0; s < b.segments.size(); ++s) {
    for (std::uint32_t p = b.segment_first_point[s] + 1; p + 1 < b.segment_first_point[s + 1]; ++p) {
      b.interior_coord.push_back(b.shape_coord[p]);
      b.interior_osm_id.push_back(b.shape_osm_id[p]);
    }
    b.segment_first_interior.push_back(static_cast<std::uint32_t>(b.interior_coord.size()));
  }
  std::vector<std::uint32_t>().swap(b.segment_first_point);
  std::vector<FixedLatLon>().swap(b.shape_coord);
  std::vector<std::int64_t>().swap(b.shape_osm_id);
  b.node_osm_id_low.reserve(n);
  b.node_osm_id_high.reserve(n);
  constexpr std::int64_t kIdLimit = std::int64_t{1} << 39;  // what 40 bits hold, signed
  for (const std::int64_t id : b.node_osm_id) {
    if (id >= kIdLimit || id < -kIdLimit) {
      return fail(ErrorCode::kParse, b.source + ": node id " + std::to_string(id) +
                                         " is outside what a graph file holds (|id| < 2^39)");
    }
    b.node_osm_id_low.push_back(static_cast<std::uint32_t>(static_cast<std::uint64_t>(id)));
    b.node_osm_id_high.push_back(static_cast<std::int8_t>(id >> 32));
  }
  std::vector<std::int64_t>().swap(b.node_osm_id);
  // Spans are taken after the move: a short string keeps its bytes inside the object.
  auto owned = std::make_shared<const Built>(std::move(b));
  const Graph::Arrays arrays = owned->arrays();
#ifndef NDEBUG
  // The loader validates every file it maps; a graph just built is checked in debug builds (the
  // sanitizer test run), where a builder bug would show.
  CORRIDOR_CHECK(Graph::validate(arrays));
  CORRIDOR_CHECK(Graph::check_consistency(arrays));
#endif
  return Graph(arrays, owned);
}

}  // namespace corridor::net
