// Contraction: greedy order by edge difference plus contracted neighbours, updated lazily; a
// witness search bounded by the longest path through the node and by a settled-node budget (when it
// gives up, the shortcut is added: never wrong, only larger). Queries: bidirectional upward
// Dijkstra; the potential for A* is the memoised distance over the forward upward graph into the
// target's full backward upward search space (RPHAST's idea, computed on demand).
#include "route/ch.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <queue>
#include <utility>

namespace corridor::route {

namespace {

struct Link {
  std::uint32_t other;
  std::uint32_t arc;
};

using Item = std::pair<std::uint64_t, std::uint32_t>;  // key, node
using MinHeap = std::priority_queue<Item, std::vector<Item>, std::greater<>>;

// The dynamic graph of uncontracted nodes during the build.
struct Builder {
  const net::Graph& g;
  std::vector<ContractionHierarchy::Arc>& arcs;
  std::vector<std::vector<Link>> out, in;
  std::vector<std::uint8_t> contracted;
  std::vector<std::uint32_t> deleted_neighbours;
  // Witness search state, reset by stamps.
  std::vector<std::uint64_t> dist;
  std::vector<std::uint32_t> stamp;
  std::uint32_t now = 0;

  Builder(const net::Graph& graph, net::Metric metric, std::vector<ContractionHierarchy::Arc>& a)
      : g(graph), arcs(a), out(graph.node_count()), in(graph.node_count()), contracted(graph.node_count(), 0),
        deleted_neighbours(graph.node_count(), 0), dist(graph.node_count(), 0), stamp(graph.node_count(), 0) {
    // The original edges, the cheapest of parallel ones, without loops.
    struct E {
      std::uint32_t u, v, w, e;
    };
    std::vector<E> edges;
    edges.reserve(graph.edge_count());
    for (std::uint32_t u = 0; u < graph.node_count(); ++u) {
      for (std::uint32_t e = graph.first_out(u); e < graph.first_out(u + 1); ++e) {
        const std::uint32_t v = graph.head(core::EdgeId(e)).value;
        if (v != u) edges.push_back({u, v, graph.weight(core::EdgeId(e), metric), e});
      }
    }
    std::sort(edges.begin(), edges.end(), [](const E& x, const E& y) { return std::tie(x.u, x.v, x.w, x.e) < std::tie(y.u, y.v, y.w, y.e); });
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (i > 0 && edges[i].u == edges[i - 1].u && edges[i].v == edges[i - 1].v) continue;
      add(edges[i].u, edges[i].v, edges[i].w, edges[i].e, 0, 0);
    }
  }

  void add(std::uint32_t u, std::uint32_t v, std::uint32_t w, std::uint32_t edge, std::uint32_t first, std::uint32_t second) {
    const auto id = static_cast<std::uint32_t>(arcs.size());
    arcs.push_back({u, v, w, edge, first, second});
    out[u].push_back({v, id});
    in[v].push_back({u, id});
  }

  // Dijkstra from u among uncontracted nodes other than `skip`, up to `limit`, settling at most
  // `budget` nodes. Afterwards reached(w) and dist[w] are this search's.
  void witness(std::uint32_t u, std::uint32_t skip, std::uint64_t limit, std::uint32_t budget) {
    if (++now == 0) {
      std::fill(stamp.begin(), stamp.end(), 0);
      now = 1;
    }
    MinHeap q;
    stamp[u] = now;
    dist[u] = 0;
    q.push({0, u});
    std::uint32_t settled = 0;
    while (!q.empty() && settled < budget) {
      const auto [d, x] = q.top();
      q.pop();
      if (d != dist[x] || d > limit) {
        if (d > limit) break;
        continue;
      }
      ++settled;
      for (const Link& l : out[x]) {
        if (l.other == skip) continue;
        const std::uint64_t nd = d + arcs[l.arc].weight;
        if (nd > limit) continue;
        if (stamp[l.other] != now || nd < dist[l.other]) {
          stamp[l.other] = now;
          dist[l.other] = nd;
          q.push({nd, l.other});
        }
      }
    }
  }
  [[nodiscard]] bool reached(std::uint32_t w) const { return stamp[w] == now; }

