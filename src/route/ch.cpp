// Contraction: greedy order by quotients of arcs and hops added to removed plus the level,
// updated for the neighbours of each node when it is contracted; a witness search
// bounded by the longest path through the node, by the last of the pairs asked about and by a
// settled-node budget (when it gives up, the shortcut is added: never wrong, only larger); the
// final ranks by level, then by node id (locality). Queries: bidirectional upward Dijkstra with
// stall-on-demand; paths unpacked a level of shortcuts at a time; the potential for A* is the
// memoised distance over the forward upward graph into the target's full backward upward search
// space (RPHAST's idea, computed on demand).
#include "route/ch.h"

#include "route/router.h"

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

// The searches' queue (the builder's witness searches and the queries'): a binary min-heap of
// (key, node) on the key alone (ties in any order: no search depends on it).
using HeapItem = std::pair<std::uint64_t, std::uint32_t>;
constexpr auto kLater = [](const HeapItem& x, const HeapItem& y) { return x.first > y.first; };
void heap_push(std::vector<HeapItem>& h, std::uint64_t key, std::uint32_t v) {
  h.emplace_back(key, v);
  std::push_heap(h.begin(), h.end(), kLater);
}
HeapItem heap_pop(std::vector<HeapItem>& h) {
  std::pop_heap(h.begin(), h.end(), kLater);
  const HeapItem top = h.back();
  h.pop_back();
  return top;
}

// An arc of the hierarchy while it is built: an original edge, or a shortcut over two arcs.
struct Arc {
  std::uint32_t tail, head;
  std::uint32_t weight;
  std::uint32_t edge;            // the original edge, or kShortcutArc
  std::uint32_t first, second;   // children of a shortcut (arc ids)
  std::uint32_t hops;            // original edges it stands for
};
constexpr std::uint32_t kShortcutArc = UINT32_MAX;

// The dynamic graph of uncontracted nodes during the build.
struct Builder {
  const net::Graph& g;
  std::vector<Arc>& arcs;
  std::vector<std::vector<Link>> out, in;
  std::vector<std::uint8_t> contracted;
  std::vector<std::uint32_t> level;  // one more than the highest level of a contracted neighbour
  // Witness search state, reset by stamps.
  std::vector<std::uint64_t> dist;
  std::vector<std::uint32_t> stamp, wanted;
  std::vector<HeapItem> heap;
  std::uint32_t now = 0;

