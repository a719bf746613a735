#include "access/critical.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

namespace corridor::access {

namespace {
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
}

UndirectedView::UndirectedView(const net::Graph& g, const net::ClosureOverlay* closures)
    : first_(g.node_count() + 1, 0), present_(g.segment_count(), 0) {
  auto open = [&](SegmentId s, bool reversed) {
    const auto e = g.segment_edge(s, reversed);
    return e && (closures == nullptr || !closures->closed(*e));
  };
  for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
    if (open(SegmentId(s), false) || open(SegmentId(s), true)) {
      present_[s] = 1;
      const net::Segment& seg = g.segment(SegmentId(s));
      ++first_[seg.from + 1];
      ++first_[seg.to + 1];
    }
  }
  for (std::size_t i = 1; i < first_.size(); ++i) first_[i] += first_[i - 1];
  adj_.resize(first_.back());
  core::BigVector<std::uint32_t> fill(first_.begin(), first_.end() - 1);
  for (std::uint32_t s = 0; s < g.segment_count(); ++s) {
    if (present_[s] == 0) continue;
    const net::Segment& seg = g.segment(SegmentId(s));
    adj_[fill[seg.from]++] = {seg.to, s};
    adj_[fill[seg.to]++] = {seg.from, s};
  }
}

CutPoints find_cut_points(const UndirectedView& view, const std::vector<std::int64_t>& population,
                          const std::vector<std::uint32_t>& sources) {
  const std::uint32_t n = view.node_count();
  core::BigVector<std::uint32_t> disc(n, kNone), low(n, 0), parent_link(n, kNone), next(n, 0);
  core::BigVector<std::int64_t> sub_pop(n, 0);
  core::BigVector<std::int64_t> sub_src(n, 0);
  // Per articulation candidate: population and sources in the child subtrees it separates, and the
  // population of those separated subtrees that hold no source.
  core::BigVector<std::int64_t> sep_pop(n, 0), sep_src(n, 0), sep_sourceless_pop(n, 0);
  core::BigVector<std::uint32_t> children(n, 0);
  std::vector<std::uint32_t> stack;
  CutPoints out;
  struct Pending {
    std::uint32_t child, link;
  };
  std::vector<Pending> tree_bridges;
  std::vector<std::uint32_t> ap_candidates;
  std::uint32_t time = 0;

  for (std::uint32_t root = 0; root < n; ++root) {
    if (disc[root] != kNone) continue;
    tree_bridges.clear();
    ap_candidates.clear();
    disc[root] = low[root] = time++;
    next[root] = view.first(root);
    stack.push_back(root);
    while (!stack.empty()) {
      const std::uint32_t u = stack.back();
      if (next[u] < view.first(u + 1)) {
        const std::uint32_t i = next[u]++;
        const std::uint32_t v = view.neighbour(i);
        if (view.segment(i) == parent_link[u]) continue;  // the link we came by (parallels are others)
        if (disc[v] == kNone) {
          disc[v] = low[v] = time++;
          parent_link[v] = view.segment(i);
          next[v] = view.first(v);
          stack.push_back(v);
        } else {
          low[u] = std::min(low[u], disc[v]);
        }
        continue;
      }
      // u is finished: fold it into its parent.
      stack.pop_back();
      sub_pop[u] += population[u];
      sub_src[u] += sources[u];
      if (stack.empty()) break;
      const std::uint32_t p = stack.back();
      low[p] = std::min(low[p], low[u]);
      sub_pop[p] += sub_pop[u];
      sub_src[p] += sub_src[u];
      ++children[p];
      if (low[u] > disc[p]) tree_bridges.push_back({u, parent_link[u]});
      if (low[u] >= disc[p]) {
        sep_pop[p] += sub_pop[u];
        sep_src[p] += sub_src[u];
        if (sub_src[u] == 0) sep_sourceless_pop[p] += sub_pop[u];
        ap_candidates.push_back(p);
      }
    }
    const std::int64_t comp_pop = sub_pop[root], comp_src = sub_src[root];
    // Population cut off from every source when one part loses its link to the other. A component
    // with no source is cut off already; no single closure is to blame for it.
    auto cut = [&](std::int64_t part_pop, std::int64_t part_src) -> std::int64_t {
      if (comp_src == 0) return 0;
      if (part_src == 0) return part_pop;
      if (part_src == comp_src) return comp_pop - part_pop;
      return 0;
    };
    for (const auto& b : tree_bridges) {
      out.bridges.push_back({SegmentId(b.link), cut(sub_pop[b.child], sub_src[b.child])});
    }
    std::sort(ap_candidates.begin(), ap_candidates.end());
    ap_candidates.erase(std::unique(ap_candidates.begin(), ap_candidates.end()), ap_candidates.end());
    for (const std::uint32_t u : ap_candidates) {
      if (u == root && children[u] < 2) continue;
      // The pieces left when u closes: each separated child subtree, and (unless u is the root) the
      // remainder of the component, which keeps the parent side and the children that hang on to
      // it by back links. Pieces without a source are cut off; whatever lives at u is not counted.
      std::int64_t cut_off = 0;
      if (comp_src > 0) {
        cut_off = sep_sourceless_pop[u];
        if (u != root) {
          const std::int64_t remainder_src = comp_src - sources[u] - sep_src[u];
          if (remainder_src == 0) cut_off += comp_pop - population[u] - sep_pop[u];
        }
      }
      out.articulation_points.push_back({NodeId(u), cut_off});
    }
  }
  std::sort(out.bridges.begin(), out.bridges.end(), [](const BridgeResult& a, const BridgeResult& b) {
    return a.population_cut_off != b.population_cut_off ? a.population_cut_off > b.population_cut_off
                                                        : a.segment < b.segment;
  });
  std::sort(out.articulation_points.begin(), out.articulation_points.end(),
            [](const ArticulationResult& a, const ArticulationResult& b) {
              return a.population_cut_off != b.population_cut_off ? a.population_cut_off > b.population_cut_off
                                                                  : a.node < b.node;
            });
  return out;
}

