#include "access/capacity.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <limits>
#include <sstream>

#include "core/csv.h"

namespace corridor::access {

using core::ErrorCode;
using core::fail;
using core::Result;

ClassCapacity ClassCapacity::defaults() {
  // Trucks per day in one direction, by RoadClass order: planning figures for a corridor that runs
  // day and night (roughly a tenth of a lane's car capacity, in heavy vehicles), not measurements.
  return ClassCapacity{{
      24000,  // motorway
      8000,   // motorway_link
      16000,  // trunk
      6000,   // trunk_link
      10000,  // primary
      4000,   // primary_link
      6000,   // secondary
      3000,   // secondary_link
      4000,   // tertiary
      2000,   // tertiary_link
      1500,   // unclassified
      1000,   // residential
      200,    // living_street
      400,    // service
      200,    // track
      300,    // ferry
  }};
}

Result<void> ClassCapacity::override_with(const std::string& text) {
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto eq = item.find('=');
    const auto cls = eq == std::string::npos ? std::nullopt : net::road_class_from_name(item.substr(0, eq));
    if (!cls) {
      return fail(ErrorCode::kInvalidArgument,
                  "--class-capacity: '" + item + "' is not CLASS=TRUCKS_PER_DAY with a road class");
    }
    std::int64_t v = 0;
    const std::string num = item.substr(eq + 1);
    const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (num.empty() || ec != std::errc() || p != num.data() + num.size() || v < 0) {
      return fail(ErrorCode::kInvalidArgument,
                  "--class-capacity: '" + item + "': capacity must be a whole number of trucks per day, 0 or more");
    }
    per_day[static_cast<std::size_t>(*cls)] = v;
  }
  return {};
}

Result<double> parse_opening_hours(const std::string& text, const std::string& where) {
  if (text == "24h" || text == "24/7") return 24.0;
  double total = 0;
  std::stringstream ss(text);
  std::string range;
  auto minutes = [](const std::string& hhmm, int& out) {
    if (hhmm.size() != 5 || hhmm[2] != ':') return false;
    for (int i : {0, 1, 3, 4}) {
      if (hhmm[static_cast<std::size_t>(i)] < '0' || hhmm[static_cast<std::size_t>(i)] > '9') return false;
    }
    const int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0'), m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0)) return false;
    out = h * 60 + m;
    return true;
  };
  while (std::getline(ss, range, ';')) {
    while (!range.empty() && range.front() == ' ') range.erase(range.begin());
    while (!range.empty() && range.back() == ' ') range.pop_back();
    const auto dash = range.find('-');
    int a = 0, b = 0;
    if (dash == std::string::npos || !minutes(range.substr(0, dash), a) || !minutes(range.substr(dash + 1), b) ||
        b <= a) {
      return fail(ErrorCode::kParse, where + "'" + text +
                                         "' is not opening hours (HH:MM-HH:MM, ranges separated by ';', or 24h)");
    }
    total += (b - a) / 60.0;
  }
  if (total <= 0 || total > 24) return fail(ErrorCode::kParse, where + "'" + text + "' is not opening hours");
  return total;
}

