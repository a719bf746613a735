#include "route/plan.h"

#include "route/endpoint.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace corridor::route {

using core::ErrorCode;
using core::fail;
using core::LatLon;
using net::Segment;
using net::SegmentId;

core::Result<Waypoint> parse_waypoint(const std::string& text, const std::string& what) {
  Waypoint w;
  w.label = text;
  if (text.rfind("node:", 0) == 0) {
    std::uint32_t id = 0;
    const char* b = text.data() + 5;
    const char* e = text.data() + text.size();
    const auto [p, ec] = std::from_chars(b, e, id);
    if (b == e || ec != std::errc() || p != e) {
      return fail(ErrorCode::kInvalidArgument, what + ": '" + text + "' is not node:ID");
    }
    w.node = NodeId(id);
    return w;
  }
  CORRIDOR_TRY(w.point, core::parse_lat_lon(text, what));
  return w;
}

namespace {

// Points of a segment's geometry between two fractions, in travel order.
void append_geometry(const Graph& g, const Piece& p, std::vector<LatLon>& out) {
  const auto shape = g.shape(p.segment);
  std::vector<double> cum(shape.size(), 0);
  const core::LocalFrame frame(shape.front().to_double().lat);
  for (std::size_t i = 1; i < shape.size(); ++i) {
    cum[i] = cum[i - 1] + core::local_distance_m(shape[i - 1].to_double(), shape[i].to_double(), frame);
  }
  const double total = cum.back();
  auto at = [&](double frac) {
    const double d = frac * total;
    std::size_t i = 1;
    while (i + 1 < shape.size() && cum[i] < d) ++i;
    const double span = cum[i] - cum[i - 1];
    const double t = span > 0 ? std::clamp((d - cum[i - 1]) / span, 0.0, 1.0) : 0.0;
    const LatLon a = shape[i - 1].to_double(), b = shape[i].to_double();
    return LatLon{a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon)};
  };
  const double lo = std::min(p.from, p.to), hi = std::max(p.from, p.to);
  std::vector<LatLon> pts{at(lo)};
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const double frac = total > 0 ? cum[i] / total : 0;
    if (frac > lo && frac < hi) pts.push_back(shape[i].to_double());
  }
  pts.push_back(at(hi));
  if (p.from > p.to) std::reverse(pts.begin(), pts.end());
  for (const LatLon& q : pts) {
    if (out.empty() || out.back().lat != q.lat || out.back().lon != q.lon) out.push_back(q);
  }
}

void add_pieces(const Graph& g, const std::vector<Piece>& pieces, Route& r) {
  for (const Piece& p : pieces) {
    const Segment& seg = g.segment(p.segment);
    const double share = std::abs(p.to - p.from);
    r.distance_m += seg.length_cm / 100.0 * share;
    r.duration_s += seg.duration_ms / 1000.0 * share;
    append_geometry(g, p, r.geometry);
    const std::string label = g.label(p.segment);
    if (!label.empty() && (r.roads.empty() || r.roads.back() != label)) r.roads.push_back(label);
    if (r.way_ids.empty() || r.way_ids.back() != seg.way_id) r.way_ids.push_back(seg.way_id);
  }
}

Piece full_piece(const Graph& g, EdgeId e) {
  return g.reversed(e) ? Piece{g.segment_of(e), 1, 0} : Piece{g.segment_of(e), 0, 1};
}

struct LegResult {
  std::vector<Piece> pieces;
  std::vector<std::uint32_t> nodes;
};