  // The shortcuts contracting v needs: (u, w, weight, in-arc, out-arc). With `apply`, adds them.
  std::uint32_t contract(std::uint32_t v, bool apply, std::uint32_t budget) {
    std::uint32_t shortcuts = 0;
    std::uint64_t out_max = 0;
    for (const Link& o : out[v]) out_max = std::max<std::uint64_t>(out_max, arcs[o.arc].weight);
    for (const Link& i : in[v]) {
      const std::uint32_t u = i.other;
      const std::uint64_t w1 = arcs[i.arc].weight;
      witness(u, v, w1 + out_max, budget);
      for (const Link& o : out[v]) {
        const std::uint32_t w = o.other;
        if (w == u) continue;
        const std::uint64_t via = w1 + arcs[o.arc].weight;
        if (reached(w) && dist[w] <= via) continue;
        ++shortcuts;
        if (apply) {
          const std::uint64_t capped = std::min<std::uint64_t>(via, UINT32_MAX - 1);
          add(u, w, static_cast<std::uint32_t>(capped), ContractionHierarchy::kShortcut, i.arc, o.arc);
          // The new arc is a witness for the next pairs of this u.
          if (!reached(w) || dist[w] > via) {
            stamp[w] = now;
            dist[w] = via;
          }
        }
      }
    }
    return shortcuts;
  }

  [[nodiscard]] std::int64_t priority(std::uint32_t v) {
    const std::int64_t added = contract(v, false, 60);
    const auto removed = static_cast<std::int64_t>(in[v].size() + out[v].size());
    return 4 * (added - removed) + 2 * static_cast<std::int64_t>(deleted_neighbours[v]) + 1;
  }

  void remove(std::uint32_t v) {
    contracted[v] = 1;
    for (const Link& i : in[v]) {
      auto& list = out[i.other];
      list.erase(std::remove_if(list.begin(), list.end(), [&](const Link& l) { return l.other == v; }), list.end());
      ++deleted_neighbours[i.other];
    }
    for (const Link& o : out[v]) {
      auto& list = in[o.other];
      list.erase(std::remove_if(list.begin(), list.end(), [&](const Link& l) { return l.other == v; }), list.end());
      ++deleted_neighbours[o.other];
    }
    std::vector<Link>().swap(in[v]);
    std::vector<Link>().swap(out[v]);
  }
};

}  // namespace