namespace {

// status: open | closed | closed[FROM,UNTIL)
Result<void> parse_status(const std::string& text, Checkpoint& c, const std::string& where) {
  if (text.empty() || text == "open") return {};
  if (text == "closed") {
    c.closed = true;
    return {};
  }
  if (text.rfind("closed[", 0) == 0 && text.back() == ')') {
    const std::string window = text.substr(7, text.size() - 8);
    const auto comma = window.find(',');
    if (comma != std::string::npos) {
      c.closed = true;
      const std::string a = window.substr(0, comma), b = window.substr(comma + 1);
      if (!a.empty()) {
        CORRIDOR_TRY(c.closed_from, core::parse_iso8601(a, where + "status start"));
      }
      if (!b.empty()) {
        CORRIDOR_TRY(c.closed_until, core::parse_iso8601(b, where + "status end"));
      }
      return {};
    }
  }
  return fail(ErrorCode::kParse, where + "'" + text + "' is not a status (open, closed, or closed[FROM,UNTIL))");
}

Result<void> check_checkpoint(Checkpoint& c, const std::string& where) {
  if (c.id.empty()) return fail(ErrorCode::kParse, where + "a checkpoint needs an id");
  if (!core::valid_lat_lon(c.point)) return fail(ErrorCode::kParse, where + "coordinates out of range");
  if (!(c.vehicles_per_hour >= 0)) {
    return fail(ErrorCode::kParse, where + "vehicles_per_hour must be 0 or more, not " + std::to_string(c.vehicles_per_hour));
  }
  if (c.lanes < 1) return fail(ErrorCode::kParse, where + "lanes must be 1 or more");
  if (c.name.empty()) c.name = c.id;
  return {};
}

Result<std::vector<Checkpoint>> read_csv_checkpoints(const std::string& path) {
  CORRIDOR_TRY(auto t, core::read_csv(path));
  CORRIDOR_CHECK(t.check_columns({"id", "lat", "lon", "vehicles_per_hour"},
                                 {"id", "name", "lat", "lon", "vehicles_per_hour", "hours", "lanes", "status"}));
  std::vector<Checkpoint> out;
  for (const auto& row : t.rows) {
    Checkpoint c;
    c.origin = path + ":" + std::to_string(row.line);
    c.id = core::csv_string(t, row, "id");
    c.name = core::csv_string(t, row, "name");
    CORRIDOR_TRY(c.point.lat, core::csv_double(t, row, "lat"));
    CORRIDOR_TRY(c.point.lon, core::csv_double(t, row, "lon"));
    CORRIDOR_TRY(c.vehicles_per_hour, core::csv_double(t, row, "vehicles_per_hour"));
    c.hours = core::csv_string(t, row, "hours");
    if (c.hours.empty()) c.hours = "24h";
    CORRIDOR_TRY(c.hours_per_day, parse_opening_hours(c.hours, t.where(row, "hours")));
    if (!core::csv_string(t, row, "lanes").empty()) {
      CORRIDOR_TRY(std::int64_t lanes, core::csv_int(t, row, "lanes"));
      c.lanes = static_cast<int>(std::clamp<std::int64_t>(lanes, -1, 1000));
    }
    CORRIDOR_CHECK(parse_status(core::csv_string(t, row, "status"), c, t.where(row, "status")));
    CORRIDOR_CHECK(check_checkpoint(c, c.origin + ": "));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

// TOML lives in its own file (checkpoints_toml.cpp): toml++ is a heavy header.
Result<std::vector<Checkpoint>> read_toml_checkpoints(const std::string& path);
Result<void> finish_checkpoint(Checkpoint& c, const std::string& status, const std::string& where) {
  CORRIDOR_TRY(c.hours_per_day, parse_opening_hours(c.hours.empty() ? "24h" : c.hours, where + "hours: "));
  if (c.hours.empty()) c.hours = "24h";
  CORRIDOR_CHECK(parse_status(status, c, where + "status: "));
  return check_checkpoint(c, where);
}

Result<std::vector<Checkpoint>> read_checkpoints(const std::string& path) {
  const bool toml = path.size() >= 5 && path.compare(path.size() - 5, 5, ".toml") == 0;
  std::vector<Checkpoint> out;
  if (toml) {
    CORRIDOR_TRY(out, read_toml_checkpoints(path));
  } else {
    CORRIDOR_TRY(out, read_csv_checkpoints(path));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (out[i].id == out[j].id) {
        return fail(ErrorCode::kParse, out[i].origin + ": checkpoint id '" + out[i].id + "' already used at " + out[j].origin);
      }
    }
  }
  return out;
}

void segment_capacities(const net::Graph& g, const ClassCapacity& classes,
                        const std::vector<PlacedCheckpoint>& checkpoints, std::vector<std::int64_t>& capacity,
                        std::vector<std::optional<std::size_t>>& checkpoint_of) {
  capacity.assign(g.segment_count(), 0);
  checkpoint_of.assign(g.segment_count(), std::nullopt);
  for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
    capacity[s] = classes.per_day[g.segment(SegmentId(s)).road_class];
  }
  for (std::size_t i = 0; i < checkpoints.size(); ++i) {
    const auto s = checkpoints[i].segment.value;
    const std::int64_t cap = checkpoints[i].checkpoint->per_day();
    if (cap <= capacity[s]) {
      capacity[s] = cap;
      checkpoint_of[s] = i;
    }
  }
}

namespace {

// Dinic's algorithm over a residual graph in CSR form: arcs in pairs (a, a ^ 1).
class MaxFlow {
 public:
  static constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max() / 4;