std::optional<LegResult> route_leg(const Graph& g, Router& router, const Endpoint& from, const Endpoint& to,
                                   Metric m, const net::ClosureOverlay* c) {
  std::vector<Seed> src, dst;
  std::vector<SeedInfo> src_info, dst_info;
  endpoint_seeds(g, from, true, m, c, src, src_info);
  endpoint_seeds(g, to, false, m, c, dst, dst_info);

  std::optional<LegResult> best;
  double best_cost = std::numeric_limits<double>::infinity();
  // Both points part-way along the same segment: the stretch between them may be the whole route.
  if (!from.node && !to.node && from.snap.segment == to.snap.segment) {
    const SegmentId s = from.snap.segment;
    const double f = from.snap.fraction, t = to.snap.fraction;
    if (auto e = g.segment_edge(s, t < f); e && (c == nullptr || !c->closed(*e))) {
      best_cost = g.weight(*e, m) * std::abs(t - f);
      best = LegResult{{Piece{s, f, t}}, {}};
    }
  }
  if (auto path = router.shortest(src, dst, m, c); path && static_cast<double>(path->cost) < best_cost) {
    LegResult leg;
    if (src_info[path->source_seed].piece) leg.pieces.push_back(*src_info[path->source_seed].piece);
    leg.nodes.push_back(src[path->source_seed].node.value);
    for (const EdgeId e : path->edges) {
      leg.pieces.push_back(full_piece(g, e));
      leg.nodes.push_back(g.head(e).value);
    }
    if (dst_info[path->target_seed].piece) leg.pieces.push_back(*dst_info[path->target_seed].piece);
    best = std::move(leg);
  }
  return best;
}

NoRoute explain(const Graph& g, Router& router, const Endpoint& from, const Endpoint& to, Metric m,
                const std::vector<net::ClosureSpec>& specs, const net::ClosureOverlay& closures) {
  NoRoute nr;
  nr.connected_without_closures = route_leg(g, router, from, to, m, nullptr).has_value();
  // The closures that cut it: those closing an edge from the region still reachable from the start
  // to a node outside it, or closing the very road the start or the end lies on.
  std::vector<Seed> src;
  std::vector<SeedInfo> info;
  endpoint_seeds(g, from, true, m, &closures, src, info);
  router.explore(src, m, &closures);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& applied = closures.applied[i];
    if (!applied.active) continue;
    const bool cuts = std::any_of(applied.edges.begin(), applied.edges.end(), [&](EdgeId e) {
      const SegmentId s = g.segment_of(e);
      return (router.reached(g.tail(e)) && !router.reached(g.head(e))) || (!from.node && s == from.snap.segment) ||
             (!to.node && s == to.snap.segment);
    });
    if (cuts) nr.cutting.push_back(specs[i].text);
  }
  if (nr.connected_without_closures) {
    nr.message = "no route from " + from.label + " to " + to.label + ": cut by closure" +
                 (nr.cutting.size() == 1 ? " " : "s ");
    for (std::size_t i = 0; i < nr.cutting.size(); ++i) {
      nr.message += (i ? ", " : "") + nr.cutting[i];
    }
  } else {
    nr.message = "no route from " + from.label + " to " + to.label +
                 " even with every closure lifted: no road a vehicle may use in this direction "
                 "connects them";
  }
  return nr;
}

}  // namespace

core::Result<RouteOutcome> plan_route(const Graph& g, Router& router, const RouteRequest& req,
                                      const std::vector<net::ClosureSpec>& specs,
                                      const net::ClosureOverlay& closures) {
  if (req.points.size() < 2) return fail(ErrorCode::kInvalidArgument, "a route needs --from and --to");
  std::vector<Endpoint> ends;
  for (std::size_t i = 0; i < req.points.size(); ++i) {
    const std::string what = i == 0 ? "--from" : i + 1 == req.points.size() ? "--to" : "--via";
    CORRIDOR_TRY(Endpoint e, resolve_endpoint(g, req.points[i], req.snap_limit_m, what));
    ends.push_back(std::move(e));
  }
  RouteOutcome out;
  Route r;
  for (const Endpoint& e : ends) r.snapped_m.push_back(e.snapped_m);
  const net::ClosureOverlay* c = closures.any() ? &closures : nullptr;
  for (std::size_t leg = 0; leg + 1 < ends.size(); ++leg) {
    auto result = route_leg(g, router, ends[leg], ends[leg + 1], req.metric, c);
    if (!result) {
      NoRoute nr = explain(g, router, ends[leg], ends[leg + 1], req.metric, specs, closures);
      nr.leg = leg;
      out.no_route = std::move(nr);
      return out;
    }
    add_pieces(g, result->pieces, r);
    for (std::uint32_t v : result->nodes) {
      if (r.nodes.empty() || r.nodes.back() != v) r.nodes.push_back(v);
    }
  }
  out.route = std::move(r);
  return out;
}

}  // namespace corridor::route