  Builder(const net::Graph& graph, net::Metric metric, std::vector<Arc>& a)
      : g(graph), arcs(a), out(graph.node_count()), in(graph.node_count()), contracted(graph.node_count(), 0),
        level(graph.node_count(), 0), dist(graph.node_count(), 0), stamp(graph.node_count(), 0), wanted(graph.node_count(), 0) {
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

  // Adds the arc u -> v, or lowers the weight of the one there is (one arc per ordered pair, so
  // that each direction between two nodes is one entry of the stored hierarchy). An arc lowered
  // here has no shortcut over it yet: shortcuts over an arc are made only when one of its ends is
  // contracted, and arcs are added only between nodes that are not.
  void add(std::uint32_t u, std::uint32_t v, std::uint32_t w, std::uint32_t edge, std::uint32_t first, std::uint32_t second) {
    for (const Link& l : out[u]) {
      if (l.other != v) continue;
      auto& a = arcs[l.arc];
      if (w < a.weight) a = {u, v, w, edge, first, second, hops_of(edge, first, second)};
      return;
    }
    const auto id = static_cast<std::uint32_t>(arcs.size());
    arcs.push_back({u, v, w, edge, first, second, hops_of(edge, first, second)});
    out[u].push_back({v, id});
    in[v].push_back({u, id});
  }

  [[nodiscard]] std::uint32_t hops_of(std::uint32_t edge, std::uint32_t first, std::uint32_t second) const {
    return edge == kShortcutArc ? arcs[first].hops + arcs[second].hops : 1;
  }

  // Dijkstra from u among uncontracted nodes other than `skip`, up to `limit`, settling at most
  // `budget` nodes, and no further than the last of skip's other out-neighbours (the pairs asked
  // about: their distances are final then). Afterwards reached(w) and dist[w] are this search's.
  void witness(std::uint32_t u, std::uint32_t skip, std::uint64_t limit, std::uint32_t budget) {
    if (++now == 0) {
      std::fill(stamp.begin(), stamp.end(), 0);
      std::fill(wanted.begin(), wanted.end(), 0);
      now = 1;
    }
    std::uint32_t left = 0;
    for (const Link& o : out[skip]) {
      if (o.other != u) {
        wanted[o.other] = now;
        ++left;
      }
    }
    heap.clear();
    stamp[u] = now;
    dist[u] = 0;
    heap_push(heap, 0, u);
    std::uint32_t settled = 0;
    while (!heap.empty() && settled < budget && left > 0) {
      const auto [d, x] = heap_pop(heap);
      if (d != dist[x] || d > limit) {
        if (d > limit) break;
        continue;
      }
      ++settled;
      if (wanted[x] == now) --left;
      for (const Link& l : out[x]) {
        if (l.other == skip) continue;
        const std::uint64_t nd = d + arcs[l.arc].weight;
        if (nd > limit) continue;
        if (stamp[l.other] != now || nd < dist[l.other]) {
          stamp[l.other] = now;
          dist[l.other] = nd;
          heap_push(heap, nd, l.other);
        }
      }
    }
  }
  [[nodiscard]] bool reached(std::uint32_t w) const { return stamp[w] == now; }

  // The shortcuts contracting v needs: how many, and how many original edges they stand for.
  // With `apply`, adds them.
  struct Added {
    std::uint32_t arcs = 0;
    std::uint64_t hops = 0;
  };
  Added contract(std::uint32_t v, bool apply, std::uint32_t budget) {
    Added added;
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
        ++added.arcs;
        added.hops += arcs[i.arc].hops + arcs[o.arc].hops;
        if (apply) {
          const std::uint64_t capped = std::min<std::uint64_t>(via, UINT32_MAX - 1);
          add(u, w, static_cast<std::uint32_t>(capped), kShortcutArc, i.arc, o.arc);
          // The new arc is a witness for the next pairs of this u.
          if (!reached(w) || dist[w] > via) {
            stamp[w] = now;
            dist[w] = via;
          }
        }
      }
    }
    return added;
  }

  // The order: arcs and original edges (hops) added per arc and hop removed, as quotients (as in
  // RoutingKit; differences favour nodes of low degree too much), plus half the node's level, so
  // that the contraction spreads over the map rather than eating into one region.
  [[nodiscard]] double priority(std::uint32_t v) {
    const Added added = contract(v, false, 60);
    const std::size_t removed = in[v].size() + out[v].size();
    std::uint64_t removed_hops = 0;
    for (const Link& l : in[v]) removed_hops += arcs[l.arc].hops;
    for (const Link& l : out[v]) removed_hops += arcs[l.arc].hops;
    auto quotient = [](double x, double y) { return x / std::max(1.0, y); };
    return 0.5 * level[v] + quotient(added.arcs, static_cast<double>(removed)) +
           quotient(static_cast<double>(added.hops), static_cast<double>(removed_hops));
  }

  void remove(std::uint32_t v) {
    contracted[v] = 1;
    for (const Link& i : in[v]) {
      auto& list = out[i.other];
      list.erase(std::remove_if(list.begin(), list.end(), [&](const Link& l) { return l.other == v; }), list.end());
      level[i.other] = std::max(level[i.other], level[v] + 1);
    }
    for (const Link& o : out[v]) {
      auto& list = in[o.other];
      list.erase(std::remove_if(list.begin(), list.end(), [&](const Link& l) { return l.other == v; }), list.end());
      level[o.other] = std::max(level[o.other], level[v] + 1);
    }
    std::vector<Link>().swap(in[v]);
    std::vector<Link>().swap(out[v]);
  }
};

