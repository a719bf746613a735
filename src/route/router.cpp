#include "route/router.h"

#include <algorithm>
#include <functional>
#include <limits>

namespace corridor::route {

namespace {
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr auto kHeapCmp = std::greater<>{};
}  // namespace

Router::Router(const Graph& g) : g_(g) {
  for (Side* s : {&fwd_, &bwd_}) {
    s->dist.assign(g.node_count(), 0);
    s->parent.assign(g.node_count(), kNone);
    s->origin.assign(g.node_count(), 0);
    s->stamp.assign(g.node_count(), 0);
  }
}

void Router::Side::reset(std::size_t n) {
  heap.clear();
  if (++generation == 0) {  // wrapped: clear for real once every 2^32 queries
    std::fill(stamp.begin(), stamp.begin() + static_cast<std::ptrdiff_t>(n), 0);
    generation = 1;
  }
}

void Router::Side::push(std::uint64_t d, std::uint32_t v) {
  heap.emplace_back(d, v);
  std::push_heap(heap.begin(), heap.end(), kHeapCmp);
}

std::pair<std::uint64_t, std::uint32_t> Router::Side::pop() {
  std::pop_heap(heap.begin(), heap.end(), kHeapCmp);
  const auto top = heap.back();
  heap.pop_back();
  return top;
}

std::optional<Path> Router::shortest(std::span<const Seed> sources, std::span<const Seed> targets,
                                     Metric metric, const net::ClosureOverlay* closures) {
  fwd_.reset(g_.node_count());
  bwd_.reset(g_.node_count());
  auto seed = [](Side& side, std::span<const Seed> seeds) {
    for (std::uint32_t i = 0; i < seeds.size(); ++i) {
      const std::uint32_t v = seeds[i].node.value;
      if (side.has(v) && side.dist[v] <= seeds[i].cost) continue;
      side.stamp[v] = side.generation;
      side.dist[v] = seeds[i].cost;
      side.parent[v] = kNone;
      side.origin[v] = i;
      side.push(seeds[i].cost, v);
    }
  };
  seed(fwd_, sources);
  seed(bwd_, targets);

  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  std::uint32_t meet = kNone;
  auto consider = [&](std::uint32_t v) {
    if (fwd_.has(v) && bwd_.has(v) && fwd_.dist[v] + bwd_.dist[v] < best) {
      best = fwd_.dist[v] + bwd_.dist[v];
      meet = v;
    }
  };
  for (const Seed& s : sources) consider(s.node.value);

  const auto& a = g_.arrays();
  const std::span<const std::uint32_t> weights =
      metric == Metric::kTime ? a.edge_time_ms : a.edge_length_cm;
  auto top = [](const Side& s) {
    return s.heap.empty() ? std::numeric_limits<std::uint64_t>::max() : s.heap.front().first;
  };
  constexpr std::uint64_t kInf = std::numeric_limits<std::uint64_t>::max();
  while (true) {
    const std::uint64_t tf = top(fwd_), tb = top(bwd_);
    if (tf == kInf && tb == kInf) break;
    // Any path not yet found costs at least tf + tb; once one side is exhausted its labels are final
    // and only the other side's keys bound what is left.
    const std::uint64_t lower_bound = (tf == kInf || tb == kInf) ? std::min(tf, tb) : tf + tb;
    if (lower_bound >= best) break;
    const bool forward = tf <= tb;
    Side& side = forward ? fwd_ : bwd_;
    const auto [d, u] = side.pop();
    if (d != side.dist[u]) continue;  // stale entry
    if (forward) {
      for (std::uint32_t e = a.first_out[u]; e < a.first_out[u + 1]; ++e) {
        if (closures != nullptr && closures->closed(EdgeId(e))) continue;
        const std::uint32_t v = a.head[e];
        const std::uint64_t nd = d + weights[e];
        if (!fwd_.has(v) || nd < fwd_.dist[v]) {
          fwd_.stamp[v] = fwd_.generation;
          fwd_.dist[v] = nd;
          fwd_.parent[v] = e;
          fwd_.origin[v] = fwd_.origin[u];
          fwd_.push(nd, v);
          consider(v);
        }
      }
    } else {
      for (std::uint32_t i = a.first_in[u]; i < a.first_in[u + 1]; ++i) {
        const std::uint32_t e = a.in_edge[i];
        if (closures != nullptr && closures->closed(EdgeId(e))) continue;
        const std::uint32_t v = a.in_tail[i];
        const std::uint64_t nd = d + weights[e];
        if (!bwd_.has(v) || nd < bwd_.dist[v]) {
          bwd_.stamp[v] = bwd_.generation;
          bwd_.dist[v] = nd;
          bwd_.parent[v] = e;
          bwd_.origin[v] = bwd_.origin[u];
          bwd_.push(nd, v);
          consider(v);
        }
      }
    }
  }
  if (meet == kNone) return std::nullopt;

  Path path;
  path.cost = best;
  path.source_seed = fwd_.origin[meet];
  path.target_seed = bwd_.origin[meet];
  for (std::uint32_t v = meet; fwd_.parent[v] != kNone;) {
    const std::uint32_t e = fwd_.parent[v];
    path.edges.push_back(EdgeId(e));
    v = g_.tail(EdgeId(e)).value;
  }
  std::reverse(path.edges.begin(), path.edges.end());
  for (std::uint32_t v = meet; bwd_.parent[v] != kNone;) {
    const std::uint32_t e = bwd_.parent[v];
    path.edges.push_back(EdgeId(e));
    v = a.head[e];
  }
  return path;
}

void Router::explore(std::span<const Seed> sources, Metric metric, const net::ClosureOverlay* closures,
                     std::uint64_t limit) {
  fwd_.reset(g_.node_count());
  const auto& a = g_.arrays();
  const std::span<const std::uint32_t> weights =
      metric == Metric::kTime ? a.edge_time_ms : a.edge_length_cm;
  for (std::uint32_t i = 0; i < sources.size(); ++i) {
    const std::uint32_t v = sources[i].node.value;
    if (sources[i].cost > limit || (fwd_.has(v) && fwd_.dist[v] <= sources[i].cost)) continue;
    fwd_.stamp[v] = fwd_.generation;
    fwd_.dist[v] = sources[i].cost;
    fwd_.parent[v] = kNone;
    fwd_.origin[v] = i;
    fwd_.push(sources[i].cost, v);
  }
  while (!fwd_.heap.empty()) {
    const auto [d, u] = fwd_.pop();
    if (d != fwd_.dist[u]) continue;
    for (std::uint32_t e = a.first_out[u]; e < a.first_out[u + 1]; ++e) {
      if (closures != nullptr && closures->closed(EdgeId(e))) continue;
      const std::uint32_t v = a.head[e];
      const std::uint64_t nd = d + weights[e];
      if (nd > limit) continue;
      if (!fwd_.has(v) || nd < fwd_.dist[v]) {
        fwd_.stamp[v] = fwd_.generation;
        fwd_.dist[v] = nd;
        fwd_.parent[v] = e;
        fwd_.origin[v] = fwd_.origin[u];
        fwd_.push(nd, v);
      }
    }
  }
}

}  // namespace corridor::route