bool same_point(const route::Endpoint& a, const route::Endpoint& b) {
  if (a.node || b.node) return a.node && b.node && *a.node == *b.node;
  return a.snap.segment == b.snap.segment && std::abs(a.snap.fraction - b.snap.fraction) < 1e-9;
}

DisjointRoutes disjoint_routes(const net::Graph& g, const UndirectedView& view, const std::vector<NodeId>& sources,
                               NodeId place) {
  std::vector<route::Endpoint> ends;
  for (const NodeId s : sources) {
    route::Endpoint e;
    e.node = s;
    ends.push_back(e);
  }
  route::Endpoint p;
  p.node = place;
  return disjoint_routes(g, view, ends, p);
}

DisjointRoutes disjoint_routes(const net::Graph& g, const UndirectedView& view,
                               const std::vector<route::Endpoint>& sources, const route::Endpoint& place) {
  const std::uint32_t n = view.node_count();
  // Points part-way along a road become extra nodes n, n + 1, ... joined to both ends of their road
  // by half-links; the road itself is then only traversed through them.
  struct HalfLink {
    std::uint32_t point, node, segment;
    std::int8_t flow = 0;  // +1: one route from the point to the node; -1: the other way
  };
  std::vector<HalfLink> halves;
  core::BigVector<std::uint8_t> split(g.segment_count(), 0);
  core::BigVector<std::uint8_t> has_half(n, 0);
  std::uint32_t extra = 0;
  auto attach = [&](const route::Endpoint& e) -> std::uint32_t {
    if (e.node) return e.node->value;
    const std::uint32_t id = n + extra++;
    const SegmentId s = e.snap.segment;
    if (view.present(s)) {
      const net::Segment& seg = g.segment(s);
      split[s.value] = 1;
      for (const std::uint32_t end : {seg.from, seg.to}) {
        halves.push_back({id, end, s.value});
        has_half[end] = 1;
      }
    }
    return id;
  };
  std::vector<std::uint32_t> roots;
  for (const auto& s : sources) roots.push_back(attach(s));
  const std::uint32_t target = attach(place);
  const std::uint32_t total = n + extra;

  // flow[s] in {-1, 0, 1}: one route along segment s from `from` to `to` (1) or back (-1).
  core::BigVector<std::int8_t> flow(g.segment_count(), 0);
  // How a BFS reached a node: a slot of the view, or a half-link (kHalf + index).
  constexpr std::uint32_t kHalf = 0x8000'0000u;
  core::BigVector<std::uint32_t> via(total, kNone);
  core::BigVector<std::uint32_t> seen(total, 0);
  std::uint32_t stamp = 0;
  std::deque<std::uint32_t> queue;
  auto search = [&] {
    ++stamp;
    queue.clear();
    for (const std::uint32_t r : roots) {
      if (seen[r] != stamp) {
        seen[r] = stamp;
        via[r] = kNone;
        queue.push_back(r);
      }
    }
    while (!queue.empty()) {
      const std::uint32_t u = queue.front();
      queue.pop_front();
      if (u == target) return true;
      auto visit = [&](std::uint32_t v, std::uint32_t how) {
        if (seen[v] == stamp) return;
        seen[v] = stamp;
        via[v] = how;
        queue.push_back(v);
      };
      if (u < n) {
        for (std::uint32_t i = view.first(u); i < view.first(u + 1); ++i) {
          const std::uint32_t s = view.segment(i);
          if (split[s] != 0) continue;
          const bool along = g.segment(SegmentId(s)).from == u;
          if (along ? flow[s] < 1 : flow[s] > -1) visit(view.neighbour(i), i);
        }
        if (has_half[u] == 0) continue;
      }
      for (std::uint32_t h = 0; h < halves.size(); ++h) {
        const HalfLink& x = halves[h];
        if (x.node == u && x.flow > -1) visit(x.point, kHalf | h);
        if (x.point == u && x.flow < 1) visit(x.node, kHalf | h);
      }
    }
    return false;
  };
  DisjointRoutes out;
  for (const std::uint32_t r : roots) {
    if (r == target) return out;
  }
  while (search()) {
    ++out.count;
    // Walk back from the place, pushing one unit along each link.
    for (std::uint32_t v = target; via[v] != kNone;) {
      const std::uint32_t how = via[v];
      if ((how & kHalf) != 0) {
        HalfLink& x = halves[how & ~kHalf];
        const std::uint32_t u = x.node == v ? x.point : x.node;
        x.flow = static_cast<std::int8_t>(x.flow + (u == x.point ? 1 : -1));
        v = u;
        continue;
      }
      const std::uint32_t s = view.segment(how);
      const net::Segment& seg = g.segment(SegmentId(s));
      const std::uint32_t u = seg.from == v ? seg.to : seg.from;
      flow[s] = static_cast<std::int8_t>(flow[s] + (seg.from == u ? 1 : -1));
      v = u;
    }
  }
  // The last search marked what the sources still reach: links leaving that set are the cut.
  for (std::uint32_t u = 0; u < n; ++u) {
    if (seen[u] != stamp) continue;
    for (std::uint32_t i = view.first(u); i < view.first(u + 1); ++i) {
      if (split[view.segment(i)] == 0 && seen[view.neighbour(i)] != stamp) {
        out.min_cut.push_back(SegmentId(view.segment(i)));
      }
    }
  }
  for (const HalfLink& x : halves) {
    if ((seen[x.node] == stamp) != (seen[x.point] == stamp)) out.min_cut.push_back(SegmentId(x.segment));
  }
  std::sort(out.min_cut.begin(), out.min_cut.end());
  out.min_cut.erase(std::unique(out.min_cut.begin(), out.min_cut.end()), out.min_cut.end());
  return out;
}

}  // namespace corridor::access