// Ranks again, by level and then by node id, for locality. A node's level is one more than the
// highest level among its neighbours contracted before it (the builder's `level`, final once every
// node is contracted), so every arc of the hierarchy goes from a lower level to a higher one: any
// order by level keeps each arc's direction (up stays up), so the hierarchy and its answers are
// unchanged. Within a level the nodes are in id order, which is the import's Hilbert order: the
// nodes a query touches at the bottom of the hierarchy -- the first steps of its searches, the
// middle nodes where a path unpacks -- lie near each other on the map and so, now, near each other
// in the arrays by rank.
void rank_by_level(const std::vector<std::uint32_t>& level, std::vector<std::uint32_t>& rank) {
  const auto n = static_cast<std::uint32_t>(rank.size());
  std::vector<std::uint32_t> by_rank(n);
  for (std::uint32_t v = 0; v < n; ++v) by_rank[v] = v;
  std::stable_sort(by_rank.begin(), by_rank.end(), [&](std::uint32_t x, std::uint32_t y) { return level[x] < level[y]; });
  for (std::uint32_t r = 0; r < n; ++r) rank[by_rank[r]] = r;
}

}  // namespace

namespace {

// The stored arrays when the hierarchy was built here.
struct Owned {
  std::vector<std::uint32_t> metric, rank, first;
  std::vector<net::ChEntry> up;
};

}  // namespace

ContractionHierarchy::ContractionHierarchy(const net::Graph& g)
    : g_(&g),
      metric_(g.hierarchy_metric().value_or(net::Metric::kTime)),
      metric_word_(g.arrays().ch_metric),
      rank_(g.arrays().ch_rank),
      first_(g.arrays().ch_first),
      up_(g.arrays().ch_up) {}

net::Graph ContractionHierarchy::attach(const net::Graph& g) const {
  return g.with_hierarchy(metric_word_, rank_, first_, up_, storage_);
}