  MaxFlow(std::uint32_t nodes, std::size_t arcs_hint) : n_(nodes) {
    tail_.reserve(2 * arcs_hint);
    head_.reserve(2 * arcs_hint);
    cap_.reserve(2 * arcs_hint);
  }
  // Returns the index of the forward arc.
  std::uint32_t add(std::uint32_t u, std::uint32_t v, std::int64_t cap) {
    tail_.push_back(u);
    head_.push_back(v);
    cap_.push_back(cap);
    tail_.push_back(v);
    head_.push_back(u);
    cap_.push_back(0);
    return static_cast<std::uint32_t>(head_.size() - 2);
  }
  void finish() {
    first_.assign(n_ + 1, 0);
    for (std::uint32_t t : tail_) ++first_[t + 1];
    for (std::uint32_t i = 1; i <= n_; ++i) first_[i] += first_[i - 1];
    order_.resize(tail_.size());
    std::vector<std::uint32_t> fill(first_.begin(), first_.end() - 1);
    for (std::uint32_t a = 0; a < tail_.size(); ++a) order_[fill[tail_[a]]++] = a;
    original_ = cap_;
  }

  std::int64_t run(std::uint32_t s, std::uint32_t t) {
    std::int64_t total = 0;
    level_.assign(n_, -1);
    current_.assign(n_, 0);
    while (bfs(s, t)) {
      for (std::uint32_t v = 0; v < n_; ++v) current_[v] = first_[v];
      while (const std::int64_t f = augment(s, t)) total += f;
    }
    return total;
  }

  // After run(): nodes the source still reaches in the residual graph.
  std::vector<std::uint8_t> source_side(std::uint32_t s) {
    std::vector<std::uint8_t> seen(n_, 0);
    std::deque<std::uint32_t> q{s};
    seen[s] = 1;
    while (!q.empty()) {
      const std::uint32_t u = q.front();
      q.pop_front();
      for (std::uint32_t i = first_[u]; i < first_[u + 1]; ++i) {
        const std::uint32_t a = order_[i];
        if (cap_[a] > 0 && seen[head_[a]] == 0) {
          seen[head_[a]] = 1;
          q.push_back(head_[a]);
        }
      }
    }
    return seen;
  }

  std::int64_t flow(std::uint32_t arc) const { return original_[arc] - cap_[arc]; }
  std::uint32_t head(std::uint32_t arc) const { return head_[arc]; }
  std::uint32_t tail(std::uint32_t arc) const { return tail_[arc]; }
  std::int64_t capacity(std::uint32_t arc) const { return original_[arc]; }
  std::uint32_t first(std::uint32_t v) const { return first_[v]; }
  std::uint32_t arc_at(std::uint32_t i) const { return order_[i]; }

 private:
  bool bfs(std::uint32_t s, std::uint32_t t) {
    std::fill(level_.begin(), level_.end(), -1);
    std::deque<std::uint32_t> q{s};
    level_[s] = 0;
    while (!q.empty()) {
      const std::uint32_t u = q.front();
      q.pop_front();
      // Nothing at or beyond the sink's level can be on a shortest augmenting path.
      if (level_[t] >= 0 && level_[u] >= level_[t]) break;
      for (std::uint32_t i = first_[u]; i < first_[u + 1]; ++i) {
        const std::uint32_t a = order_[i];
        if (cap_[a] > 0 && level_[head_[a]] < 0) {
          level_[head_[a]] = level_[u] + 1;
          q.push_back(head_[a]);
        }
      }
    }
    return level_[t] >= 0;
  }

  // One augmenting path in the level graph, found without recursion (paths can be long).
  std::int64_t augment(std::uint32_t s, std::uint32_t t) {
    path_.clear();
    std::uint32_t u = s;
    while (true) {
      if (u == t) {
        std::int64_t f = kInf;
        for (std::uint32_t a : path_) f = std::min(f, cap_[a]);
        for (std::uint32_t a : path_) {
          cap_[a] -= f;
          cap_[a ^ 1] += f;
        }
        return f;
      }
      bool advanced = false;
      for (std::uint32_t& i = current_[u]; i < first_[u + 1]; ++i) {
        const std::uint32_t a = order_[i];
        const std::uint32_t v = head_[a];
        if (cap_[a] > 0 && level_[v] == level_[u] + 1) {
          path_.push_back(a);
          u = v;
          advanced = true;
          break;
        }
      }
      if (advanced) continue;
      // Dead end: no augmenting path goes through u in this phase.
      level_[u] = -1;
      if (path_.empty()) return 0;
      u = tail_[path_.back()];
      path_.pop_back();
      ++current_[u];
    }
  }

