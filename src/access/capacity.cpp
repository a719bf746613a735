#include "access/capacity.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <limits>
#include <sstream>

#include "core/csv.h"
#include "core/huge_pages.h"

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
    if (num.empty() || ec != std::errc() || p != num.data() + num.size() || v < 0 || v > 10'000'000) {
      return fail(ErrorCode::kInvalidArgument, "--class-capacity: '" + item +
                                                   "': capacity must be a whole number of trucks per day, "
                                                   "from 0 to 10,000,000");
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
  if (!(c.vehicles_per_hour >= 0 && c.vehicles_per_hour <= 10'000)) {
    return fail(ErrorCode::kParse, where + "vehicles_per_hour must be from 0 to 10,000, not " +
                                       std::to_string(c.vehicles_per_hour));
  }
  if (c.lanes < 1 || c.lanes > 100) return fail(ErrorCode::kParse, where + "lanes must be from 1 to 100");
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

// Dinic's algorithm on the graph's own CSR arrays: a road edge e is a residual arc forward (room
// cap[e] - flow[e]) out of its tail and backward (room flow[e]) out of its head, through the
// backward CSR, so nothing of the graph is copied per query. The few other arcs — from the super
// source, to the super sink, and joining points part-way along a road to its ends — are kept on the
// side. Capacities are trucks per day and fit 32 bits; kInf exceeds any realistic total.
class FlowNetwork {
 public:
  static constexpr std::int32_t kInf = 1 << 30;
  // An arc as the search sees it: a road edge or an extra arc, in its direction or against it.
  struct ArcRef {
    std::uint32_t index;
    bool extra;
    bool reverse;
  };

  FlowNetwork(const net::Graph& g, std::uint32_t virtual_nodes)
      : g_(g), n_(g.node_count()), total_(g.node_count() + virtual_nodes), cap_(g.edge_count(), 0),
        flow_(g.edge_count(), 0) {}

  void set_edge_capacity(std::uint32_t e, std::int64_t cap) {
    cap_[e] = static_cast<std::int32_t>(std::min<std::int64_t>(cap, kInf));
  }
  std::uint32_t add_extra(std::uint32_t from, std::uint32_t to, std::int64_t cap) {
    extra_.push_back({from, to, static_cast<std::int32_t>(std::min<std::int64_t>(cap, kInf)), 0});
    return static_cast<std::uint32_t>(extra_.size() - 1);
  }
  void finish() {
    extra_first_.assign(total_ + 1, 0);
    for (const Extra& x : extra_) {
      ++extra_first_[x.from + 1];
      ++extra_first_[x.to + 1];
    }
    for (std::uint32_t i = 1; i <= total_; ++i) extra_first_[i] += extra_first_[i - 1];
    extra_at_.resize(extra_first_.back());
    std::vector<std::uint32_t> fill(extra_first_.begin(), extra_first_.end() - 1);
    for (std::uint32_t x = 0; x < extra_.size(); ++x) {
      extra_at_[fill[extra_[x].from]++] = x;
      extra_at_[fill[extra_[x].to]++] = x;
    }
  }

  // -1 when `cancel` was set between phases.
  std::int64_t run(std::uint32_t s, std::uint32_t t, const std::atomic<bool>* cancel = nullptr) {
    std::int64_t total = 0;
    level_.assign(total_, -1);
    current_.assign(total_, 0);
    queue_.reserve(total_);
    while (bfs(s, t)) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return -1;
      std::fill(current_.begin(), current_.end(), 0);
      while (const std::int32_t f = augment(s, t)) total += f;
    }
    return total;
  }

  // After run(): nodes the source still reaches in the residual graph.
  core::BigVector<std::uint8_t> source_side(std::uint32_t s) {
    core::BigVector<std::uint8_t> seen(total_, 0);
    queue_.assign(1, s);
    seen[s] = 1;
    for (std::size_t qi = 0; qi < queue_.size(); ++qi) {
      const std::uint32_t u = queue_[qi];
      for (std::uint32_t k = 0, deg = degree(u); k < deg; ++k) {
        const Step st = step(u, k);
        if (st.room > 0 && seen[st.head] == 0) {
          seen[st.head] = 1;
          queue_.push_back(st.head);
        }
      }
    }
    return seen;
  }

  [[nodiscard]] std::int32_t edge_flow(std::uint32_t e) const { return flow_[e]; }
  [[nodiscard]] std::int32_t edge_capacity(std::uint32_t e) const { return cap_[e]; }
  struct Extra {
    std::uint32_t from, to;
    std::int32_t cap, flow;
  };
  [[nodiscard]] const std::vector<Extra>& extras() const { return extra_; }
  // Positions k of node u's arcs, for callers that walk the flow.
  [[nodiscard]] std::uint32_t degree(std::uint32_t u) const {
    const std::uint32_t own = u < n_ ? (g_.first_out(u + 1) - g_.first_out(u)) + (g_.first_in(u + 1) - g_.first_in(u)) : 0;
    return own + (extra_first_[u + 1] - extra_first_[u]);
  }
  struct Step {
    std::uint32_t head;
    std::int32_t room;  // residual capacity
    ArcRef arc;
  };
  [[nodiscard]] Step step(std::uint32_t u, std::uint32_t k) const {
    if (u < n_) {
      const std::uint32_t out = g_.first_out(u + 1) - g_.first_out(u);
      if (k < out) {
        const std::uint32_t e = g_.first_out(u) + k;
        return {g_.head(core::EdgeId(e)).value, cap_[e] - flow_[e], {e, false, false}};
      }
      k -= out;
      const std::uint32_t in = g_.first_in(u + 1) - g_.first_in(u);
      if (k < in) {
        const std::uint32_t i = g_.first_in(u) + k;
        const std::uint32_t e = g_.in_edge(i).value;
        return {g_.in_tail(i).value, flow_[e], {e, false, true}};
      }
      k -= in;
    }
    const std::uint32_t x = extra_at_[extra_first_[u] + k];
    const Extra& a = extra_[x];
    return a.from == u ? Step{a.to, a.cap - a.flow, {x, true, false}} : Step{a.from, a.flow, {x, true, true}};
  }

 private:
  void push(const ArcRef& r, std::int32_t f) {
    std::int32_t& fl = r.extra ? extra_[r.index].flow : flow_[r.index];
    fl += r.reverse ? -f : f;
  }

  bool bfs(std::uint32_t s, std::uint32_t t) {
    std::fill(level_.begin(), level_.end(), -1);
    queue_.assign(1, s);
    level_[s] = 0;
    for (std::size_t qi = 0; qi < queue_.size(); ++qi) {
      const std::uint32_t u = queue_[qi];
      // Nothing at or beyond the sink's level can be on a shortest augmenting path.
      if (level_[t] >= 0 && level_[u] >= level_[t]) break;
      for (std::uint32_t k = 0, deg = degree(u); k < deg; ++k) {
        const Step st = step(u, k);
        if (st.room > 0 && level_[st.head] < 0) {
          level_[st.head] = level_[u] + 1;
          queue_.push_back(st.head);
        }
      }
    }
    return level_[t] >= 0;
  }

  // One augmenting path in the level graph, found without recursion (paths can be long).
  std::int32_t augment(std::uint32_t s, std::uint32_t t) {
    path_.clear();
    std::uint32_t u = s;
    while (true) {
      if (u == t) {
        std::int32_t f = kInf;
        for (const auto& [from, k] : path_) f = std::min(f, step(from, k).room);
        for (const auto& [from, k] : path_) push(step(from, k).arc, f);
        return f;
      }
      bool advanced = false;
      for (std::uint32_t& k = current_[u], deg = degree(u); k < deg; ++k) {
        const Step st = step(u, k);
        if (st.room > 0 && level_[st.head] == level_[u] + 1) {
          path_.emplace_back(u, k);
          u = st.head;
          advanced = true;
          break;
        }
      }
      if (advanced) continue;
      // Dead end: no augmenting path goes through u in this phase.
      level_[u] = -1;
      if (path_.empty()) return 0;
      u = path_.back().first;
      path_.pop_back();
      ++current_[u];
    }
  }

  const net::Graph& g_;
  std::uint32_t n_, total_;
  core::BigVector<std::int32_t> cap_, flow_;
  std::vector<Extra> extra_;
  core::BigVector<std::uint32_t> extra_first_, extra_at_, current_, queue_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> path_;
  core::BigVector<int> level_;
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
                                  const std::vector<route::Endpoint>& destinations, std::size_t max_routes,
                                  const std::atomic<bool>* cancel) {
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
  FlowNetwork net(g, 2 + points);
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    if (closures != nullptr && closures->closed(core::EdgeId(e))) continue;
    net.set_edge_capacity(e, std::max<std::int64_t>(0, segment_capacity[g.segment_of(core::EdgeId(e)).value]));
  }
  // Extra arcs that join a point to its road, with the edge whose direction each follows.
  std::vector<std::uint32_t> extra_edge;
  std::uint32_t next_point = n + 2;
  auto extra = [&](std::uint32_t from, std::uint32_t to, std::int64_t cap, std::uint32_t edge) {
    net.add_extra(from, to, cap);
    extra_edge.push_back(edge);
  };
  auto attach = [&](const route::Endpoint& e, bool source) {
    if (e.node) {
      if (source) {
        extra(super_s, e.node->value, FlowNetwork::kInf, UINT32_MAX);
      } else {
        extra(e.node->value, super_t, FlowNetwork::kInf, UINT32_MAX);
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
      if (source) {
        extra(p, head, cap, edge->value);
      } else {
        extra(tail, p, cap, edge->value);
      }
    }
    if (source) {
      extra(super_s, p, FlowNetwork::kInf, UINT32_MAX);
    } else {
      extra(p, super_t, FlowNetwork::kInf, UINT32_MAX);
    }
  };
  for (const auto& s : sources) attach(s, true);
  for (const auto& d : destinations) attach(d, false);
  net.finish();

  CapacityResult out;
  out.trucks_per_day = net.run(super_s, super_t, cancel);
  if (out.trucks_per_day < 0) return fail(ErrorCode::kUnavailable, "the capacity computation was cancelled");

  const auto side = net.source_side(super_s);
  for (std::uint32_t u = 0; u < n; ++u) {
    if (side[u] == 0) continue;
    for (std::uint32_t e = g.first_out(u); e < g.first_out(u + 1); ++e) {
      if (net.edge_capacity(e) <= 0 || side[g.head(core::EdgeId(e)).value] != 0) continue;
      const SegmentId s = g.segment_of(core::EdgeId(e));
      out.bottleneck.push_back({s, g.reversed(core::EdgeId(e)), net.edge_capacity(e), segment_checkpoint[s.value]});
    }
  }
  for (std::uint32_t x = 0; x < net.extras().size(); ++x) {
    const auto& a = net.extras()[x];
    if (extra_edge[x] == UINT32_MAX || side[a.from] == 0 || side[a.to] != 0) continue;
    const SegmentId s = g.segment_of(core::EdgeId(extra_edge[x]));
    out.bottleneck.push_back({s, g.reversed(core::EdgeId(extra_edge[x])), a.cap, segment_checkpoint[s.value]});
  }
  std::sort(out.bottleneck.begin(), out.bottleneck.end(),
            [](const CutLink& a, const CutLink& b) { return a.capacity_per_day > b.capacity_per_day; });

  // Decompose the flow into paths, largest first: repeatedly the widest path from the super source
  // to the super sink over arcs that carry flow not yet assigned to a listed route.
  const std::uint32_t total = n + 2 + points;
  core::BigVector<std::int64_t> used_edge(max_routes > 0 ? g.edge_count() : 0, 0);
  std::vector<std::int64_t> used_extra(net.extras().size(), 0);
  std::int64_t routed = 0;
  core::BigVector<std::uint32_t> visited(total, 0);
  std::uint32_t stamp = 0;
  core::BigVector<std::int64_t> width(max_routes > 0 ? total : 0);
  core::BigVector<FlowNetwork::ArcRef> via(max_routes > 0 ? total : 0);
  core::BigVector<std::uint32_t> via_from(max_routes > 0 ? total : 0);
  while (out.routes.size() < max_routes && routed < out.trucks_per_day) {
    ++stamp;
    std::fill(width.begin(), width.end(), 0);
    std::vector<std::pair<std::int64_t, std::uint32_t>> heap{{FlowNetwork::kInf, super_s}};
    width[super_s] = FlowNetwork::kInf;
    via_from[super_s] = UINT32_MAX;
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end());
      const auto [w, u] = heap.back();
      heap.pop_back();
      if (visited[u] == stamp || w < width[u]) continue;
      visited[u] = stamp;
      if (u == super_t) break;
      for (std::uint32_t k = 0, deg = net.degree(u); k < deg; ++k) {
        const auto st = net.step(u, k);
        if (st.arc.reverse) continue;  // follow the flow, not the residual twins
        const std::int64_t carried = st.arc.extra ? net.extras()[st.arc.index].flow - used_extra[st.arc.index]
                                                  : net.edge_flow(st.arc.index) - used_edge[st.arc.index];
        if (carried <= 0) continue;
        const std::int64_t nw = std::min(w, carried);
        if (visited[st.head] != stamp && nw > width[st.head]) {
          width[st.head] = nw;
          via[st.head] = st.arc;
          via_from[st.head] = u;
          heap.emplace_back(nw, st.head);
          std::push_heap(heap.begin(), heap.end());
        }
      }
    }
    if (visited[super_t] != stamp || width[super_t] <= 0) break;
    FlowRoute r;
    r.trucks_per_day = width[super_t];
    std::vector<FlowNetwork::ArcRef> arcs;
    for (std::uint32_t v = super_t; via_from[v] != UINT32_MAX; v = via_from[v]) arcs.push_back(via[v]);
    std::reverse(arcs.begin(), arcs.end());
    for (const auto& a : arcs) {
      (a.extra ? used_extra[a.index] : used_edge[a.index]) += r.trucks_per_day;
      const std::uint32_t edge = a.extra ? extra_edge[a.index] : a.index;
      if (edge == UINT32_MAX) continue;
      const SegmentId s = g.segment_of(core::EdgeId(edge));
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