ContractionHierarchy ContractionHierarchy::build(const net::Graph& g, net::Metric metric, BuildStats* stats) {
  const auto started = std::chrono::steady_clock::now();
  ContractionHierarchy ch;
  ch.metric_ = metric;
  const std::uint32_t n = g.node_count();
  ch.rank_.assign(n, 0);
  Builder b(g, metric, ch.arcs_);
  const std::size_t originals = ch.arcs_.size();
  using PItem = std::pair<std::int64_t, std::uint32_t>;
  std::priority_queue<PItem, std::vector<PItem>, std::greater<>> q;
  for (std::uint32_t v = 0; v < n; ++v) q.push({b.priority(v), v});
  std::uint32_t next = 0;
  while (!q.empty()) {
    const auto [p, v] = q.top();
    q.pop();
    if (b.contracted[v] != 0) continue;
    const std::int64_t now = b.priority(v);
    if (!q.empty() && now > q.top().first) {
      q.push({now, v});
      continue;
    }
    b.contract(v, true, 500);
    b.remove(v);
    ch.rank_[v] = next++;
  }
  // The upward graphs over every arc (original or shortcut), indexed by rank: the nodes every
  // query climbs to are the highest-ranked few, which then lie together in memory.
  ch.fwd_first_.assign(n + 1, 0);
  ch.bwd_first_.assign(n + 1, 0);
  for (const Arc& a : ch.arcs_) {
    if (ch.rank_[a.tail] < ch.rank_[a.head]) {
      ++ch.fwd_first_[ch.rank_[a.tail] + 1];
    } else {
      ++ch.bwd_first_[ch.rank_[a.head] + 1];
    }
  }
  for (std::uint32_t r = 0; r < n; ++r) {
    ch.fwd_first_[r + 1] += ch.fwd_first_[r];
    ch.bwd_first_[r + 1] += ch.bwd_first_[r];
  }
  ch.fwd_up_.assign(ch.fwd_first_[n], Up{});
  ch.bwd_up_.assign(ch.bwd_first_[n], Up{});
  std::vector<std::uint32_t> fpos(ch.fwd_first_.begin(), ch.fwd_first_.end() - 1), bpos(ch.bwd_first_.begin(), ch.bwd_first_.end() - 1);
  for (std::uint32_t i = 0; i < ch.arcs_.size(); ++i) {
    const Arc& a = ch.arcs_[i];
    const std::uint32_t rt = ch.rank_[a.tail], rh = ch.rank_[a.head];
    if (rt < rh) {
      ch.fwd_up_[fpos[rt]++] = {rh, a.weight, i};
    } else {
      ch.bwd_up_[bpos[rh]++] = {rt, a.weight, i};
    }
  }
  if (stats != nullptr) {
    stats->shortcuts = ch.arcs_.size() - originals;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return ch;
}

void ContractionHierarchy::unpack(std::uint32_t arc, std::vector<core::EdgeId>& out) const {
  std::vector<std::uint32_t> stack{arc};
  while (!stack.empty()) {
    const Arc& a = arcs_[stack.back()];
    stack.pop_back();
    if (a.edge != kShortcut) {
      out.push_back(core::EdgeId(a.edge));
    } else {
      stack.push_back(a.second);  // the first child comes out first
      stack.push_back(a.first);
    }
  }
}

ContractionHierarchy::Query::Query(const ContractionHierarchy& ch)
    : ch_(ch), fwd_(ch.node_count()), bwd_(ch.node_count()), astar_(ch.node_count()), pot_(ch.node_count()),
      pot_stamp_(ch.node_count()) {}

void ContractionHierarchy::Query::begin() {
  if (++stamp_ == 0) {  // wrapped: clear for real once every 2^32 queries
    for (auto* a : {&fwd_, &bwd_, &astar_}) {
      for (Label& l : *a) l.stamp = 0;
    }
    for (auto& x : pot_stamp_) x = 0;
    stamp_ = 1;
  }
  settled_ = 0;
}

ContractionHierarchy::OpenPath ContractionHierarchy::Query::shortest(std::uint32_t s, std::uint32_t t) {
  begin();
  OpenPath out;
  MinHeap qf, qb;
  // The upward searches run on ranks.
  const std::uint32_t rs = ch_.rank(s), rt = ch_.rank(t);
  fwd_[rs] = {0, kShortcut, stamp_};
  bwd_[rt] = {0, kShortcut, stamp_};
  qf.push({0, rs});
  qb.push({0, rt});
  std::uint64_t best = kUnreached;
  std::uint32_t meet = UINT32_MAX;
  auto step = [&](MinHeap& q, core::ZeroedArray<Label>& mine, core::ZeroedArray<Label>& other, bool backward) {
    const auto [d, v] = q.top();
    q.pop();
    if (d != mine[v].dist) return;
    ++settled_;
    if (other[v].stamp == stamp_ && d + other[v].dist < best) {
      best = d + other[v].dist;
      meet = v;
    }
    // Stall on demand: a higher node this search has reached that leads down to v more cheaply
    // shows that v's label is not a shortest distance; such a node cannot be on a shortest up-down
    // path, so its arcs are not relaxed.
    for (std::uint32_t i = ch_.up_begin(!backward, v); i < ch_.up_end(!backward, v); ++i) {
      const Up& u = ch_.up(!backward, i);
      if (mine[u.other].stamp == stamp_ && mine[u.other].dist + u.weight < d) return;
    }
    for (std::uint32_t i = ch_.up_begin(backward, v); i < ch_.up_end(backward, v); ++i) {
      const Up& u = ch_.up(backward, i);
      const std::uint64_t nd = d + u.weight;
      if (mine[u.other].stamp != stamp_ || nd < mine[u.other].dist) {
        mine[u.other] = {nd, u.arc, stamp_};
        q.push({nd, u.other});
      }
    }
  };
  while ((!qf.empty() && qf.top().first < best) || (!qb.empty() && qb.top().first < best)) {
    const bool forward = !qf.empty() && qf.top().first < best && (qb.empty() || qb.top().first >= best || qf.top().first <= qb.top().first);
    if (forward) {
      step(qf, fwd_, bwd_, false);
    } else {
      step(qb, bwd_, fwd_, true);
    }
  }
  if (meet == UINT32_MAX) return out;
  out.cost = best;
  std::vector<std::uint32_t> up;
  for (std::uint32_t r = meet; r != rs;) {
    const std::uint32_t arc = fwd_[r].parent;
    up.push_back(arc);
    r = ch_.rank(ch_.arc(arc).tail);
  }
  for (auto it = up.rbegin(); it != up.rend(); ++it) ch_.unpack(*it, out.edges);
  for (std::uint32_t r = meet; r != rt;) {
    const std::uint32_t arc = bwd_[r].parent;
    ch_.unpack(arc, out.edges);
    r = ch_.rank(ch_.arc(arc).head);
  }
  return out;
}

std::uint64_t ContractionHierarchy::Query::potential(std::uint32_t node) {
  const std::uint32_t v = ch_.rank(node);  // potentials and the backward search space are by rank
  if (pot_stamp_[v] == stamp_) return pot_[v];
  // Iterative: a node's value needs its upward neighbours' first.
  std::vector<std::uint32_t>& stack = touched_;
  stack.clear();
  stack.push_back(v);
  while (!stack.empty()) {
    const std::uint32_t x = stack.back();
    if (pot_stamp_[x] == stamp_) {
      stack.pop_back();
      continue;
    }
    bool ready = true;
    for (std::uint32_t i = ch_.up_begin(false, x); i < ch_.up_end(false, x); ++i) {
      const std::uint32_t w = ch_.up(false, i).other;
      if (pot_stamp_[w] != stamp_) {
        stack.push_back(w);
        ready = false;
      }
    }
    if (!ready) continue;
    std::uint64_t best = bwd_[x].stamp == stamp_ ? bwd_[x].dist : kUnreached;
    for (std::uint32_t i = ch_.up_begin(false, x); i < ch_.up_end(false, x); ++i) {
      const Up& u = ch_.up(false, i);
      const std::uint64_t pw = pot_[u.other];
      if (pw != kUnreached) best = std::min(best, pw + u.weight);
    }
    pot_[x] = best;
    pot_stamp_[x] = stamp_;
    stack.pop_back();
  }
  return pot_[v];
}

std::uint64_t ContractionHierarchy::Query::shortest_under(const net::Graph& g, std::uint32_t s, std::uint32_t t,
                                                          const net::ClosureOverlay* closures, std::vector<core::EdgeId>* edges) {
  begin();
  // The target's whole backward upward search space: every node's distance to t through it.
  {
    MinHeap q;
    bwd_[ch_.rank(t)] = {0, kShortcut, stamp_};
    q.push({0, ch_.rank(t)});
    while (!q.empty()) {
      const auto [d, v] = q.top();
      q.pop();
      if (d != bwd_[v].dist) continue;
      for (std::uint32_t i = ch_.up_begin(true, v); i < ch_.up_end(true, v); ++i) {
        const Up& u = ch_.up(true, i);
        const std::uint64_t nd = d + u.weight;
        if (bwd_[u.other].stamp != stamp_ || nd < bwd_[u.other].dist) {
          bwd_[u.other] = {nd, kShortcut, stamp_};
          q.push({nd, u.other});
        }
      }
    }
  }
  const std::uint64_t h0 = potential(s);
  if (h0 == kUnreached) return kUnreached;
  MinHeap q;
  astar_[s] = {0, kShortcut, stamp_};
  q.push({h0, s});
  const int m = static_cast<int>(ch_.metric_);
  const auto& arcs = g.arrays().arcs;
  while (!q.empty()) {
    const auto [key, u] = q.top();
    q.pop();
    const std::uint64_t d = astar_[u].dist;
    if (key != d + pot_[ch_.rank(u)]) continue;  // stale
    ++settled_;
    if (u == t) {
      if (edges != nullptr) {
        edges->clear();
        for (std::uint32_t v = t; v != s;) {
          const std::uint32_t e = astar_[v].parent;
          edges->push_back(core::EdgeId(e));
          v = g.tail(core::EdgeId(e)).value;
        }
        std::reverse(edges->begin(), edges->end());
      }
      return d;
    }
    for (std::uint32_t e = g.first_out(u); e < g.first_out(u + 1); ++e) {
      if (closures != nullptr && closures->closed(core::EdgeId(e))) continue;
      const std::uint32_t v = arcs[e].head;
      const std::uint64_t nd = d + arcs[e].weight[m];
      if (astar_[v].stamp == stamp_ && nd >= astar_[v].dist) continue;
      const std::uint64_t h = potential(v);
      if (h == kUnreached) continue;
      astar_[v] = {nd, e, stamp_};
      q.push({nd + h, v});
    }
  }
  return kUnreached;
}

}  // namespace corridor::route