  std::uint32_t n_;
  std::vector<std::uint32_t> tail_, head_, first_, order_, current_, path_;
  std::vector<std::int64_t> cap_, original_;
  std::vector<int> level_;
};

}  // namespace

Result<CapacityResult> max_trucks(const net::Graph& g, const net::ClosureOverlay* closures,
                                  const std::vector<std::int64_t>& segment_capacity,
                                  const std::vector<std::optional<std::size_t>>& segment_checkpoint,
                                  const std::vector<NodeId>& sources, const std::vector<NodeId>& destinations,
                                  std::size_t max_routes) {
  auto ends = [](const std::vector<NodeId>& nodes) {
    std::vector<route::Endpoint> out;
    for (const NodeId n : nodes) {
      route::Endpoint e;
      e.node = n;
      out.push_back(e);
    }
    return out;
  };
  return max_trucks(g, closures, segment_capacity, segment_checkpoint, ends(sources), ends(destinations), max_routes);
}

Result<CapacityResult> max_trucks(const net::Graph& g, const net::ClosureOverlay* closures,
                                  const std::vector<std::int64_t>& segment_capacity,
                                  const std::vector<std::optional<std::size_t>>& segment_checkpoint,
                                  const std::vector<route::Endpoint>& sources,
                                  const std::vector<route::Endpoint>& destinations, std::size_t max_routes) {
  const std::uint32_t n = g.node_count();
  for (const auto& s : sources) {
    for (const auto& d : destinations) {
      const bool same = (s.node || d.node) ? (s.node && d.node && *s.node == *d.node)
                                           : (s.snap.segment == d.snap.segment &&
                                              std::abs(s.snap.fraction - d.snap.fraction) < 1e-9);
      if (same) {
        return fail(ErrorCode::kInvalidArgument, "source '" + s.label + "' and destination '" + d.label +
                                                     "' are the same point: the capacity between them is unbounded");
      }
    }
  }
  // Nodes n, n + 1: the super source and sink; then one node per point part-way along a road.
  const std::uint32_t super_s = n, super_t = n + 1;
  std::uint32_t points = 0;
  for (const auto* set : {&sources, &destinations}) {
    for (const auto& e : *set) points += e.node ? 0 : 1;
  }
  MaxFlow mf(n + 2 + points, g.edge_count() + 3 * (sources.size() + destinations.size()));
  std::vector<std::uint32_t> edge_arc(g.edge_count(), UINT32_MAX);
  for (std::uint32_t u = 0; u < n; ++u) {
    for (std::uint32_t e = g.first_out(u); e < g.first_out(u + 1); ++e) {
      if (closures != nullptr && closures->closed(core::EdgeId(e))) continue;
      const std::int64_t cap = segment_capacity[g.segment_of(core::EdgeId(e)).value];
      if (cap <= 0) continue;
      edge_arc[e] = mf.add(u, g.head(core::EdgeId(e)).value, cap);
    }
  }
  // Arcs that join a point to its road: (arc, the edge whose direction it follows).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> point_arcs;
  std::uint32_t next_point = n + 2;
  auto attach = [&](const route::Endpoint& e, bool source) {
    if (e.node) {
      if (source) {
        mf.add(super_s, e.node->value, MaxFlow::kInf);
      } else {
        mf.add(e.node->value, super_t, MaxFlow::kInf);
      }
      return;
    }
    const std::uint32_t p = next_point++;
    const SegmentId s = e.snap.segment;
    const net::Segment& seg = g.segment(s);
    const std::int64_t cap = segment_capacity[s.value];
    for (const bool rev : {false, true}) {
      const auto edge = g.segment_edge(s, rev);
      if (!edge || (closures != nullptr && closures->closed(*edge)) || cap <= 0) continue;
      // Travelling along the edge: a source point leaves towards its head, a destination is reached
      // from its tail.
      const std::uint32_t head = rev ? seg.from : seg.to, tail = rev ? seg.to : seg.from;
      point_arcs.emplace_back(source ? mf.add(p, head, cap) : mf.add(tail, p, cap), edge->value);
    }
    if (source) {
      mf.add(super_s, p, MaxFlow::kInf);
    } else {
      mf.add(p, super_t, MaxFlow::kInf);
    }
  };
  for (const auto& s : sources) attach(s, true);
  for (const auto& d : destinations) attach(d, false);
  mf.finish();

  CapacityResult out;
  out.trucks_per_day = mf.run(super_s, super_t);

  const auto side = mf.source_side(super_s);
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    const std::uint32_t a = edge_arc[e];
    if (a == UINT32_MAX || side[mf.tail(a)] == 0 || side[mf.head(a)] != 0) continue;
    const SegmentId s = g.segment_of(core::EdgeId(e));
    out.bottleneck.push_back({s, g.reversed(core::EdgeId(e)), mf.capacity(a), segment_checkpoint[s.value]});
  }
  for (const auto& [a, e] : point_arcs) {
    if (side[mf.tail(a)] == 0 || side[mf.head(a)] != 0) continue;
    const SegmentId s = g.segment_of(core::EdgeId(e));
    out.bottleneck.push_back({s, g.reversed(core::EdgeId(e)), mf.capacity(a), segment_checkpoint[s.value]});
  }
  std::sort(out.bottleneck.begin(), out.bottleneck.end(),
            [](const CutLink& a, const CutLink& b) { return a.capacity_per_day > b.capacity_per_day; });