ContractionHierarchy ContractionHierarchy::build(const net::Graph& g, net::Metric metric, BuildStats* stats) {
  const auto started = std::chrono::steady_clock::now();
  const std::uint32_t n = g.node_count();
  auto owned = std::make_shared<Owned>();
  owned->metric = {static_cast<std::uint32_t>(metric)};
  owned->rank.assign(n, 0);
  std::vector<Arc> arcs;
  {
    Builder b(g, metric, arcs);
    using PItem = std::pair<double, std::uint32_t>;
    std::priority_queue<PItem, std::vector<PItem>, std::greater<>> q;
    std::vector<double> prio(n);
    for (std::uint32_t v = 0; v < n; ++v) q.push({prio[v] = b.priority(v), v});
    std::uint32_t next = 0;
    std::vector<std::uint32_t> nb;
    while (!q.empty()) {
      const auto [p, v] = q.top();
      q.pop();
      if (b.contracted[v] != 0 || p != prio[v]) continue;  // contracted, or a stale priority
      b.contract(v, true, 500);
      // Its neighbours' priorities now, not when they come up (a lazy update only notices a
      // priority that rose; one that fell would wait behind nodes it should precede). Measured on
      // 10^6 nodes against the lazy update alone: 7% fewer nodes settled per query, 5% fewer
      // entries, the build about 20% longer. What else changes a node's priority (a witness
      // through a node two steps away) is rare enough that looking at it again when it comes up
      // changed 0.001% of the entries and cost about 10% of the build, so it is not done.
      nb.clear();
      for (const Link& l : b.in[v]) nb.push_back(l.other);
      for (const Link& l : b.out[v]) nb.push_back(l.other);
      b.remove(v);
      owned->rank[v] = next++;
      std::sort(nb.begin(), nb.end());
      nb.erase(std::unique(nb.begin(), nb.end()), nb.end());
      for (const std::uint32_t w : nb) {
        const double pw = b.priority(w);
        if (pw != prio[w]) q.push({prio[w] = pw, w});
      }
    }
    rank_by_level(b.level, owned->rank);
  }
  const auto& rank = owned->rank;
  // One record per arc, by (lower rank, higher rank, direction); then the two directions of one
  // road (the same segment) or of one shortcut (the same middle node) at the same weight merge.
  struct Rec {
    std::uint32_t lower, higher;
    bool up;
    std::uint32_t weight, via;  // via: edge id, or kShortcut | middle rank
  };
  std::vector<Rec> recs;
  recs.reserve(arcs.size());
  std::uint64_t shortcuts = 0;
  for (const Arc& a : arcs) {
    const std::uint32_t rt = rank[a.tail], rh = rank[a.head];
    std::uint32_t via = a.edge;
    if (a.edge == kShortcutArc) {
      via = net::ch_flags::kShortcut | rank[arcs[a.first].head];
      ++shortcuts;
    }
    recs.push_back({std::min(rt, rh), std::max(rt, rh), rt < rh, a.weight, via});
  }
  std::vector<Arc>().swap(arcs);
  std::sort(recs.begin(), recs.end(), [](const Rec& x, const Rec& y) {
    return std::tie(x.lower, x.higher, x.up) < std::tie(y.lower, y.higher, y.up);
  });
  auto same_road = [&](const Rec& down, const Rec& up) {
    if (down.weight != up.weight) return false;
    if ((down.via & net::ch_flags::kShortcut) != 0 || (up.via & net::ch_flags::kShortcut) != 0) return down.via == up.via;
    return g.segment_of(core::EdgeId(down.via)) == g.segment_of(core::EdgeId(up.via));
  };
  owned->first.assign(n + 1, 0);
  owned->up.reserve(recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const Rec& r = recs[i];
    ++owned->first[r.lower + 1];
    // Sorted with the downward record first: (lower, higher, false) then (lower, higher, true).
    if (!r.up && i + 1 < recs.size() && recs[i + 1].lower == r.lower && recs[i + 1].higher == r.higher &&
        same_road(r, recs[i + 1])) {
      owned->up.push_back({r.higher, r.weight, net::ch_flags::kUp | net::ch_flags::kDown | recs[i + 1].via});
      ++i;
      continue;
    }
    owned->up.push_back({r.higher, r.weight, (r.up ? net::ch_flags::kUp : net::ch_flags::kDown) | r.via});
  }
  for (std::uint32_t r = 0; r < n; ++r) owned->first[r + 1] += owned->first[r];
  ContractionHierarchy ch;
  ch.g_ = &g;
  ch.metric_ = metric;
  ch.metric_word_ = owned->metric;
  ch.rank_ = owned->rank;
  ch.first_ = owned->first;
  ch.up_ = owned->up;
  if (stats != nullptr) {
    stats->shortcuts = shortcuts;
    stats->entries = owned->up.size();
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  ch.storage_ = std::move(owned);
  return ch;
}

bool ContractionHierarchy::unpack_all(std::vector<UnpackFrame>& frames, UnpackScratch& scratch,
                                      std::vector<core::EdgeId>& out) const {
  using namespace net::ch_flags;
  // The entry at the node of rank m to rank `other` that may be used in the given direction.
  auto find = [&](std::uint32_t m, std::uint32_t other, bool up) -> std::uint32_t {
    for (std::uint32_t k = first_[m]; k < first_[m + 1]; ++k) {
      if (up_[k].other == other && (up_[k].via & (up ? kUp : kDown)) != 0) return k;
    }
    return UINT32_MAX;
  };
  // The path's entries are the roots of a forest; each shortcut gets its two halves as children.
  // Level by level rather than depth first: the shortcuts of one level are split in one pass, so
  // the memory reads of one pass are independent of each other and overlap (a depth-first walk
  // waits for each in turn); a pass looks only at the shortcuts the one before made. Each pass
  // lowers every shortcut's lower end, so there are at most as many passes as ranks.
  auto& tree = scratch.tree;
  auto& pending = scratch.pending;
  auto& next = scratch.next;
  tree.assign(frames.begin(), frames.end());
  const auto roots = static_cast<std::uint32_t>(tree.size());
  pending.clear();
  // A node of the forest is usable in its direction; a shortcut among them waits to be split.
  auto admit = [&](std::uint32_t i) {
    const std::uint32_t via = up_[tree[i].entry].via;
    if ((via & (tree[i].upward ? kUp : kDown)) == 0) return false;
    if ((via & kShortcut) != 0) pending.push_back(i);
    return true;
  };
  for (std::uint32_t i = 0; i < tree.size(); ++i) {
    if (!admit(i)) return false;
  }
  while (!pending.empty()) {
    next.swap(pending);
    pending.clear();
    // Ask for what the pass will read a level at a time (each middle node's offsets, then its
    // entries), so that the misses of all the level's shortcuts are in flight together.
    for (const std::uint32_t i : next) __builtin_prefetch(&first_[up_[tree[i].entry].via & kIdMask]);
    for (const std::uint32_t i : next) __builtin_prefetch(&up_[first_[up_[tree[i].entry].via & kIdMask]]);
    for (const std::uint32_t i : next) {
      const UnpackFrame f = tree[i];
      const net::ChEntry& c = up_[f.entry];
      // lower -> higher is lower -> m -> higher: at m, down from `lower` then up to `higher`;
      // higher -> lower is higher -> m -> lower: at m, down from `higher` then up to `lower`.
      const std::uint32_t m = c.via & kIdMask;
      const std::uint32_t from = f.upward ? f.lower : c.other, to = f.upward ? c.other : f.lower;
      const std::uint32_t a = find(m, from, false), b = find(m, to, true);
      if (a == UINT32_MAX || b == UINT32_MAX || std::uint64_t{up_[a].weight} + up_[b].weight != c.weight) return false;
      // A path the hierarchy unpacks visits each node once (a node twice would be a shortcut over
      // a cycle, which no witness search lets through): more halves than twice the nodes is a
      // damaged file (shortcuts whose weights add up but whose halves multiply), refused before
      // it grows without bound.
      if (tree.size() + 2 > 2 * std::size_t{node_count()} + roots) return false;
      const auto at = static_cast<std::uint32_t>(tree.size());
      tree[i].halves = at;
      tree.push_back({m, a, false});
      tree.push_back({m, b, true});
      if (!admit(at) || !admit(at + 1)) return false;
    }
  }
  // The leaves in travel order: a walk of each root's tree, first half before second.
  frames.clear();
  auto& stack = scratch.stack;
  for (std::uint32_t root = 0; root < roots; ++root) {
    stack.assign(1, root);
    while (!stack.empty()) {
      const std::uint32_t x = stack.back();
      stack.pop_back();
      if (tree[x].halves == kLeaf) {
        frames.push_back(tree[x]);
      } else {
        stack.push_back(tree[x].halves + 1);
        stack.push_back(tree[x].halves);
      }
    }
  }
  // The original edges. Where an entry stands for both directions of a road and the path goes down
  // it, the edge is the other direction of the stored one: the edge out of the stored one's head
  // along the same segment, reversed (again asked for a level at a time).
  const auto& a = g_->arrays();
  auto reverse_wanted = [&](const UnpackFrame& f) {
    const std::uint32_t via = up_[f.entry].via;
    return !f.upward && (via & kUp) != 0;
  };
  for (const UnpackFrame& f : frames) {
    if (!reverse_wanted(f)) continue;
    const std::uint32_t e = up_[f.entry].via & kIdMask;
    __builtin_prefetch(&a.arcs[e]);
    __builtin_prefetch(&a.edge_segment[e]);
  }
  for (const UnpackFrame& f : frames) {
    if (reverse_wanted(f)) __builtin_prefetch(&a.first_out[a.arcs[up_[f.entry].via & kIdMask].head]);
  }
  for (const UnpackFrame& f : frames) {
    if (reverse_wanted(f)) __builtin_prefetch(&a.edge_segment[a.first_out[a.arcs[up_[f.entry].via & kIdMask].head]]);
  }
  for (const UnpackFrame& f : frames) {
    const net::ChEntry& c = up_[f.entry];
    std::uint32_t e = c.via & kIdMask;
    if (reverse_wanted(f)) {
      const std::uint32_t v = a.arcs[e].head, want = a.edge_segment[e] ^ net::kEdgeReversed;
      std::uint32_t back = UINT32_MAX;
      for (std::uint32_t x = a.first_out[v]; x < a.first_out[v + 1]; ++x) {
        if (a.edge_segment[x] == want) back = x;
      }
      if (back == UINT32_MAX) return false;
      e = back;
    }
    out.push_back(core::EdgeId(e));
  }
  return true;
}

ContractionHierarchy::Query::Query(const ContractionHierarchy& ch)
    : ch_(ch), both_(2 * std::size_t{ch.node_count()}), astar_(ch.node_count()), fwd_{both_.begin()}, bwd_{both_.begin() + 1}, pot_(ch.node_count()),
      pot_stamp_(ch.node_count()) {}

void ContractionHierarchy::Query::begin() {
  if (++stamp_ == 0) {  // wrapped: clear for real once every 2^32 queries
    for (auto* a : {&both_, &astar_}) {
      for (Label& l : *a) l.stamp = 0;
    }
    for (auto& x : pot_stamp_) x = 0;
    stamp_ = 1;
  }
  settled_ = 0;
}

namespace {

// Which seed at `node` a search label of cost `cost` began or ended at.
std::size_t seed_at(std::span<const Seed> seeds, std::uint32_t node, std::uint64_t cost) {
  std::size_t best = seeds.size();
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    if (seeds[i].node.value != node) continue;
    if (seeds[i].cost == cost) return i;
    if (best == seeds.size() || seeds[i].cost < seeds[best].cost) best = i;
  }
  return best == seeds.size() ? 0 : best;
}

}  // namespace

