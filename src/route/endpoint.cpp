#include "route/endpoint.h"

#include <cmath>

namespace corridor::route {

using core::ErrorCode;
using core::fail;
using net::Segment;
using net::SegmentId;

NodeId Endpoint::nearest_node(const Graph& g) const {
  if (node) return *node;
  const Segment& seg = g.segment(snap.segment);
  return NodeId(snap.fraction < 0.5 ? seg.from : seg.to);
}

core::Result<Endpoint> resolve_endpoint(const Graph& g, const Waypoint& w, double limit,
                                        const std::string& what) {
  Endpoint end;
  end.label = w.label;
  if (w.node) {
    if (w.node->value >= g.node_count()) {
      return fail(ErrorCode::kNotFound, what + ": node " + std::to_string(w.node->value) +
                                            " does not exist (the graph has " +
                                            std::to_string(g.node_count()) + " nodes)");
    }
    end.node = w.node;
    return end;
  }
  CORRIDOR_TRY(end.snap, net::snap(g, *w.point, limit, what + " " + w.label));
  end.snapped_m = end.snap.distance_m;
  const Segment& seg = g.segment(end.snap.segment);
  if (end.snap.fraction == 0) end.node = NodeId(seg.from);
  if (end.snap.fraction == 1) end.node = NodeId(seg.to);
  return end;
}

namespace {
std::uint64_t partial_cost(const Graph& g, EdgeId e, Metric m, double fraction) {
  return static_cast<std::uint64_t>(std::llround(g.weight(e, m) * fraction));
}
bool usable(const net::ClosureOverlay* c, EdgeId e) { return c == nullptr || !c->closed(e); }
}  // namespace

void endpoint_seeds(const Graph& g, const Endpoint& end, bool as_source, Metric m,
                    const net::ClosureOverlay* c, std::vector<Seed>& seeds, std::vector<SeedInfo>& infos) {
  if (end.node) {
    seeds.push_back({*end.node, 0});
    infos.push_back({});
    return;
  }
  const SegmentId s = end.snap.segment;
  const Segment& seg = g.segment(s);
  const double f = end.snap.fraction;
  if (auto ef = g.segment_edge(s, false); ef && usable(c, *ef)) {
    // Along the geometry: a source leaves towards `to`, a target is reached from `from`.
    if (as_source) {
      seeds.push_back({NodeId(seg.to), partial_cost(g, *ef, m, 1 - f)});
      infos.push_back({Piece{s, f, 1}});
    } else {
      seeds.push_back({NodeId(seg.from), partial_cost(g, *ef, m, f)});
      infos.push_back({Piece{s, 0, f}});
    }
  }
  if (auto eb = g.segment_edge(s, true); eb && usable(c, *eb)) {
    if (as_source) {
      seeds.push_back({NodeId(seg.from), partial_cost(g, *eb, m, f)});
      infos.push_back({Piece{s, f, 0}});
    } else {
      seeds.push_back({NodeId(seg.to), partial_cost(g, *eb, m, 1 - f)});
      infos.push_back({Piece{s, 1, f}});
    }
  }
}

}  // namespace corridor::route