  // Decompose the flow into paths, largest first: repeatedly the widest path from the super source
  // to the super sink over arcs that still carry flow.
  const std::uint32_t total = n + 2 + points;
  std::vector<std::uint32_t> arc_edge(2 * (g.edge_count() + 3 * (sources.size() + destinations.size()) + 8), UINT32_MAX);
  std::vector<std::int64_t> left;
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    if (edge_arc[e] != UINT32_MAX) arc_edge[edge_arc[e]] = e;
  }
  for (const auto& [a, e] : point_arcs) arc_edge[a] = e;
  std::int64_t routed = 0;
  std::vector<std::int64_t> used;  // flow already assigned to listed routes, per arc
  std::vector<std::uint32_t> visited(total, 0);
  std::uint32_t stamp = 0;
  std::vector<std::int64_t> width(total);
  std::vector<std::uint32_t> via(total);
  auto carried = [&](std::uint32_t a) {
    if (a >= used.size()) used.resize(a + 1, 0);
    return mf.flow(a) - used[a];
  };
  while (out.routes.size() < max_routes && routed < out.trucks_per_day) {
    ++stamp;
    std::fill(width.begin(), width.end(), 0);
    std::fill(via.begin(), via.end(), UINT32_MAX);
    std::vector<std::pair<std::int64_t, std::uint32_t>> heap{{MaxFlow::kInf, super_s}};
    width[super_s] = MaxFlow::kInf;
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end());
      const auto [w, u] = heap.back();
      heap.pop_back();
      if (visited[u] == stamp || w < width[u]) continue;
      visited[u] = stamp;
      if (u == super_t) break;
      for (std::uint32_t i = mf.first(u); i < mf.first(u + 1); ++i) {
        const std::uint32_t a = mf.arc_at(i);
        if ((a & 1u) != 0) continue;  // residual twins carry no flow of their own
        const std::int64_t c = carried(a);
        if (c <= 0) continue;
        const std::uint32_t v = mf.head(a);
        const std::int64_t nw = std::min(w, c);
        if (visited[v] != stamp && nw > width[v]) {
          width[v] = nw;
          via[v] = a;
          heap.emplace_back(nw, v);
          std::push_heap(heap.begin(), heap.end());
        }
      }
    }
    if (visited[super_t] != stamp || width[super_t] <= 0) break;
    FlowRoute r;
    r.trucks_per_day = width[super_t];
    std::vector<std::uint32_t> arcs;
    for (std::uint32_t v = super_t; via[v] != UINT32_MAX; v = mf.tail(via[v])) arcs.push_back(via[v]);
    std::reverse(arcs.begin(), arcs.end());
    for (const std::uint32_t a : arcs) {
      carried(a);
      used[a] += r.trucks_per_day;
      if (arc_edge[a] == UINT32_MAX) continue;
      const SegmentId s = g.segment_of(core::EdgeId(arc_edge[a]));
      if (!r.segments.empty() && r.segments.back() == s) continue;
      r.segments.push_back(s);
      if (segment_checkpoint[s.value]) r.checkpoints.push_back(*segment_checkpoint[s.value]);
    }
    routed += r.trucks_per_day;
    out.routes.push_back(std::move(r));
  }
  out.other_routes_trucks = out.trucks_per_day - routed;
  return out;
}

}  // namespace corridor::access