ContractionHierarchy::OpenPath ContractionHierarchy::Query::shortest(std::uint32_t s, std::uint32_t t) {
  const Seed ss{core::NodeId(s), 0}, tt{core::NodeId(t), 0};
  return shortest({&ss, 1}, {&tt, 1});
}

ContractionHierarchy::OpenPath ContractionHierarchy::Query::shortest(std::span<const Seed> sources,
                                                                     std::span<const Seed> targets) {
  using namespace net::ch_flags;
  begin();
  OpenPath out;
  auto& qf = heap_;
  auto& qb = heap2_;
  qf.clear();
  qb.clear();
  // The upward searches run on ranks.
  auto seed = [&](std::span<const Seed> seeds, Side labels, std::vector<HeapItem>& q) {
    for (const Seed& x : seeds) {
      const std::uint32_t r = ch_.rank(x.node.value);
      if (labels[r].stamp == stamp_ && labels[r].dist <= x.cost) continue;
      labels[r] = {x.cost, kNone, stamp_};
      heap_push(q, x.cost, r);
    }
  };
  seed(sources, fwd_, qf);
  seed(targets, bwd_, qb);
  std::uint64_t best = kUnreached;
  std::uint32_t meet = UINT32_MAX;
  auto step = [&](std::vector<HeapItem>& q, Side mine, Side other,
                  bool backward) {
    const auto [d, v] = heap_pop(q);
    if (!q.empty()) ch_.prefetch_entries(q.front().second);  // most likely the next to settle
    if (d != mine[v].dist) return;
    ++settled_;
    if (other[v].stamp == stamp_ && d + other[v].dist < best) {
      best = d + other[v].dist;
      meet = v;
    }
    const std::uint32_t go = backward ? kDown : kUp, come = backward ? kUp : kDown;
    const std::uint32_t b = ch_.first(v), e = ch_.first(v + 1);
    for (std::uint32_t i = b; i < e; ++i) __builtin_prefetch(&mine[ch_.entry(i).other]);
    // Stall on demand: a higher node this search has reached that leads down to v more cheaply
    // shows that v's label is not a shortest distance; such a node cannot be on a shortest up-down
    // path, so its arcs are not relaxed.
    for (std::uint32_t i = b; i < e; ++i) {
      const net::ChEntry& u = ch_.entry(i);
      if ((u.via & come) != 0 && mine[u.other].stamp == stamp_ && mine[u.other].dist + u.weight < d) return;
    }
    for (std::uint32_t i = b; i < e; ++i) {
      const net::ChEntry& u = ch_.entry(i);
      if ((u.via & go) == 0) continue;
      const std::uint64_t nd = d + u.weight;
      if (mine[u.other].stamp != stamp_ || nd < mine[u.other].dist) {
        mine[u.other] = {nd, v, stamp_};  // the rank it came from; the entry is found again at the end
        ch_.prefetch_first(u.other);
        heap_push(q, nd, u.other);
      }
    }
  };
  while ((!qf.empty() && qf.front().first < best) || (!qb.empty() && qb.front().first < best)) {
    const bool forward = !qf.empty() && qf.front().first < best &&
                         (qb.empty() || qb.front().first >= best || qf.front().first <= qb.front().first);
    if (forward) {
      step(qf, fwd_, bwd_, false);
    } else {
      step(qb, bwd_, fwd_, true);
    }
  }
  if (meet == UINT32_MAX) return out;
  // The path as entries, s to t: up from s to the meeting node, then down to t. A label names the
  // rank it came from; the entry is the one there to this rank, in this direction, at the weight
  // the two labels differ by.
  auto entry_between = [&](std::uint32_t lower, std::uint32_t higher, bool upward, std::uint64_t weight) {
    for (std::uint32_t i = ch_.first(lower); i < ch_.first(lower + 1); ++i) {
      const net::ChEntry& c = ch_.entry(i);
      if (c.other == higher && (c.via & (upward ? kUp : kDown)) != 0 && c.weight == weight) return i;
    }
    return UINT32_MAX;
  };
  auto& frames = unpack_stack_;
  frames.clear();
  bool ok = true;
  std::uint32_t r = meet;
  for (; fwd_[r].parent != kNone && ok; r = fwd_[r].parent) {
    const std::uint32_t p = fwd_[r].parent;
    const std::uint32_t i = entry_between(p, r, true, fwd_[r].dist - fwd_[p].dist);
    ok = i != UINT32_MAX;
    frames.push_back({p, i, true});
  }
  const std::uint32_t rs = r;
  std::reverse(frames.begin(), frames.end());
  for (r = meet; bwd_[r].parent != kNone && ok; r = bwd_[r].parent) {
    const std::uint32_t p = bwd_[r].parent;
    const std::uint32_t i = entry_between(p, r, false, bwd_[r].dist - bwd_[p].dist);
    ok = i != UINT32_MAX;
    frames.push_back({p, i, false});
  }
  ok = ok && ch_.unpack_all(frames, unpack_scratch_, out.edges);
  if (!ok) {  // a damaged hierarchy: no answer rather than a wrong one
    out.edges.clear();
    return out;
  }
  out.cost = best;
  const net::Graph& g = ch_.graph();
  const std::uint32_t s_node = out.edges.empty() ? UINT32_MAX : g.tail(out.edges.front()).value;
  const std::uint32_t t_node = out.edges.empty() ? UINT32_MAX : g.head(out.edges.back()).value;
  auto node_of_rank = [&](std::span<const Seed> seeds, std::uint32_t rank) {
    for (const Seed& x : seeds) {
      if (ch_.rank(x.node.value) == rank) return x.node.value;
    }
    return UINT32_MAX;
  };
  const std::uint32_t sn = out.edges.empty() ? node_of_rank(sources, rs) : s_node;
  const std::uint32_t tn = out.edges.empty() ? sn : t_node;
  out.source_seed = seed_at(sources, sn, fwd_[rs].dist);
  out.target_seed = seed_at(targets, tn, bwd_[r].dist);
  return out;
}

std::uint64_t ContractionHierarchy::Query::potential(std::uint32_t r) {
  using namespace net::ch_flags;
  if (pot_stamp_[r] == stamp_) return pot_[r];
  // Iterative: a node's value needs its upward neighbours' first.
  std::vector<std::uint32_t>& stack = stack_;
  stack.clear();
  stack.push_back(r);
  while (!stack.empty()) {
    const std::uint32_t x = stack.back();
    if (pot_stamp_[x] == stamp_) {
      stack.pop_back();
      continue;
    }
    bool ready = true;
    const std::uint32_t b = ch_.first(x), e = ch_.first(x + 1);
    for (std::uint32_t i = b; i < e; ++i) {
      const net::ChEntry& u = ch_.entry(i);
      if ((u.via & kUp) != 0 && pot_stamp_[u.other] != stamp_) {
        stack.push_back(u.other);
        ready = false;
      }
    }
    if (!ready) continue;
    std::uint64_t best = bwd_[x].stamp == stamp_ ? bwd_[x].dist : kUnreached;
    for (std::uint32_t i = b; i < e; ++i) {
      const net::ChEntry& u = ch_.entry(i);
      if ((u.via & kUp) == 0) continue;
      const std::uint64_t pw = pot_[u.other];
      if (pw != kUnreached) best = std::min(best, pw + u.weight);
    }
    pot_[x] = best;
    pot_stamp_[x] = stamp_;
    stack.pop_back();
  }
  return pot_[r];
}

std::uint64_t ContractionHierarchy::Query::shortest_under(std::uint32_t s, std::uint32_t t,
                                                          const net::ClosureOverlay* closures,
                                                          std::vector<core::EdgeId>* edges) {
  const Seed ss{core::NodeId(s), 0}, tt{core::NodeId(t), 0};
  OpenPath p;
  const std::uint64_t cost = shortest_under({&ss, 1}, {&tt, 1}, closures, edges != nullptr ? &p : nullptr);
  if (edges != nullptr) *edges = std::move(p.edges);
  return cost;
}

std::uint64_t ContractionHierarchy::Query::shortest_under(std::span<const Seed> sources, std::span<const Seed> targets,
                                                          const net::ClosureOverlay* closures, OpenPath* path) {
  using namespace net::ch_flags;
  begin();
  // The targets' whole backward upward search space: every node's distance to them through it.
  auto& q = heap_;
  q.clear();
  for (const Seed& x : targets) {
    const std::uint32_t r = ch_.rank(x.node.value);
    if (bwd_[r].stamp == stamp_ && bwd_[r].dist <= x.cost) continue;
    bwd_[r] = {x.cost, kNone, stamp_};
    heap_push(q, x.cost, r);
  }
  while (!q.empty()) {
    const auto [d, v] = heap_pop(q);
    if (d != bwd_[v].dist) continue;
    for (std::uint32_t i = ch_.first(v); i < ch_.first(v + 1); ++i) {
      const net::ChEntry& u = ch_.entry(i);
      if ((u.via & kDown) == 0) continue;
      const std::uint64_t nd = d + u.weight;
      if (bwd_[u.other].stamp != stamp_ || nd < bwd_[u.other].dist) {
        bwd_[u.other] = {nd, kNone, stamp_};
        heap_push(q, nd, u.other);
      }
    }
  }
  const net::Graph& g = ch_.graph();
  const int m = static_cast<int>(ch_.metric());
  const auto& arcs = g.arrays().arcs;
  for (const Seed& x : sources) {
    const std::uint32_t v = x.node.value;
    const std::uint64_t h = potential(ch_.rank(v));
    if (h == kUnreached || (astar_[v].stamp == stamp_ && astar_[v].dist <= x.cost)) continue;
    astar_[v] = {x.cost, kNone, stamp_};
    heap_push(q, x.cost + h, v);
  }
  std::uint64_t best = kUnreached;
  std::uint32_t best_node = UINT32_MAX;
  while (!q.empty() && q.front().first < best) {
    const auto [key, u] = heap_pop(q);
    const std::uint64_t d = astar_[u].dist;
    if (key != d + pot_[ch_.rank(u)]) continue;  // stale
    ++settled_;
    for (const Seed& x : targets) {
      if (x.node.value == u && d + x.cost < best) {
        best = d + x.cost;
        best_node = u;
      }
    }
    for (std::uint32_t e = g.first_out(u); e < g.first_out(u + 1); ++e) {
      if (closures != nullptr && closures->closed(core::EdgeId(e))) continue;
      const std::uint32_t v = arcs[e].head;
      const std::uint64_t nd = d + arcs[e].weight[m];
      if (astar_[v].stamp == stamp_ && nd >= astar_[v].dist) continue;
      const std::uint64_t h = potential(ch_.rank(v));
      if (h == kUnreached) continue;
      astar_[v] = {nd, e, stamp_};
      heap_push(q, nd + h, v);
    }
  }
  if (best == kUnreached) return kUnreached;
  if (path != nullptr) {
    path->edges.clear();
    std::uint32_t v = best_node;
    for (; astar_[v].parent != kNone;) {
      const std::uint32_t e = astar_[v].parent;
      path->edges.push_back(core::EdgeId(e));
      v = g.tail(core::EdgeId(e)).value;
    }
    std::reverse(path->edges.begin(), path->edges.end());
    path->cost = best;
    path->source_seed = seed_at(sources, v, astar_[v].dist);
    path->target_seed = seed_at(targets, best_node, best - astar_[best_node].dist);
  }
  return best;
}

}  // namespace corridor::route
